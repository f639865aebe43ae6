// End-to-end: the real portal-server (development mode, fresh SQLite, demo data) serving the release
// bundle in dist/, driven in Debian's Chromium at a phone size and a desktop size.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import {
  DIST,
  assertAccessible,
  assertNoSidewaysScroll,
  distFile,
  launchBrowser,
  request,
  screenshot,
  startServer,
  watchedPage,
} from './support.mjs';

const VIEWPORTS = {
  phone: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
  desktop: { viewport: { width: 1280, height: 800 } },
};

let server;
let browser;
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

/** Waits until the app (not the static loading shell) shows its page heading; returns its text. */
async function appHeading(page) {
  // The shell in index.html has a <main> with a "Loading…" line and no heading.
  const heading = page.locator('main h1');
  await heading.waitFor({ timeout: 20_000 });
  return (await heading.innerText()).trim();
}

describe('server', () => {
  test('GET /api/health answers JSON', async () => {
    const response = await request(`${server.url}/api/health`);
    assert.equal(response.status, 200);
    assert.match(response.headers['content-type'], /^application\/json/);
    const body = JSON.parse(response.body);
    assert.equal(body.status, 'ok');
    assert.equal(body.database, 'sqlite');
  });

  test('index.html has the security headers and is never cached stale', async () => {
    const response = await request(`${server.url}/`);
    assert.equal(response.status, 200);
    assert.match(response.headers['content-type'], /^text\/html/);
    const csp = response.headers['content-security-policy'] ?? '';
    assert.ok(csp.includes("script-src 'self' 'wasm-unsafe-eval'"), `Content-Security-Policy: ${csp}`);
    assert.equal(response.headers['x-content-type-options'], 'nosniff');
    assert.match(response.headers['cache-control'] ?? '', /no-cache/);
  });

  test('the hashed .wasm is immutable and sent brotli-compressed when the browser accepts br', async () => {
    const wasm = distFile(/\.wasm$/);
    const response = await request(`${server.url}/${wasm}`, { 'accept-encoding': 'gzip, deflate, br' });
    assert.equal(response.status, 200);
    assert.equal(response.headers['content-encoding'], 'br');
    assert.match(response.headers['content-type'], /^application\/wasm/);
    assert.match(response.headers['cache-control'] ?? '', /immutable/);
    assert.ok(zlib.brotliDecompressSync(response.body).equals(fs.readFileSync(path.join(DIST, wasm))));
    const plain = await request(`${server.url}/${wasm}`);
    assert.equal(plain.headers['content-encoding'], undefined, 'no encoding when none is accepted');
    assert.equal(plain.body.length, fs.statSync(path.join(DIST, wasm)).size);
  });

  test('precompressed responses say Vary: Accept-Encoding, so caches keep br and plain apart', async () => {
    const wasm = distFile(/\.wasm$/);
    for (const encoding of ['br', 'identity']) {
      const response = await request(`${server.url}/${wasm}`, { 'accept-encoding': encoding });
      assert.match(response.headers.vary ?? '', /accept-encoding/i, `Vary with Accept-Encoding: ${encoding}`);
    }
  });

  for (const file of ['robots.txt', 'favicon.ico']) {
    test(`/${file} is the real file, not the app`, async () => {
      const response = await request(`${server.url}/${file}`);
      assert.equal(response.status, 200);
      assert.doesNotMatch(response.headers['content-type'] ?? '', /text\/html/);
      assert.ok(response.body.equals(fs.readFileSync(path.join(DIST, file))), `/${file} differs from dist/${file}`);
    });
  }

  test('an unknown page gets the app (SPA fallback, 200)', async () => {
    const response = await request(`${server.url}/no-such-page`);
    assert.equal(response.status, 200);
    assert.match(response.headers['content-type'], /^text\/html/);
    assert.ok(response.body.equals(fs.readFileSync(path.join(DIST, 'index.html'))));
  });

  test('a missing asset is a real 404, never the app', async () => {
    const response = await request(`${server.url}/portal-0000000000000000_bg.wasm`);
    assert.equal(response.status, 404);
    assert.doesNotMatch(response.headers['content-type'] ?? '', /text\/html/);
  });

  test('/dev/outbox answers in development mode (HTML and JSON)', async () => {
    const html = await request(`${server.url}/dev/outbox`);
    assert.equal(html.status, 200);
    assert.match(html.headers['content-type'], /^text\/html/);
    const json = await request(`${server.url}/dev/outbox`, { accept: 'application/json' });
    assert.equal(json.status, 200);
    assert.match(json.headers['content-type'], /^application\/json/);
    assert.ok(Array.isArray(JSON.parse(json.body)), 'the JSON outbox is an array');
  });
});

for (const [size, options] of Object.entries(VIEWPORTS)) {
  describe(`portal at ${size} size (${options.viewport.width}×${options.viewport.height})`, () => {
    let context;
    let page;
    before(async () => {
      context = await browser.newContext({ ...options, locale: 'en-US', baseURL: server.url });
      page = await watchedPage(context);
    });
    after(async () => {
      await context?.close();
    });

    test('home page: renders, accessible, fits the width, no errors', async () => {
      await page.goto('/');
      const heading = await appHeading(page);
      assert.ok(heading.length > 0, 'the home page has a heading');
      assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
      await screenshot(page, `${size}-home`);
      await assertAccessible(page, `/ at ${size} size`);
      await assertNoSidewaysScroll(page, `/ at ${size} size`);
      assert.deepEqual(page.problems, []);
    });

    test('an unknown address shows the not-found page', async () => {
      await page.goto('/no-such-page');
      assert.match(await appHeading(page), /can.t find|not found/i);
      await screenshot(page, `${size}-not-found`);
      await assertAccessible(page, `/no-such-page at ${size} size`);
      await assertNoSidewaysScroll(page, `/no-such-page at ${size} size`);
      assert.deepEqual(page.problems, []);
    });

    test('switching to Spanish sets <html lang="es"> and survives a reload', async () => {
      await page.goto('/');
      const english = await appHeading(page);
      await page.getByRole('button', { name: /Español/ }).click();
      await page.waitForFunction(() => document.documentElement.lang === 'es');
      await page.waitForFunction((before) => document.querySelector('h1')?.innerText.trim() !== before, english);
      await page.reload();
      const spanish = await appHeading(page);
      assert.equal(await page.evaluate(() => document.documentElement.lang), 'es');
      assert.notEqual(spanish, english, 'the heading is in Spanish after the reload');
      await screenshot(page, `${size}-home-es`);
      await assertAccessible(page, `/ in Spanish at ${size} size`);
      await assertNoSidewaysScroll(page, `/ in Spanish at ${size} size`);
      assert.deepEqual(page.problems, []);
    });
  });
}
