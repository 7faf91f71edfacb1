import { test, expect } from '@playwright/test';
import { addFirstProduct, register, shop, uniqueName, PASSWORD } from './helpers';

test('a newcomer registers, shops, pays and finds the purchase in their history', async ({ page }) => {
  const base = shop('SHOP_URL');
  const username = uniqueName('shopper');
  await register(page, base, username);

  // Browse: categories filter the catalog.
  const products = page.getByRole('list', { name: 'Products' });
  await expect(products.getByRole('listitem')).toHaveCount(12);
  await page.getByRole('navigation', { name: 'Categories' }).getByRole('link', { name: /^Tea/ }).click();
  await expect(page).toHaveURL(/category=tea/);
  await expect(products.getByRole('listitem')).toHaveCount(4);
  const teaName = await addFirstProduct(page);

  // A product page, with a quantity.
  await page.getByRole('navigation', { name: 'Categories' }).getByRole('link', { name: /^Coffee/ }).click();
  await products.getByRole('listitem').first().getByRole('heading').getByRole('link').click();
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  const coffeeName = (await page.getByRole('heading', { level: 1 }).innerText()).trim();
  await page.getByLabel('Quantity').fill('2');
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await expect(page.getByText('Added to cart')).toBeVisible();

  // The cart: change a quantity, remove a line.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Cart' }).click();
  await expect(page.getByRole('heading', { name: 'Your cart' })).toBeVisible();
  await expect(page.getByRole('row')).toHaveCount(3);
  const coffeeQuantity = page.getByLabel(`Quantity of ${coffeeName}`);
  await expect(coffeeQuantity).toHaveValue('2');
  const totalBefore = await page.getByTestId('cart-total').innerText();
  await coffeeQuantity.fill('3');
  await coffeeQuantity.press('Enter');
  await coffeeQuantity.blur();
  await expect(page.getByTestId('cart-total')).not.toHaveText(totalBefore);
  await page.getByRole('button', { name: `Remove ${teaName}` }).click();
  await expect(page.getByRole('row')).toHaveCount(2);

  // Checkout.
  await page.getByRole('link', { name: 'Proceed to checkout' }).click();
  await expect(page.getByText(`3 × ${coffeeName}`)).toBeVisible();
  await page.getByRole('button', { name: 'Pay now' }).click();
  await expect(page.getByRole('heading', { name: 'Payment successful' })).toBeVisible();

  // History, also after a reload (the session survives through the cookie).
  await page.getByRole('link', { name: 'See your orders' }).click();
  const orders = page.getByRole('list', { name: 'Orders' });
  await expect(orders.getByText(`3 × ${coffeeName}`)).toBeVisible();
  await expect(orders.getByText('Paid')).toBeVisible();
  await page.reload();
  await expect(page.getByText(`Signed in as ${username}`)).toBeVisible();
  await expect(page.getByRole('list', { name: 'Orders' }).getByText(`3 × ${coffeeName}`)).toBeVisible();

  // The cart is empty after paying.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Cart' }).click();
  await expect(page.getByText('Your cart is empty.')).toBeVisible();

  // Sign out, then sign in again.
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByText(`Signed in as ${username}`)).toBeVisible();
});

test('a wrong password shows an error and keeps the user signed out', async ({ page }) => {
  const base = shop('SHOP_URL');
  await page.goto(`${base}/login`);
  await page.getByLabel('Username').fill('demo');
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('Wrong username or password.');
  await expect(page.getByRole('link', { name: 'Sign in' })).toBeVisible();
});

test('a protected page sends a signed-out visitor to sign in and back', async ({ page }) => {
  const base = shop('SHOP_URL');
  await page.goto(`${base}/orders`);
  await expect(page).toHaveURL(/\/login\?next=\/orders/);
  await page.getByLabel('Username').fill('demo');
  await page.getByLabel('Password').fill('demo-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Your orders' })).toBeVisible();
  await expect(page).toHaveURL(/\/orders$/);
});
