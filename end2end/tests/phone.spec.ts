// Phones first: no page scrolls sideways at 320, 390 or 768 px, signed out, as a customer and as
// an admin; buttons and fields are at least 44 px tall on a phone (WCAG 2.5.5's target size).
import { expect, Page, test } from '@playwright/test';
import { customerWithOrderAndCart, shop, signIn } from './helpers';

const WIDTHS = [320, 390, 768];

/**
 * Opens `path` once and checks, at every width (the window is resized: the page reflows
 * without a reload), that nothing is wider than the window; at 390 px, that every visible
 * button, link styled as a button, field, select and menu link is at least 44 px tall.
 */
async function checkPage(page: Page, base: string, path: string, ready: (page: Page) => Promise<void>) {
  await page.setViewportSize({ width: 390, height: 800 });
  await page.goto(`${base}${path}`);
  await ready(page);
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 800 });
    const { scroll, inner, widest } = await page.evaluate(() => {
      // The element reaching furthest right, to name it when the check fails.
      let widest = '';
      let right = 0;
      for (const el of Array.from(document.querySelectorAll('body *'))) {
        const r = el.getBoundingClientRect().right;
        if (r > right) {
          right = r;
          widest = `${el.tagName.toLowerCase()}.${(el as HTMLElement).className} (${Math.round(r)} px)`;
        }
      }
      return { scroll: document.documentElement.scrollWidth, inner: window.innerWidth, widest };
    });
    expect(inner).toBe(width);
    expect(scroll, `${path} at ${width} px is ${scroll} px wide; widest: ${widest}`).toBeLessThanOrEqual(inner);
  }
  await page.setViewportSize({ width: 390, height: 800 });
  const small = await page.evaluate(() =>
    Array.from(document.querySelectorAll('main button, main .button, main input:not([type=checkbox]):not([type=radio]), main select, nav button, nav a'))
      .map((el) => ({ el: el as HTMLElement, r: (el as HTMLElement).getBoundingClientRect() }))
      .filter(({ r }) => r.width > 0 && r.height > 0 && r.height < 44)
      .map(({ el, r }) => `${el.tagName.toLowerCase()} "${(el.innerText || el.getAttribute('aria-label') || el.getAttribute('name') || '').trim()}" ${Math.round(r.height)} px`),
  );
  expect(small, `${path}: targets under 44 px`).toEqual([]);
}

/** [`checkPage`] on each page. */
async function checkPages(page: Page, base: string, pages: [string, (page: Page) => Promise<void>][]) {
  for (const [path, ready] of pages) {
    await checkPage(page, base, path, ready);
  }
}

const heading = (name: string | RegExp) => async (page: Page) => {
  await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
};

test('signed out, no page scrolls sideways on a phone or a tablet', async ({ page }) => {
  const base = shop('SHOP_URL');
  const pages: [string, (page: Page) => Promise<void>][] = [
    ['/', heading('Catalog')],
    ['/?q=tea', heading('Catalog')],
    ['/products/1', async (p) => { await expect(p.getByRole('button', { name: 'Add to cart' })).toBeVisible(); }],
    ['/login', heading('Sign in')],
    ['/register', heading('Create an account')],
    ['/no-such-page', heading('Page not found')],
  ];
  await checkPages(page, base, pages);
});

test('as a customer, no page scrolls sideways on a phone or a tablet', async ({ page }) => {
  const base = shop('SHOP_URL');
  const orderPath = await customerWithOrderAndCart(page, base, 'phone');
  const pages: [string, (page: Page) => Promise<void>][] = [
    ['/cart', async (p) => { await expect(p.getByRole('button', { name: /Remove/ }).first()).toBeVisible(); }],
    ['/checkout', async (p) => { await expect(p.getByRole('button', { name: 'Pay now' })).toBeVisible(); }],
    ['/orders', heading('Your orders')],
    [orderPath, heading(/Order #/)],
    ['/account', heading('Your account')],
  ];
  await checkPages(page, base, pages);
});

test('as an admin, no page scrolls sideways on a phone or a tablet', async ({ page }) => {
  const base = shop('SHOP_URL');
  await signIn(page, base, 'admin', 'admin-password');
  const table = async (p: Page) => { await expect(p.getByRole('table').first()).toBeVisible(); };
  await checkPages(page, base, ['/admin/orders', '/admin/products', '/admin/users'].map((path) => [path, table]));
});
