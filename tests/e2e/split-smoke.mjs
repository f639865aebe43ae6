// A quick check of the split bundle (not part of `npm test`): the sign-in page loads no page
// chunk, and each on-demand page fetches its chunk and renders, with no console error.
// Run: node tests/e2e/split-smoke.mjs (E2E_SERVER_BIN as for npm test).
import assert from 'node:assert/strict';
import { launchBrowser, startServer, watchedPage } from './support.mjs';
import { DESKTOP, heading, signIn, enterDate } from './journeys.mjs';

const server = await startServer();
const browser = await launchBrowser();
const fetched = [];
try {
  const context = await browser.newContext({ ...DESKTOP, locale: 'en-US', baseURL: server.url });
  const page = await watchedPage(context);
  page.on('response', (r) => {
    const name = new URL(r.url()).pathname.slice(1);
    if (/\.(wasm|js|css)$/.test(name)) fetched.push(`${r.status()} ${name}`);
  });
  const step = (what) => console.log(`-- ${what}: ${fetched.splice(0).join(', ') || '(nothing new)'}`);

  await page.goto('/sign-in');
  await heading(page, 'What is your mobile phone number?');
  step('sign-in page');
  await signIn(server, page, '(972) 555-0102', '+19725550102');
  await heading(page, 'Which practice do you want to see?');
  step('practices (lazy)');
  await page.getByRole('link', { name: /Lakeside Family Medicine/ }).click();
  await heading(page, 'Lakeside Family Medicine');
  // The chunk came after the navigation: the heading still gets the focus (UX.md).
  await page.waitForFunction(() => document.activeElement?.matches('main h1'), null, { timeout: 5_000 });
  step('practice page (lazy), focus on its h1');
  await page.locator('.choices li', { hasText: 'Lily Carter' }).getByRole('link').click();
  await heading(page, 'First, tell us about you');
  step('patient page, activate (lazy)');
  await page.getByLabel('Your first name').fill('James');
  await page.getByLabel('Your last name').fill('Carter');
  await enterDate(page, '11', '5', '1982');
  await page.getByRole('button', { name: 'Continue' }).click();
  await heading(page, "What is Lily's date of birth?");
  await enterDate(page, '9', '3', '2016');
  await page.getByRole('button', { name: 'Check date of birth' }).click();
  await heading(page, 'Lily Carter');
  step('patient home');
  await page.getByRole('link', { name: 'Switch patient' }).click();
  await heading(page, 'Lakeside Family Medicine');
  await page.getByRole('link', { name: 'Add a child or dependent' }).click();
  await heading(page, 'Add a child or dependent');
  step('add dependent (lazy)');
  await page.goto('/overview');
  await page.locator('main h1').waitFor();
  console.log(`   overview h1: ${await page.locator('main h1').innerText()}`);
  step('overview after reload (lazy, direct)');
  await page.goto('/link/not-a-real-token');
  await page.locator('main h1').waitFor();
  console.log(`   link h1: ${await page.locator('main h1').innerText()}`);
  step('link (lazy, direct)');
  // Back to a main-module page after the chunks: still fine.
  await page.goto('/');
  await page.locator('main h1').waitFor();
  step('home');
  console.log(`problems: ${page.problems.length ? '\n' + page.problems.join('\n') : 'none'}`);
  // The made-up link token answers 410, which Chromium logs: expected, the page says so.
  const unexpected = page.problems.filter((p) => !/status of 410 .*not-a-real-token/.test(p));
  assert.deepEqual(unexpected, []);
} finally {
  await browser.close();
  await server.stop();
}
