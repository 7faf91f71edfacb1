import { test, expect } from '@playwright/test';
import { register, shop, uniqueName } from './helpers';

test('two tabs share the session; signing out everywhere in one signs out the other', async ({ context }) => {
  const base = shop('SHOP_URL');
  const username = uniqueName('twotabs');
  const first = await context.newPage();
  await register(first, base, username);

  // A second tab resumes the session through the HttpOnly cookie.
  const second = await context.newPage();
  await second.goto(base);
  await expect(second.getByText(`Signed in as ${username}`)).toBeVisible();
  // Each tab reloads (and so refreshes) in turn; both stay signed in.
  await first.reload();
  await expect(first.getByText(`Signed in as ${username}`)).toBeVisible();
  await second.reload();
  await expect(second.getByText(`Signed in as ${username}`)).toBeVisible();

  await first.getByRole('link', { name: 'Account' }).click();
  await expect(first.getByRole('list', { name: 'Sessions' }).getByText('This device')).toBeVisible();
  // Named for people, not as the raw User-Agent.
  await expect(first.getByRole('list', { name: 'Sessions' }).getByText('Chrome on Linux').first()).toBeVisible();
  await first.getByRole('button', { name: 'Sign out everywhere' }).click();
  await expect(first.getByRole('heading', { name: 'Sign in' })).toBeVisible();

  // The other tab's next call is refused and it is sent to sign in.
  await second.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Cart' }).click();
  await expect(second.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await expect(second.getByRole('link', { name: 'Sign in' })).toBeVisible();
});

test('tabs take turns to refresh: a second tab refreshing at the same moment waits, and both stay signed in', async ({ context }) => {
  const base = shop('SHOP_URL');
  const username = uniqueName('turns');
  const first = await context.newPage();
  await register(first, base, username);
  const second = await context.newPage();
  await second.goto(base);
  await expect(second.getByText(`Signed in as ${username}`)).toBeVisible();

  // Hold the first refresh on the wire, and count refreshes that are on the wire at once.
  let onTheWire = 0;
  let most = 0;
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let holding = false;
  const isRefresh = (url: string) => url.endsWith('/api/auth/refresh');
  context.on('requestfinished', (r) => { if (isRefresh(r.url())) onTheWire--; });
  context.on('requestfailed', (r) => { if (isRefresh(r.url())) onTheWire--; });
  await context.route('**/api/auth/refresh', async (route) => {
    onTheWire++;
    most = Math.max(most, onTheWire);
    if (!holding) {
      holding = true;
      await gate;
    }
    await route.continue();
  });

  // Both tabs reload, so both resume their session through the shared cookie at once.
  const firstRefresh = first.waitForRequest((r) => isRefresh(r.url()));
  await first.reload({ waitUntil: 'commit' });
  await firstRefresh;
  await second.reload({ waitUntil: 'commit' });
  // The second tab waits for the lock the first holds instead of sending the same cookie.
  await expect
    .poll(() => second.evaluate(async () => ((await navigator.locks.query()).pending ?? []).map((l) => l.name)))
    .toContain('shop-session-refresh');
  expect(most).toBe(1);
  release();

  await expect(first.getByText(`Signed in as ${username}`)).toBeVisible();
  await expect(second.getByText(`Signed in as ${username}`)).toBeVisible();
  expect(most).toBe(1);
  // The session is still live in both: each tab's next call works.
  await first.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Cart' }).click();
  await expect(first.getByRole('heading', { name: 'Your cart' })).toBeVisible();
  await second.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Account' }).click();
  await expect(second.getByRole('list', { name: 'Sessions' }).getByText('This device')).toBeVisible();
});

test('a signed-out page load asks nothing of the session; with the session hint a reload resumes, and after signing out it asks nothing again', async ({ page }) => {
  const base = shop('SHOP_URL');
  const refreshes: string[] = [];
  const errors: string[] = [];
  page.on('request', (r) => { if (r.url().endsWith('/api/auth/refresh')) refreshes.push(r.url()); });
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });

  // A protected page waits for the resume attempt, then sends a signed-out visitor to sign in.
  await page.goto(`${base}/cart`);
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  expect(refreshes).toEqual([]);
  expect(errors).toEqual([]);
  expect((await page.context().cookies()).map((c) => c.name)).not.toContain('shop_session_hint');

  const username = uniqueName('hint');
  await register(page, base, username);
  const hint = (await page.context().cookies()).find((c) => c.name === 'shop_session_hint');
  expect(hint?.value).toBe('1');
  expect(hint?.httpOnly).toBe(false);
  await page.goto(`${base}/cart`);
  await expect(page.getByRole('heading', { name: 'Your cart' })).toBeVisible();
  expect(refreshes).toHaveLength(1);

  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  expect((await page.context().cookies()).map((c) => c.name)).not.toContain('shop_session_hint');
  await page.goto(`${base}/cart`);
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  expect(refreshes).toHaveLength(1);
  expect(errors).toEqual([]);
});
