import { test, expect } from '@playwright/test';
import { shop, signIn } from './helpers';

test('with the orders service stopped the app says so and sign-in still works', async ({ page }) => {
  const base = shop('SHOP_NO_ORDERS_URL');
  await page.goto(base);
  const banner = page.getByRole('alert').filter({ hasText: 'temporarily unavailable' });
  await expect(banner).toContainText('The catalog, cart and orders are temporarily unavailable');
  // The catalog's own call fails with a clear message, not a blank page.
  await expect(page.getByText('The orders service is unavailable; try again shortly.')).toBeVisible();

  await signIn(page, base, 'demo', 'demo-password');
  await expect(banner).toBeVisible();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Orders', exact: true }).click();
  await expect(page.getByText('The orders service is unavailable; try again shortly.')).toBeVisible();
});
