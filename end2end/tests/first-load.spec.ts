// Fast first load: the app's files have content-hashed names cached for a year, they are sent
// compressed (brotli, else gzip), the shell and its loader are revalidated, and a path that is
// no page of the app answers 404 with the app's not-found page.
import { expect, test } from '@playwright/test';
import { shop } from './helpers';

test('the app loads from hashed, compressed files cached for a year', async ({ page, request }) => {
  const base = shop('SHOP_URL');
  const assets: { url: string; cacheControl: string }[] = [];
  page.on('response', (r) => {
    if (/\/pkg\//.test(r.url())) assets.push({ url: new URL(r.url()).pathname, cacheControl: r.headers()['cache-control'] ?? '' });
  });
  const shell = await page.goto(`${base}/`);
  expect(shell!.status()).toBe(200);
  expect(shell!.headers()['cache-control']).toBe('no-cache');
  await expect(page.getByRole('heading', { name: 'Catalog', level: 1 })).toBeVisible();

  const kinds = assets.map((a) => a.url.split('.').pop()).sort();
  expect(kinds).toEqual(['css', 'js', 'wasm']);
  for (const a of assets) {
    expect(a.url).toMatch(/^\/pkg\/shop\.[A-Za-z0-9_-]{8,}\.(css|js|wasm)$/);
    expect(a.cacheControl, a.url).toBe('public, max-age=31536000, immutable');
  }

  for (const a of assets) {
    for (const [accepted, sent] of [['br, gzip', 'br'], ['gzip', 'gzip'], ['identity', undefined]] as const) {
      const r = await request.get(`${base}${a.url}`, { headers: { 'accept-encoding': accepted } });
      expect(r.status()).toBe(200);
      expect(r.headers()['content-encoding'], `${a.url} for ${accepted}`).toBe(sent);
      expect(r.headers()['vary']).toBe('accept-encoding');
    }
  }
  const boot = await request.get(`${base}/boot.js`);
  expect(boot.headers()['cache-control']).toBe('no-cache');
  const wasm = assets.find((a) => a.url.endsWith('.wasm'))!.url;
  expect(await boot.text()).toContain(wasm);
});

test('a path that is no page of the app answers 404 with the not-found page', async ({ page }) => {
  const base = shop('SHOP_URL');
  for (const path of ['/no-such-page', '/products', '/admin']) {
    const r = await page.goto(`${base}${path}`);
    expect(r!.status(), path).toBe(404);
    await expect(page.getByRole('heading', { name: 'Page not found', level: 1 })).toBeVisible();
  }
  const r = await page.goto(`${base}/cart`);
  expect(r!.status()).toBe(200);
});
