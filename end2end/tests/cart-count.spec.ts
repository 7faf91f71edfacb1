// The header counts the items in the cart and follows every change without a reload; the
// keyboard focus stays where the shopper is when adding to the cart and moves to the payment's
// outcome after paying.
import { expect, test } from '@playwright/test';
import { register, shop, uniqueName } from './helpers';

test('the cart count in the header follows adding, changing, removing and paying', async ({ page }) => {
  const base = shop('SHOP_URL');
  await register(page, base, uniqueName('count'));
  const cartLink = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /^Cart/ });
  await expect(cartLink).toHaveText('Cart');

  const products = page.getByRole('list', { name: 'Products' }).getByRole('listitem');
  const add = products.first().getByRole('button', { name: 'Add to cart' });
  await add.focus();
  await page.keyboard.press('Enter');
  await expect(products.first().getByText('Added to cart')).toBeVisible();
  await expect(cartLink).toHaveText('Cart (1)');
  await expect(add).toBeFocused();
  await products.nth(1).getByRole('button', { name: 'Add to cart' }).click();
  await expect(cartLink).toHaveText('Cart (2)');

  // A reload reads it again.
  await page.reload();
  await expect(cartLink).toHaveText('Cart (2)');

  await cartLink.click();
  const quantity = page.getByRole('spinbutton').first();
  await quantity.fill('4');
  await quantity.press('Enter');
  await quantity.blur();
  await expect(cartLink).toHaveText('Cart (5)');
  await page.getByRole('button', { name: /^Remove/ }).first().click();
  await expect(cartLink).toHaveText('Cart (1)');
  // Screen readers hear what changed (a polite live region).
  await expect(page.getByTestId('cart-announcement')).toHaveText(/^.+ removed from your cart\. Total: €\d+\.\d{2}\.$/);

  await page.getByRole('link', { name: 'Proceed to checkout' }).click();
  await page.getByRole('button', { name: 'Pay now' }).click();
  await expect(page.getByRole('heading', { name: 'Payment successful' })).toBeFocused();
  await expect(cartLink).toHaveText('Cart');
});
