// Pages load through resources that keep only the newest answer: a slow answer for a page the
// shopper has left never replaces the page shown since.
import { expect, test } from '@playwright/test';
import { PASSWORD, register, shop, uniqueName } from './helpers';

test('a late answer for the orders page left behind does not replace the page shown', async ({ page }) => {
  const base = shop('SHOP_URL');
  const name = uniqueName('late');
  await register(page, base, name);

  // 21 orders through the API: two pages of history (20 a page).
  const login = await page.request.post(`${base}/api/auth/login`, { data: { username: name, password: PASSWORD } });
  const token = (await login.json()).access_token as string;
  const catalog = await (await page.request.get(`${base}/api/products?per_page=100`)).json();
  const product = catalog.items.reduce((a: any, b: any) => (b.stock > a.stock ? b : a));
  expect(product.stock).toBeGreaterThan(21);
  for (let i = 0; i < 21; i++) {
    const r = await page.request.post(`${base}/api/orders`, {
      headers: { authorization: `Bearer ${token}`, 'idempotency-key': `${name}-${i}` },
      data: { items: [{ product_id: product.id, quantity: 1 }] },
    });
    expect(r.status()).toBe(201);
  }

  await page.goto(`${base}/orders?page=2`);
  const pager = page.getByRole('navigation', { name: 'Pages' });
  await expect(pager).toContainText('Page 2 of 2');

  // Hold back the answer for page 1, go there, and come back to page 2 before it arrives.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/api/orders?page=1', async (route) => {
    const response = await route.fetch();
    await held;
    await route.fulfill({ response });
  });
  const pageOne = page.waitForRequest('**/api/orders?page=1');
  await pager.getByRole('link', { name: '← Newer' }).click();
  await pageOne;
  await page.goBack();
  await expect(page).toHaveURL(/page=2$/);
  await expect(pager).toContainText('Page 2 of 2');

  const delivered = page.waitForEvent('requestfinished', (r) => r.url().endsWith('/api/orders?page=1'));
  release();
  await delivered;
  // Give the app two frames to handle that answer, then the page must still be page 2.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  await expect(pager).toContainText('Page 2 of 2');
  // Page 2 has the oldest order only (page 1 would show 20).
  await expect(page.locator('ul.orders > li')).toHaveCount(1);
});
