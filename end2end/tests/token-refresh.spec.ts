import { test, expect } from '@playwright/test';
import { addFirstProduct, register, shop, uniqueName } from './helpers';

// This shop issues access tokens that expire at once; the verifier accepts them for its
// 5-second leeway. The test lets that time pass, then navigates inside the app (no reload).
const LEEWAY_MS = 5_000;

test('an expired access token is refreshed silently mid-journey', async ({ page }) => {
  const base = shop('SHOP_SHORT_TOKEN_URL');
  const username = uniqueName('refresher');
  await register(page, base, username);
  const name = await addFirstProduct(page);

  const expired = page.waitForResponse((r) => r.url().endsWith('/api/cart') && r.status() === 401);
  const refreshed = page.waitForResponse((r) => r.url().endsWith('/api/auth/refresh') && r.status() === 200);
  // Waiting here is the point of the test: the token must be past its expiry.
  await page.waitForTimeout(LEEWAY_MS + 1_500);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Cart' }).click();
  await expired;
  await refreshed;
  await expect(page.getByRole('link', { name })).toBeVisible();
  await expect(page).toHaveURL(/\/cart$/);
  await expect(page.getByText(`Signed in as ${username}`)).toBeVisible();
});
