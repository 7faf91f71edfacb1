import { test, expect } from '@playwright/test';
import { shop, signIn } from './helpers';

test('with the orders service stopped the app says so and sign-in still works', async ({ page }) => {
  const base = shop('SHOP_NO_ORDERS_URL');
  await page.goto(base);
  const banner = page.getByRole('alert').filter({ hasText: 'The catalog, your cart' });
  await expect(banner).toContainText('The catalog, your cart and your orders are unavailable for a moment.');
  // The catalog's own call fails with a clear message in the app's words (the problem's code
  // is `service_unavailable`), not a blank page nor the API's detail.
  const failure = page.getByText('This part of the shop is unavailable for a moment. Please try again shortly.');
  await expect(failure).toBeVisible();
  await expect(page.getByText('The orders service is unavailable')).toHaveCount(0);

  await signIn(page, base, 'demo', 'demo-password');
  await expect(banner).toBeVisible();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Orders', exact: true }).click();
  await expect(failure).toBeVisible();
});
