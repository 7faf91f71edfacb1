import { test, expect } from '@playwright/test';
import { shop, signIn } from './helpers';

// Runs against the outage shop, whose catalog no other test counts.
test('an admin changes stock and hides a product, and the catalog follows', async ({ page }) => {
  const base = shop('SHOP_OUTAGE_URL');
  await signIn(page, base, 'admin', 'admin-password');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Products' }).click();
  const table = page.getByRole('table', { name: 'Products' });
  await expect(table).toBeVisible();

  await page.getByLabel('Stock of Hand Grinder, Conical Burr').fill('0');
  await page.getByRole('button', { name: 'Save Hand Grinder, Conical Burr' }).click();
  await expect(page.getByLabel('Stock of Hand Grinder, Conical Burr')).toHaveValue('0');

  const filters = table.getByRole('row').filter({ hasText: 'Paper Filters 02' });
  await filters.getByRole('button', { name: 'Hide' }).click();
  await expect(filters.getByRole('cell', { name: 'Hidden' })).toBeVisible();

  await page.goto(`${base}/?category=brewing`);
  const products = page.getByRole('list', { name: 'Products' });
  await expect(products.getByRole('listitem')).toHaveCount(4);
  await expect(products.getByRole('heading', { name: 'Paper Filters 02, 100 pcs' })).toHaveCount(0);
  const grinder = products.getByRole('listitem').filter({ hasText: 'Hand Grinder' });
  await expect(grinder.getByRole('button', { name: 'Sold out' })).toBeDisabled();
});

// Runs against the declining shop: no other test counts its catalog.
test('an admin edits a price in euros and adds a product, which the catalog shows', async ({ page }) => {
  const base = shop('SHOP_DECLINING_URL');
  await signIn(page, base, 'admin', 'admin-password');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Products' }).click();
  const price = page.getByLabel('Price of Hand Grinder, Conical Burr in euros');
  await expect(price).toHaveValue('79.90');
  await price.fill('41,50');
  await page.getByRole('button', { name: 'Save Hand Grinder, Conical Burr' }).click();
  await expect(page.getByRole('table', { name: 'Products' }).getByRole('row').filter({ hasText: 'Hand Grinder' })).toContainText('€41.50');
  await price.fill('forty');
  await page.getByRole('button', { name: 'Save Hand Grinder, Conical Burr' }).click();
  await expect(page.getByRole('alert')).toContainText('Enter the price in euros');

  const form = page.getByRole('form', { name: 'New product' });
  await form.getByLabel('Name').fill('Cold Brew Bottle, 1 l');
  await form.getByLabel('Description').fill('A glass bottle with a fine filter.');
  await form.getByLabel('Price (€)').fill('18.90');
  await form.getByLabel('Category').selectOption({ label: 'Brewing gear' });
  await form.getByLabel('Stock').fill('12');
  await form.getByRole('button', { name: 'Add product' }).click();
  await expect(form.getByRole('status')).toHaveText('Cold Brew Bottle, 1 l added.');
  await expect(page.getByLabel('Price of Cold Brew Bottle, 1 l in euros')).toHaveValue('18.90');

  await page.goto(`${base}/?q=cold brew`);
  const card = page.getByRole('list', { name: 'Products' }).getByRole('listitem');
  await expect(card).toHaveCount(1);
  await expect(card).toContainText('€18.90');
});

test('a customer cannot open the admin pages', async ({ page }) => {
  const base = shop('SHOP_OUTAGE_URL');
  await signIn(page, base, 'demo', 'demo-password');
  await expect(page.getByRole('link', { name: 'Orders board' })).toHaveCount(0);
  await page.goto(`${base}/admin/orders`);
  await expect(page.getByRole('alert')).toHaveText('This page is for admins.');
});
