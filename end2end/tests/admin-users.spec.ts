import { test, expect } from '@playwright/test';
import { register, shop, signIn, uniqueName } from './helpers';

test('an admin disables a user, who is then signed out', async ({ browser }) => {
  const base = shop('SHOP_URL');
  const customerContext = await browser.newContext();
  const customer = await customerContext.newPage();
  const username = uniqueName('disabled');
  await register(customer, base, username);

  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await signIn(admin, base, 'admin', 'admin-password');
  await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
  const row = admin.getByRole('table', { name: 'Users' }).getByRole('row').filter({ hasText: username });
  await row.getByRole('button', { name: `Disable ${username}` }).click();
  await expect(row.getByRole('cell', { name: 'Disabled', exact: true })).toBeVisible();

  // The customer's next call is refused; they land on the sign-in page and cannot sign in.
  await customer.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Cart' }).click();
  await expect(customer.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await customer.getByLabel('Username').fill(username);
  await customer.getByLabel('Password').fill('a long enough password');
  await customer.getByRole('button', { name: 'Sign in' }).click();
  await expect(customer.getByRole('alert')).toHaveText('Wrong username or password.');

  await customerContext.close();
  await adminContext.close();
});

test('an admin creates a user who can sign in', async ({ page, browser }) => {
  const base = shop('SHOP_URL');
  await signIn(page, base, 'admin', 'admin-password');
  await page.goto(`${base}/admin/users`);
  const username = uniqueName('made');
  const form = page.getByRole('form', { name: 'New user' });
  await form.getByLabel('Username').fill(username);
  await form.getByLabel('Password').fill('a made-up passphrase');
  await form.getByRole('button', { name: 'Create user' }).click();
  await expect(page.getByRole('table', { name: 'Users' }).getByRole('row').filter({ hasText: username })).toBeVisible();
  const other = await (await browser.newContext()).newPage();
  await signIn(other, base, username, 'a made-up passphrase');
});
