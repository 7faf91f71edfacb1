// Starts the built gateway binary (with auth and orders in-process) once per configuration the
// tests need, each on port 0 with a fresh data directory, and hands their addresses to the
// tests as environment variables. Run `cargo leptos build` first: it builds the binary and
// the site (target/debug/gateway, target/site).
import { spawn, ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '..');
const binary = process.env.SHOP_GATEWAY_BIN ?? join(root, 'target', 'debug', 'gateway');

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
  const child = spawn(binary, [], {
    cwd: root,
    env: {
      ...process.env,
      NO_COLOR: '1',
      RUST_LOG: 'info',
      SHOP_DEV_MODE: 'true',
      SHOP_DATA_DIR: dir,
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
    const timer = setTimeout(() => reject(new Error(`${name}: gateway did not start:\n${log}`)), 60_000);
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      const m = log.replace(/\x1b\[[0-9;]*m/g, '').match(/gateway listening addr=(\S+)/);
      if (m) {
        clearTimeout(timer);
        resolvePromise({ child, dir, url: `http://${m[1]}` });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name}: gateway exited with ${code}:\n${log}`));
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
