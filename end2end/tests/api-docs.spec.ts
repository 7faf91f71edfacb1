import { test, expect } from '@playwright/test';
import SwaggerParser from '@apidevtools/swagger-parser';
import { shop } from './helpers';

test('the OpenAPI document validates', async ({ request }) => {
  const response = await request.get(`${shop('SHOP_URL')}/api/openapi.json`);
  expect(response.ok()).toBe(true);
  const document = await response.json();
  expect(document.openapi).toMatch(/^3\.1\./);
  // Throws, failing the test, on any schema or reference error.
  const api = await SwaggerParser.validate(document);
  expect(Object.keys(api.paths ?? {})).toContain('/api/orders');
});

test('the API documentation page renders from the shop itself', async ({ page }) => {
  const outside: string[] = [];
  page.on('request', (r) => {
    if (!r.url().startsWith(shop('SHOP_URL'))) outside.push(r.url());
  });
  await page.goto(`${shop('SHOP_URL')}/api-docs/`);
  await expect(page.getByRole('heading', { name: /Bean & Leaf API/ })).toBeVisible();
  await expect(page.getByText('/api/orders/{id}/events').first()).toBeVisible();
  expect(outside).toEqual([]);
});
