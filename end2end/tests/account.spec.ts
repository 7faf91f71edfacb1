import { test, expect } from '@playwright/test';
import { PASSWORD, register, shop, signIn, uniqueName } from './helpers';

test('a user changes their password on the account page and signs in with the new one', async ({ page }) => {
  const base = shop('SHOP_URL');
  const username = uniqueName('changer');
  await register(page, base, username);
  await page.getByRole('link', { name: 'Account' }).click();
  await expect(page.getByRole('heading', { name: 'Profile' })).toBeVisible();
  await expect(page.getByRole('definition').filter({ hasText: username })).toBeVisible();

  await page.getByLabel('Current password').fill('not my password');
  await page.getByLabel('New password').fill('a brand new passphrase');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByRole('alert')).toHaveText('The current password is wrong.');

  await page.getByLabel('Current password').fill(PASSWORD);
  await page.getByLabel('New password').fill('password');
  await page.getByRole('button', { name: 'Change password' }).click();
  // The server's refusal names the field; the app ties its reason to the input.
  await expect(page.getByRole('alert')).toContainText('see the fields marked below');
  await expect(page.getByLabel('New password')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('New password')).toHaveAccessibleDescription(/one of the most common ones/);

  await page.getByLabel('New password').fill('a brand new passphrase');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByText('Password changed. Your other devices have been signed out.')).toBeVisible();

  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await signIn(page, base, username, 'a brand new passphrase');
});
