import { test, expect } from '@playwright/test';
import { register, shop, uniqueName } from './helpers';

test('two tabs share the session; signing out everywhere in one signs out the other', async ({ context }) => {
  const base = shop('SHOP_URL');
  const username = uniqueName('twotabs');
  const first = await context.newPage();
  await register(first, base, username);

  // A second tab resumes the session through the HttpOnly cookie.
  const second = await context.newPage();
  await second.goto(base);
  await expect(second.getByText(`Signed in as ${username}`)).toBeVisible();
  // Each tab reloads (and so refreshes) in turn; both stay signed in.
  await first.reload();
  await expect(first.getByText(`Signed in as ${username}`)).toBeVisible();
  await second.reload();
  await expect(second.getByText(`Signed in as ${username}`)).toBeVisible();

  await first.getByRole('link', { name: 'Account' }).click();
  await expect(first.getByRole('list', { name: 'Sessions' }).getByText('This device')).toBeVisible();
  await first.getByRole('button', { name: 'Sign out everywhere' }).click();
  await expect(first.getByRole('heading', { name: 'Sign in' })).toBeVisible();

  // The other tab's next call is refused and it is sent to sign in.
  await second.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Cart' }).click();
  await expect(second.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await expect(second.getByRole('link', { name: 'Sign in' })).toBeVisible();
});
