// End-to-end: the pages after sign-in come in one WebAssembly module loaded on demand (issue 8,
// docs/decisions/pages-on-demand.md). The sign-in page never fetches it; the first page
// after sign-in fetches it once and every later page opens without another; opened directly at
// such a page, boot.js preloads it and the loader takes that same response.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { DIST, launchBrowser, startServer, watchedPage } from './support.mjs';
import { DESKTOP, activateLilyAsJames, heading, signIn } from './journeys.mjs';

const split = /data-pages="/.test(fs.readFileSync(path.join(DIST, 'index.html'), 'utf8'));

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

describe('pages loaded on demand', { skip: !split && 'dist/ was built with --no-split' }, () => {
  test('sign-in loads no page module; the pages after it load one module, once', async () => {
    // No service worker: every fetch of the module reaches the server and is counted.
    const context = await browser.newContext({ ...DESKTOP, locale: 'en-US', baseURL: server.url, serviceWorkers: 'block' });
    const page = await watchedPage(context);
    const fetched = [];
    page.on('request', (r) => {
      const name = new URL(r.url()).pathname.slice(1);
      if (name.endsWith('.wasm')) fetched.push(name);
    });
    const pages = () => fetched.splice(0).filter((name) => name.startsWith('split_'));

    await page.goto('/sign-in');
    await heading(page, 'What is your mobile phone number?');
    assert.deepEqual(pages(), [], 'the sign-in page needs only the main module');

    await signIn(server, page, '(972) 555-0102', '+19725550102');
    await heading(page, 'Which practice do you want to see?');
    assert.equal(pages().length, 1, 'the first page after sign-in fetches the pages module');

    await page.getByRole('link', { name: /Lakeside Family Medicine/ }).click();
    await heading(page, 'Lakeside Family Medicine');
    // The page came through the loader: its heading still gets the focus (UX.md).
    await page.waitForFunction(() => document.activeElement?.matches('main h1'), null, { timeout: 5_000 });
    await activateLilyAsJames(page);
    await page.getByRole('link', { name: 'Switch patient' }).click();
    await heading(page, 'Lakeside Family Medicine');
    await page.getByRole('link', { name: 'Add a child or dependent' }).click();
    await heading(page, 'Add a child or dependent');
    assert.deepEqual(pages(), [], 'later pages need nothing more');

    // Opened directly: preloaded by boot.js and taken by the loader, one request.
    await page.goto('/overview');
    await heading(page, 'Everyone at once');
    assert.equal(pages().length, 1, 'opened at /overview, the module is fetched once');
    await page.goto('/');
    await page.locator('main h1').waitFor();
    assert.deepEqual(page.problems, []);
    await context.close();
  });
});
