import { test, expect } from '@playwright/test';
import { addFirstProduct, checkoutExpecting, register, shop, uniqueName } from './helpers';

test('a declined payment says so plainly and keeps the cart', async ({ page }) => {
  const base = shop('SHOP_DECLINING_URL');
  await register(page, base, uniqueName('declined'));
  const name = await addFirstProduct(page);
  await checkoutExpecting(page, 'Payment declined');
  await expect(page.getByText('nothing was charged')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Try again' })).toBeVisible();
  // The order is in the history as declined, and the cart still holds the product.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Orders' }).click();
  await expect(page.getByRole('list', { name: 'Orders' }).getByText('Payment declined')).toBeVisible();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Cart' }).click();
  await expect(page.getByRole('link', { name })).toBeVisible();
});

test('a payment provider outage says payments are unavailable and changes nothing', async ({ page }) => {
  const base = shop('SHOP_OUTAGE_URL');
  await register(page, base, uniqueName('outage'));
  const name = await addFirstProduct(page);
  await checkoutExpecting(page, 'Payment unavailable');
  await expect(page.getByText('Nothing was charged and your cart is unchanged')).toBeVisible();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Orders' }).click();
  await expect(page.getByText('No orders yet.')).toBeVisible();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Cart' }).click();
  await expect(page.getByRole('link', { name })).toBeVisible();
});

test('pressing pay three times in one tick makes one order', async ({ page }) => {
  const base = shop('SHOP_URL');
  await register(page, base, uniqueName('triple'));
  await addFirstProduct(page);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Cart' }).click();
  await page.getByRole('link', { name: 'Proceed to checkout' }).click();
  // As a script would: three clicks before the page can disable the button.
  await page.getByRole('button', { name: 'Pay now' }).evaluate((button: HTMLButtonElement) => {
    button.click();
    button.click();
    button.click();
  });
  await expect(page.getByRole('heading', { name: 'Payment successful' })).toBeVisible();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Orders' }).click();
  await expect(page.getByRole('list', { name: 'Orders' }).getByRole('link', { name: /^Order #/ })).toHaveCount(1);
});
