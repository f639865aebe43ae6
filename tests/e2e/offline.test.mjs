// End-to-end: the installable portal (issue 8). The service worker (public/sw.js) keeps the app
// shell of this build, so a second visit opens without the network, and keeps nothing else: no
// /api/ or /dev/ response, so no patient data, ever lands in Cache Storage. The web app manifest
// says what an install needs.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { DIST, launchBrowser, request, startServer, watchedPage } from './support.mjs';
import { PHONE, enterDate, heading, signIn } from './journeys.mjs';

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

/** The version and app shell that scripts/sw-shell wrote into dist/sw.js. */
function builtWorker() {
  const source = fs.readFileSync(path.join(DIST, 'sw.js'), 'utf8');
  const version = /^const VERSION = '([0-9a-f]{16})';$/m.exec(source)?.[1];
  assert.ok(version, 'dist/sw.js has the version of this build (the Trunk hook scripts/sw-shell ran)');
  const shell = JSON.parse(/^const SHELL = (\[.*\]);$/m.exec(source)[1].replaceAll("'", '"'));
  return { version, shell };
}

/** Every cache of the origin: { name: [path of each kept request] }. */
function cacheContents(page) {
  return page.evaluate(async () => {
    const contents = {};
    for (const name of await caches.keys()) {
      const requests = await (await caches.open(name)).keys();
      contents[name] = requests.map((r) => new URL(r.url).pathname + new URL(r.url).search).sort();
    }
    return contents;
  });
}

/** Waits until a service worker is active and controls the page. */
async function controlled(page) {
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForFunction(() => navigator.serviceWorker.controller?.state === 'activated', null, {
    timeout: 20_000,
  });
}

/** What a fetch of `url` from the page gives: its status, or the error when it fails. */
function fetchFrom(page, url) {
  return page.evaluate((url) => fetch(url).then((r) => `status ${r.status}`, (e) => `failed: ${e.name}`), url);
}

describe('installable portal', () => {
  test('/sw.js and the manifest are served as a browser needs them', async () => {
    const worker = await request(`${server.url}/sw.js`);
    assert.equal(worker.status, 200);
    assert.match(worker.headers['content-type'], /^text\/javascript/);
    assert.equal(worker.headers['cache-control'], 'no-cache');
    assert.match(worker.headers['content-security-policy'], /worker-src 'self'/);
    const manifest = await request(`${server.url}/manifest.webmanifest`);
    assert.equal(manifest.status, 200);
    assert.equal(manifest.headers['content-type'], 'application/manifest+json');
    const m = JSON.parse(manifest.body);
    assert.equal(m.start_url, '/');
    assert.equal(m.display, 'standalone');
    for (const size of ['192x192', '512x512']) {
      const icon = m.icons.find((i) => i.sizes === size && (i.purpose ?? 'any').includes('any'));
      assert.ok(icon, `an icon of ${size}`);
      const png = await request(`${server.url}${icon.src}`);
      assert.equal(png.status, 200);
      assert.equal(png.headers['content-type'], 'image/png');
    }
  });

  // What Chrome checks before it offers "Install app" (Lighthouse's installability audit asks the
  // same). A normal profile: Playwright's own contexts are incognito, where nothing installs.
  test('Chromium finds the portal installable', async () => {
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-e2e-profile-'));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: process.env.E2E_CHROMIUM ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
        '--disable-sync', '--disable-quic', '--no-first-run'],
      baseURL: server.url,
    });
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      page.problems = [];
      await page.goto('/sign-in');
      await heading(page, 'What is your mobile phone number?');
      await controlled(page);
      const cdp = await context.newCDPSession(page);
      assert.deepEqual((await cdp.send('Page.getAppManifest')).errors, []);
      assert.deepEqual((await cdp.send('Page.getInstallabilityErrors')).installabilityErrors, []);
    } finally {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    }
  });

  // "Offline" is the server stopped: Playwright's setOffline does not reach the service worker
  // (its network emulation of workers is experimental), a closed port reaches everything.
  test('a second visit opens from the kept shell when the server cannot be reached', async () => {
    const { version, shell } = builtWorker();
    assert.ok(shell.includes('/') && shell.includes('/boot.js'), `shell: ${shell}`);
    for (const ext of ['.js', '.wasm', '.css']) {
      assert.ok(shell.some((p) => /-[0-9a-f]{16}(_bg)?\.\w+$/.test(p) && p.endsWith(ext)), `a hashed ${ext} in ${shell}`);
    }
    const own = await startServer();
    const context = await browser.newContext({ ...PHONE, locale: 'en-US', baseURL: own.url });
    try {
      const page = await watchedPage(context);
      // A cache of an earlier deploy, which the new worker deletes when it takes over.
      await page.goto('/robots.txt');
      await page.evaluate(() => caches.open('portal-shell-0000000000000000').then((c) => c.put('/old', new Response('old'))));

      // First visit: the worker installs, keeps this build's shell and takes over this very page.
      await page.goto('/sign-in');
      await heading(page, 'What is your mobile phone number?');
      await controlled(page);
      assert.deepEqual(await cacheContents(page), { [`portal-shell-${version}`]: [...shell].sort() });

      // No server: the page reloads from the kept shell, a deep link opens the app, the API fails.
      await own.stop();
      await page.reload();
      await heading(page, 'What is your mobile phone number?');
      await page.goto('/patients/abc/messages');
      await page.locator('main h1').waitFor({ timeout: 20_000 });
      assert.match(await fetchFrom(page, '/api/health'), /^failed/);
      assert.match(await fetchFrom(page, '/dev/outbox'), /^failed/);
      assert.deepEqual(page.problems.filter((p) => p.startsWith('CSP')), []);
    } finally {
      await context.close();
      await own.stop();
    }
  });

  test('signed in on a patient page: only the shell is kept, the API is never answered from a cache', async () => {
    const { version, shell } = builtWorker();
    const own = await startServer();
    const context = await browser.newContext({ ...PHONE, locale: 'en-US', baseURL: own.url });
    try {
      const page = await watchedPage(context);
      await signIn(own, page, '(972) 555-0101', '+19725550101');
      await heading(page, 'Lakeside Family Medicine');
      await controlled(page);
      await page.locator('.choices li', { hasText: 'Maria Lopez' }).getByRole('link').click();
      await heading(page, 'What is your date of birth?');
      await enterDate(page, '4', '12', '1985');
      await page.getByRole('button', { name: 'Check date of birth' }).click();
      await heading(page, 'Maria Lopez');
      const patientApi = await page.evaluate(() => [
        ...new Set(
          performance
            .getEntriesByType('resource')
            .map((e) => new URL(e.name).pathname)
            .filter((p) => p.startsWith('/api/patients/')),
        ),
      ]);
      assert.ok(patientApi.length > 0, 'the patient page called the API');
      const kept = await cacheContents(page);
      assert.deepEqual(kept, { [`portal-shell-${version}`]: [...shell].sort() });
      assert.ok(!Object.values(kept).flat().some((p) => p.startsWith('/api/') || p.startsWith('/dev/')));

      // No server: the patient's API answers are not kept anywhere the page could get them.
      await own.stop();
      for (const url of patientApi) assert.match(await fetchFrom(page, url), /^failed/, url);
      assert.match(await fetchFrom(page, '/api/health'), /^failed/);
      assert.deepEqual(page.problems.filter((p) => p.startsWith('CSP')), []);
    } finally {
      await context.close();
      await own.stop();
    }
  });
});
