import { expect, Page } from '@playwright/test';

/** A username no other test uses. */
export function uniqueName(prefix: string): string {
  return `${prefix}${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
}

export const PASSWORD = 'a long enough password';

/** Base URL of one of the shops started by global-setup.ts. */
export function shop(name: 'SHOP_URL' | 'SHOP_DECLINING_URL' | 'SHOP_OUTAGE_URL' | 'SHOP_NO_ORDERS_URL' | 'SHOP_SHORT_TOKEN_URL'): string {
  const url = process.env[name];
  if (!url) throw new Error(`${name} is not set: run the tests through playwright.config.ts`);
  return url;
}

/** Registers through the page; registration signs the user in and opens the catalog. */
export async function register(page: Page, base: string, username: string) {
  await page.goto(`${base}/register`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByText(`Signed in as ${username}`)).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Catalog' })).toBeVisible();
}

/** Adds the first product of the catalog to the cart; returns its name. */
export async function addFirstProduct(page: Page): Promise<string> {
  const first = page.getByRole('list', { name: 'Products' }).getByRole('listitem').first();
  const name = (await first.getByRole('heading').innerText()).trim();
  await first.getByRole('button', { name: 'Add to cart' }).click();
  await expect(first.getByText('Added to cart')).toBeVisible();
  return name;
}

/** Signs in through the login page. */
export async function signIn(page: Page, base: string, username: string, password: string) {
  await page.goto(`${base}/login`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByText(`Signed in as ${username}`)).toBeVisible();
}

/** From a non-empty cart: checks out and expects `heading` on the checkout page. */
export async function checkoutExpecting(page: Page, heading: string) {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Cart' }).click();
  await page.getByRole('link', { name: 'Proceed to checkout' }).click();
  await page.getByRole('button', { name: 'Pay now' }).click();
  await expect(page.getByRole('heading', { name: heading })).toBeVisible();
}

/**
 * Registers a new customer who has paid for one order and has a product in the cart; returns
 * the order page's path (`/orders/<id>`).
 */
export async function customerWithOrderAndCart(page: Page, base: string, prefix: string): Promise<string> {
  await register(page, base, uniqueName(prefix));
  await addFirstProduct(page);
  await checkoutExpecting(page, 'Payment successful');
  const order = await page.getByRole('link', { name: 'Follow your order' }).getAttribute('href');
  expect(order).toMatch(/^\/orders\/\d+$/);
  await page.goto(`${base}/`);
  await addFirstProduct(page);
  return order!;
}
