// WCAG 2.1 AA: axe (wcag2a, wcag2aa, wcag21a, wcag21aa) finds no serious or critical violation on
// any page, signed out, as a customer and as an admin; every route has a title of its own.
import AxeBuilder from '@axe-core/playwright';
import { expect, Page, test } from '@playwright/test';
import { customerWithOrderAndCart, shop, signIn } from './helpers';

/** Opens `path`, waits for `heading`, and checks the page with axe and its title. */
async function check(page: Page, base: string, path: string, heading: string | RegExp, title: string | RegExp) {
  await page.goto(`${base}${path}`);
  await expect(page.getByRole('heading', { name: heading, level: 1 })).toBeVisible();
  await expect(page).toHaveTitle(title);
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const serious = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(serious, path).toEqual([]);
}

test('signed out, every page passes axe and has its own title', async ({ page }) => {
  const base = shop('SHOP_URL');
  await check(page, base, '/', 'Catalog', 'Catalog · Bean & Leaf');
  await check(page, base, '/products/1', /Ethiopia/, /^Ethiopia.* · Bean & Leaf$/);
  await check(page, base, '/login', 'Sign in', 'Sign in · Bean & Leaf');
  await check(page, base, '/register', 'Create an account', 'Create an account · Bean & Leaf');
  await check(page, base, '/no-such-page', 'Page not found', 'Page not found · Bean & Leaf');
});

test('as a customer, every page passes axe and has its own title', async ({ page }) => {
  const base = shop('SHOP_URL');
  const order = await customerWithOrderAndCart(page, base, 'axe');
  await check(page, base, '/cart', 'Your cart', 'Your cart · Bean & Leaf');
  await check(page, base, '/checkout', 'Checkout', 'Checkout · Bean & Leaf');
  await check(page, base, '/orders', 'Your orders', 'Your orders · Bean & Leaf');
  await check(page, base, order, /Order #/, /^Order #\d+ · Bean & Leaf$/);
  await check(page, base, '/account', 'Your account', 'Your account · Bean & Leaf');
});

test('as an admin, every page passes axe and has its own title', async ({ page }) => {
  const base = shop('SHOP_URL');
  await signIn(page, base, 'admin', 'admin-password');
  await check(page, base, '/admin/orders', 'Orders board', 'Orders board · Bean & Leaf');
  await check(page, base, '/admin/products', 'Products', 'Products · Bean & Leaf');
  await check(page, base, '/admin/users', 'Users', 'Users · Bean & Leaf');
});

test('a skip link leads past the menu, and navigation moves focus to the new page heading', async ({ page }) => {
  const base = shop('SHOP_URL');
  await page.goto(`${base}/`);
  await expect(page.getByRole('heading', { name: 'Catalog', level: 1 })).toBeVisible();
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to content' });
  await expect(skip).toBeFocused();
  await expect(skip).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(page.locator('main')).toBeFocused();
  await page.keyboard.press('Tab');
  // The first thing in the page itself, not the menu.
  await expect(page.getByRole('navigation', { name: 'Main' }).locator(':focus')).toHaveCount(0);

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in', level: 1 })).toBeFocused();
  await expect(page).toHaveTitle('Sign in · Bean & Leaf');
});
