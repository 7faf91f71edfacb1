// Main-thread work of the app's first load in Chromium, unthrottled: the long tasks (over 50 ms,
// the Long Tasks API) between navigation and the first product card, and the LCP.
//
//   node .ci/bench/startup.js URL
//
// Each figure is the median of STARTUP_RUNS (5) loads, each in a fresh browser context (no cache).
// The loads run twice: as browsers run by default, where V8 compiles a wasm function on the main
// thread the first time it is called (lazy compilation), and with `--no-wasm-lazy-compilation`
// (not a browser default: V8 then compiles the whole module on background threads while it
// downloads), so the difference is what lazy compilation costs the start-up. Needs the npm
// packages of end2end/ (`npm ci` there) and Chromium at CHROMIUM_PATH (/usr/bin/chromium).
const path = require('path');
const { chromium } = require(path.join(__dirname, '../../end2end/node_modules/playwright-core'));

const url = process.argv[2];
const runs = Number(process.env.STARTUP_RUNS || 5);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function measure(jsFlags) {
  const args = ['--no-sandbox', '--disable-gpu'];
  if (jsFlags) args.push(`--js-flags=${jsFlags}`);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args,
  });
  const long = [];
  const blocking = [];
  const lcp = [];
  try {
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.addInitScript(() => {
        window.__longTasks = [];
        new PerformanceObserver((list) => {
          for (const e of list.getEntries()) window.__longTasks.push(e.duration);
        }).observe({ type: 'longtask', buffered: true });
      });
      await page.goto(url);
      await page.waitForSelector('li.product-card h2');
      // The LCP entry of the first card's heading, once the browser has reported it.
      const at = await page.evaluate(
        () =>
          new Promise((resolve) =>
            new PerformanceObserver((list) => {
              const entries = list.getEntries();
              resolve(entries[entries.length - 1].startTime);
            }).observe({ type: 'largest-contentful-paint', buffered: true }),
          ),
      );
      const tasks = await page.evaluate(() => window.__longTasks);
      long.push(tasks.reduce((a, d) => a + d, 0));
      blocking.push(tasks.reduce((a, d) => a + Math.max(0, d - 50), 0));
      lcp.push(at);
      await context.close();
    }
  } finally {
    await browser.close();
  }
  return { long: median(long), blocking: median(blocking), lcp: median(lcp) };
}

(async () => {
  for (const [label, flags] of [
    ['lazy wasm compilation (the default)', ''],
    ['eager wasm compilation (--no-wasm-lazy-compilation)', '--no-wasm-lazy-compilation'],
  ]) {
    const m = await measure(flags);
    console.log(
      `chromium, no throttling, ${label}: long tasks ${Math.round(m.long)} ms ` +
        `(blocking ${Math.round(m.blocking)} ms), LCP ${Math.round(m.lcp)} ms (median of ${runs})`,
    );
  }
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
