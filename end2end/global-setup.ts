// Starts the built shop binary (the launcher: gateway, auth and orders in one process) once per
// configuration the tests need, each on port 0 with a fresh data directory, and hands their
// addresses to the tests as environment variables. Each process reports its ports in its
// address file (SHOP_ADDRESS_FILE). Run `cargo leptos build` first: it builds the binary and
// the site (target/debug/shop, target/site).
import { spawn, ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '..');
// cargo puts the binary under CARGO_TARGET_DIR when it is set (the site stays in target/site).
const binary = process.env.SHOP_BIN ?? join(process.env.CARGO_TARGET_DIR ?? join(root, 'target'), 'debug', 'shop');

/** The shops the tests use: env var name -> settings. */
const shops: Record<string, Record<string, string>> = {
  // Payments always succeed.
  SHOP_URL: { SHOP_PAYMENT_SUCCESS_RATE: '1.0' },
  // Payments are always declined.
  SHOP_DECLINING_URL: { SHOP_PAYMENT_SUCCESS_RATE: '0.0' },
  // The payment provider is down: checkout says payments are unavailable.
  SHOP_OUTAGE_URL: { SHOP_PAYMENT_OUTAGE: 'true' },
  // The orders service is down (nothing listens on port 9): only its routes fail.
  SHOP_NO_ORDERS_URL: { SHOP_ORDERS_UPSTREAMS: 'http://127.0.0.1:9', SHOP_HEALTH_CHECK_INTERVAL_MS: '200' },
  // Access tokens expire at once (plus the verifier's 5 s leeway).
  SHOP_SHORT_TOKEN_URL: { SHOP_PAYMENT_SUCCESS_RATE: '1.0', SHOP_ACCESS_TOKEN_TTL_SECS: '0' },
};

function start(name: string, settings: Record<string, string>): Promise<{ child: ChildProcess; dir: string; url: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'shop-e2e-'));
  const addressFile = join(dir, 'addresses.json');
  const child = spawn(binary, [], {
    cwd: root,
    env: {
      ...process.env,
      NO_COLOR: '1',
      RUST_LOG: 'info',
      SHOP_DEV_MODE: 'true',
      SHOP_DATA_DIR: dir,
      SHOP_ADDRESS_FILE: addressFile,
      LEPTOS_SITE_ADDR: '127.0.0.1:0',
      LEPTOS_SITE_ROOT: join(root, 'target', 'site'),
      SHOP_AUTH_ADDR: '127.0.0.1:0',
      SHOP_ORDERS_ADDR: '127.0.0.1:0',
      SHOP_ADMIN_ADDR: '127.0.0.1:0',
      // Every test signs in from 127.0.0.1; the per-address auth limit is for real clients.
      SHOP_RATE_LIMIT_AUTH_PER_MIN: '10000',
      ...settings,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolvePromise, reject) => {
    let log = '';
    const collect = (chunk: Buffer) => { log += chunk.toString(); };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    const deadline = Date.now() + 60_000;
    const poll = setInterval(() => {
      if (existsSync(addressFile)) {
        clearInterval(poll);
        const addresses = JSON.parse(readFileSync(addressFile, 'utf8'));
        resolvePromise({ child, dir, url: `http://${addresses.gateway}` });
      } else if (Date.now() > deadline) {
        clearInterval(poll);
        reject(new Error(`${name}: the shop did not report its addresses:\n${log}`));
      }
    }, 50);
    child.on('exit', (code) => {
      clearInterval(poll);
      reject(new Error(`${name}: the shop exited with ${code}:\n${log}`));
    });
  });
}

export default async function globalSetup() {
  const running = await Promise.all(Object.entries(shops).map(async ([name, settings]) => {
    const shop = await start(name, settings);
    process.env[name] = shop.url;
    return shop;
  }));
  return async () => {
    for (const { child, dir } of running) {
      child.removeAllListeners('exit');
      child.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    }
  };
}
