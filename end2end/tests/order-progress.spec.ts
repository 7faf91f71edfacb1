import { test, expect } from '@playwright/test';
import { addFirstProduct, checkoutExpecting, register, shop, signIn, uniqueName } from './helpers';

test('an admin ships an order and the customer sees it on the open order page without reloading', async ({ browser }) => {
  const base = shop('SHOP_URL');
  const customerContext = await browser.newContext();
  const customer = await customerContext.newPage();
  const name = uniqueName('waiting');
  await register(customer, base, name);
  await addFirstProduct(customer);
  await checkoutExpecting(customer, 'Payment successful');
  await customer.getByRole('link', { name: 'Follow your order' }).click();
  const orderId = (await customer.getByRole('heading', { level: 1 }).innerText()).replace('Order #', '').trim();
  const status = customer.getByTestId('order-status');
  await expect(status).toHaveText('Paid');
  const progress = customer.getByRole('list', { name: 'Progress' });
  await expect(progress.getByRole('listitem')).toHaveText(['✓Paid', 'Preparing', 'Shipped', 'Delivered']);
  await expect(progress.locator('[aria-current="step"]')).toHaveText('✓Paid');
  let reloaded = false;
  customer.on('load', () => { reloaded = true; });

  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await signIn(admin, base, 'admin', 'admin-password');
  await admin.getByRole('link', { name: 'Orders board' }).click();
  // The board names the customer.
  const row = admin.getByRole('row').filter({ has: admin.getByRole('link', { name: `#${orderId}`, exact: true }) });
  await expect(row.getByRole('cell').nth(1)).toHaveText(name);
  await admin.getByRole('button', { name: `Start preparing #${orderId}` }).click();
  await expect(status).toHaveText('Preparing');
  await admin.getByRole('button', { name: `Mark shipped #${orderId}` }).click();

  await expect(status).toHaveText('Shipped');
  await expect(progress.locator('[aria-current="step"]')).toHaveText('✓Shipped');
  await expect(progress.locator('li.done')).toHaveCount(2);
  await expect(customer.getByRole('list', { name: 'Timeline' }).getByRole('listitem')).toHaveCount(4);
  expect(reloaded).toBe(false);
  // Shipped orders can no longer be cancelled.
  await expect(customer.getByRole('button', { name: 'Cancel order' })).toHaveCount(0);

  await customerContext.close();
  await adminContext.close();
});

test('a customer cancels a paid order from its page', async ({ page }) => {
  const base = shop('SHOP_URL');
  await register(page, base, uniqueName('changed-mind'));
  await addFirstProduct(page);
  await checkoutExpecting(page, 'Payment successful');
  await page.getByRole('link', { name: 'Follow your order' }).click();
  await page.getByRole('button', { name: 'Cancel order' }).click();
  await expect(page.getByTestId('order-status')).toHaveText('Cancelled');
  await expect(page.getByRole('button', { name: 'Cancel order' })).toHaveCount(0);
});
