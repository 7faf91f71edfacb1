import { test, expect } from '@playwright/test';
import { shop } from './helpers';

test('the catalog is searched, filtered by category and sorted', async ({ page }) => {
  const base = shop('SHOP_URL');
  await page.goto(base);
  const products = page.getByRole('list', { name: 'Products' });
  await expect(products.getByRole('listitem')).toHaveCount(12);

  await page.getByLabel('Search').fill('kettle');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(/q=kettle/);
  await expect(products.getByRole('listitem')).toHaveCount(1);
  await expect(products.getByRole('heading', { name: 'Gooseneck Kettle, 1 l' })).toBeVisible();
  await expect(page.getByText('1 product', { exact: true })).toBeVisible();

  await page.getByLabel('Search').fill('zzz nothing');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.getByText('No products match.')).toBeVisible();

  await page.getByLabel('Search').fill('');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByRole('navigation', { name: 'Categories' }).getByRole('link', { name: /^Tea/ }).click();
  await expect(products.getByRole('listitem')).toHaveCount(4);
  await page.getByLabel('Sort by').selectOption({ label: 'Price, high to low' });
  await expect(page).toHaveURL(/sort=price_desc/);
  await expect(products.getByRole('listitem').first().getByRole('heading')).toHaveText('Gyokuro Kirameki, 50 g');
  await expect(products.getByRole('listitem').last().getByRole('heading')).toHaveText('Rooibos Vanilla, 100 g');

  // The view lives in the URL: a reload shows the same.
  await page.reload();
  await expect(products.getByRole('listitem')).toHaveCount(4);
  await expect(products.getByRole('listitem').first().getByRole('heading')).toHaveText('Gyokuro Kirameki, 50 g');
});
