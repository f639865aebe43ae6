// End-to-end: signing in with a phone code (SPEC 3.1, 3.2.1) against the real server, at phone size
// (390×844), with the code read from the development outbox. Each journey uses its own number: the
// server allows one code per number every 30 seconds. All codes come from 127.0.0.1, whose limit is
// 20 codes an hour; these journeys ask for 7.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertAccessible,
  assertNoSidewaysScroll as assertFits,
  launchBrowser,
  screenshot as shot,
  startServer,
  watchedPage,
} from './support.mjs';
import { PHONE, latestCode as latestCodeOf } from './journeys.mjs';

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

/** A fresh phone-sized browser (no cookies, no remembered language) on the portal. */
async function phonePage(locale = 'en-US') {
  const context = await browser.newContext({ ...PHONE, locale, baseURL: server.url });
  const page = await watchedPage(context);
  return { context, page };
}

async function heading(page, text) {
  const h1 = page.locator('main h1');
  if (text) await h1.filter({ hasText: text }).waitFor({ timeout: 20_000 });
  else await h1.waitFor({ timeout: 20_000 });
  return (await h1.innerText()).trim();
}

const latestCode = (e164, notBefore) => latestCodeOf(server, e164, notBefore);

/** Whether the browser's session cookie is signed in, asked from the page (so the cookie goes along). */
const sessionStatus = (page) => page.evaluate(() => fetch('/api/session').then((r) => r.status));

/** From the home page to the code page for `typed`; returns the code that was texted. */
async function askForCode(page, typed, e164) {
  await page.goto('/');
  await heading(page);
  await page.getByRole('link', { name: 'Sign in with your phone' }).click();
  await heading(page, 'What is your mobile phone number?');
  await page.getByLabel('Mobile phone number').fill(typed);
  await page.getByRole('button', { name: 'Text me a code' }).click();
  await heading(page, 'Enter the code we texted you');
  return (await latestCode(e164)).code;
}

async function enterCode(page, code) {
  await page.getByLabel('6-digit code').fill(code);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

describe('sign in with a phone code, at phone size', () => {
  test('the guardian signs in with the texted code and lands on the practice list', async () => {
    const { context, page } = await phonePage();
    await page.goto('/sign-in');
    await heading(page, 'What is your mobile phone number?');
    const phone = page.getByLabel('Mobile phone number');
    assert.equal(await phone.getAttribute('type'), 'tel');
    assert.equal(await phone.getAttribute('autocomplete'), 'tel');
    assert.ok(await page.getByLabel('Remember this device for 30 days').isChecked(), 'checked by default');
    await shot(page, 'phone-sign-in');
    await assertAccessible(page, '/sign-in');
    await assertFits(page, '/sign-in');

    // A typo is caught before anything is sent; the summary takes focus and the text stays.
    await phone.fill('(972) 555-010');
    await page.getByRole('button', { name: 'Text me a code' }).click();
    const summary = page.locator('#error-summary');
    await summary.filter({ hasText: 'Enter a 10-digit US mobile number' }).waitFor();
    await page.waitForFunction(() => document.activeElement?.id === 'error-summary');
    assert.equal(await phone.inputValue(), '(972) 555-010');
    await shot(page, 'phone-sign-in-error');
    await assertAccessible(page, '/sign-in with an error');

    await phone.fill('(972) 555-0102');
    await page.getByRole('button', { name: 'Text me a code' }).click();
    await heading(page, 'Enter the code we texted you');
    assert.match(await page.locator('.sent-to').innerText(), /We sent a code to ••••\u00a00102\./);
    const codeField = page.getByLabel('6-digit code');
    assert.equal(await codeField.getAttribute('inputmode'), 'numeric');
    assert.equal(await codeField.getAttribute('autocomplete'), 'one-time-code');
    await shot(page, 'phone-code');
    await assertAccessible(page, '/sign-in/code');
    await assertFits(page, '/sign-in/code');

    const { code } = await latestCode('+19725550102');
    // Pasted with a space, as some phones copy it.
    await enterCode(page, `${code.slice(0, 3)} ${code.slice(3)}`);
    await heading(page, 'Which practice do you want to see?');
    assert.equal(new URL(page.url()).pathname, '/practices');
    const choices = page.locator('.choices a');
    assert.equal(await choices.count(), 2);
    assert.match(await page.locator('.choices').innerText(), /Lakeside Family Medicine/);
    assert.match(await page.locator('.choices').innerText(), /Riverbend Pediatrics/);
    assert.equal(await sessionStatus(page), 200);
    await shot(page, 'phone-practices');
    await assertAccessible(page, '/practices');
    await assertFits(page, '/practices');

    await page.getByRole('link', { name: /Riverbend Pediatrics/ }).click();
    await heading(page, 'Riverbend Pediatrics');
    assert.equal(await page.locator('a.tel').getAttribute('href'), 'tel:+12145550199');
    assert.equal(await page.locator('a.tel').innerText(), '(214) 555-0199');
    await shot(page, 'phone-practice');
    await assertAccessible(page, '/practices/riverbend');
    assert.deepEqual(page.problems, []);
    await context.close();
  });

  test('the self patient has one practice and goes straight to it (in Spanish)', async () => {
    const { context, page } = await phonePage('es-MX');
    await page.goto('/sign-in');
    await heading(page, '¿Cuál es su número de celular?');
    await page.getByRole('button', { name: 'Enviarme un código' }).click();
    await page.locator('#error-summary').filter({ hasText: 'Escriba su número de celular' }).waitFor();
    await shot(page, 'phone-sign-in-error-es');
    await assertAccessible(page, '/sign-in in Spanish with an error');

    await page.getByLabel('Número de celular').fill('972.555.0101');
    await page.getByRole('button', { name: 'Enviarme un código' }).click();
    await heading(page, 'Escriba el código que le enviamos');
    assert.match(await page.locator('.resend .wait').innerText(), /Podrá pedir un código nuevo en \d+ segundos\./);
    const { code } = await latestCode('+19725550101');
    await page.getByLabel('Código de 6 dígitos').fill('12a456');
    await page.getByRole('button', { name: 'Iniciar sesión', exact: true }).click();
    await page.locator('#error-summary').filter({ hasText: 'El código solo tiene números' }).waitFor();
    await shot(page, 'phone-code-error-es');
    await assertAccessible(page, '/sign-in/code in Spanish with an error');

    await page.getByLabel('Código de 6 dígitos').fill(code);
    await page.getByRole('button', { name: 'Iniciar sesión', exact: true }).click();
    await heading(page, 'Lakeside Family Medicine');
    assert.equal(new URL(page.url()).pathname, '/practices/lakeside');
    assert.match(await page.locator('main').innerText(), /Teléfono/);
    await shot(page, 'phone-practice-es');
    await assertAccessible(page, '/practices/lakeside in Spanish');
    assert.deepEqual(page.problems, []);
    await context.close();
  });

  test('an unknown number signs in and sees the two ways forward', async () => {
    const { context, page } = await phonePage();
    const code = await askForCode(page, '(972) 555-0177', '+19725550177');
    await enterCode(page, code);
    await heading(page, 'No records are linked to this number yet');
    const main = await page.locator('main').innerText();
    assert.match(main, /••••\u00a00177/);
    assert.match(main, /link to your medical records/);
    assert.match(main, /ask them to add this mobile number/);
    await shot(page, 'phone-no-records');
    await assertAccessible(page, 'the no-records page');
    await assertFits(page, 'the no-records page');
    assert.deepEqual(page.problems, []);
    await context.close();
  });

  test('limits are hit and explained: the resend wait, a code burned after 5 wrong tries, then a new code', async () => {
    const { context, page } = await phonePage();
    const code = await askForCode(page, '972-555-0178', '+19725550178');
    const resend = page.getByRole('button', { name: 'Send a new code' });
    assert.ok(await resend.isDisabled(), 'no new code for 30 seconds');
    const wait = page.locator('.resend .wait');
    assert.match(await wait.innerText(), /^You can ask for a new code in (30|29|28) seconds\.$/);
    const before = await wait.innerText();
    await page.waitForFunction((b) => document.querySelector('.resend .wait')?.innerText !== b, before);

    // Back to the number (still typed), and asking again at once: the server's wait, counted down.
    await page.getByRole('link', { name: 'Use a different number' }).click();
    await heading(page, 'What is your mobile phone number?');
    assert.equal(await page.getByLabel('Mobile phone number').inputValue(), '972-555-0178');
    await page.getByRole('button', { name: 'Text me a code' }).click();
    await heading(page, 'Enter the code we texted you');
    assert.match(await wait.innerText(), /^You can ask for a new code in \d+ seconds\.$/);
    assert.ok(await resend.isDisabled());

    // Five wrong codes burn the code; the person is told to ask for a new one.
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    const summary = page.locator('#error-summary');
    let tries = 0;
    for (; tries < 6; tries++) {
      const answered = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/auth/verify');
      await enterCode(page, wrong);
      const status = (await answered).status();
      await page.waitForFunction(() => document.querySelector('form button')?.getAttribute('aria-disabled') === null);
      if (status !== 401) break;
      await summary.filter({ hasText: 'That code is not right' }).waitFor();
    }
    assert.ok(tries >= 4 && tries <= 5, `locked after ${tries + 1} tries`);
    assert.match(await summary.innerText(), /That code was entered wrong too many times, so it no longer works\. Send a new code\./);
    assert.equal(await page.getByLabel('6-digit code').inputValue(), wrong, 'the typed code stays');
    // Even the right code no longer works.
    await enterCode(page, code);
    await summary.filter({ hasText: /no longer works|has expired/ }).waitFor();
    await shot(page, 'phone-code-locked');
    await assertAccessible(page, '/sign-in/code with a burned code');
    assert.equal(await sessionStatus(page), 401);

    // The way out: once the 30 seconds are up, a new code (and it works).
    await page.waitForFunction(() => !document.querySelector('#resend')?.disabled, null, { timeout: 40_000 });
    assert.equal(await wait.isVisible(), false, 'the countdown is gone');
    const { sentAt } = await latestCode('+19725550178');
    await resend.click();
    await page.getByRole('status').filter({ hasText: 'We sent a new code to' }).waitFor();
    assert.equal(await page.locator('#error-summary').isVisible(), false, 'the old problem is gone');
    const fresh = await latestCode('+19725550178', sentAt);
    await enterCode(page, fresh.code);
    await heading(page, 'No records are linked to this number yet');
    assert.deepEqual(page.problems.filter((p) => !/status of 4\d\d/.test(p)), []);
    await context.close();
  });

  test('the idle warning offers to stay signed in; sign out ends the session', async () => {
    const { context, page } = await phonePage();
    await page.clock.install();
    const code = await askForCode(page, '(972) 555-0103', '+19725550103');
    await enterCode(page, code);
    await heading(page, 'Lakeside Family Medicine');
    const dialog = page.getByRole('alertdialog');
    assert.equal(await dialog.isVisible(), false);

    // 28 minutes without activity: the warning, with the time left.
    await page.clock.fastForward('28:00');
    await dialog.waitFor({ state: 'visible' });
    assert.match(await dialog.innerText(), /You will be signed out in (2 minutes|1 minute and \d+ seconds)/);
    assert.equal(await page.evaluate(() => document.activeElement?.closest('dialog') !== null), true, 'focus is in the dialog');
    await shot(page, 'phone-idle-warning');
    await assertAccessible(page, 'the idle warning');

    await dialog.getByRole('button', { name: 'Stay signed in' }).click();
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(await sessionStatus(page), 200);
    await heading(page, 'Lakeside Family Medicine');

    await page.locator('header').getByRole('button', { name: 'Sign out' }).click();
    await heading(page, 'What is your mobile phone number?');
    assert.equal(await page.getByRole('status').filter({ hasText: 'You are signed out.' }).count(), 1);
    assert.equal(await sessionStatus(page), 401, 'the server ended the session');
    assert.equal(await page.getByLabel('Mobile phone number').inputValue(), '', 'no number left for the next person');
    await shot(page, 'phone-signed-out');
    await assertAccessible(page, '/sign-in after signing out');

    // A page that needs signing in now sends the person to sign in.
    await page.goto('/practices/lakeside');
    await heading(page, 'What is your mobile phone number?');
    assert.deepEqual(page.problems.filter((p) => !/status of 401/.test(p)), []);
    await context.close();
  });

  test('after 30 minutes without activity the person is signed out and told why', async () => {
    const { context, page } = await phonePage();
    await page.clock.install();
    const code = await askForCode(page, '(972) 555-0179', '+19725550179');
    await enterCode(page, code);
    await heading(page, 'No records are linked to this number yet');
    await page.clock.fastForward('28:30');
    await page.getByRole('alertdialog').waitFor({ state: 'visible' });
    // Only the page's clock is moved on: by the server's clock the session is minutes old, so it
    // ends on the server only by the sign-out the page sends when its timer runs out (the server's
    // own 30-minute limit has its tests in server/tests/integration/sign_in.rs). The page hides everything at
    // once and sends that request after; wait for its answer before asking the server, or the
    // question can overtake it on a busy machine (the 200 a fresh machine saw).
    const signOut = page.waitForResponse(
      (r) => r.url().endsWith('/api/auth/sign-out') && r.request().method() === 'POST',
    );
    await page.clock.fastForward('01:40');
    await heading(page, 'What is your mobile phone number?');
    await page
      .getByRole('status')
      .filter({ hasText: 'You were signed out after 30 minutes without activity' })
      .waitFor();
    assert.equal((await signOut).ok(), true, 'the page signed out on the server');
    assert.equal(await sessionStatus(page), 401);
    // A remembered device keeps the number, to sign back in.
    assert.equal(await page.getByLabel('Mobile phone number').inputValue(), '(972) 555-0179');
    await shot(page, 'phone-idle-signed-out');
    assert.deepEqual(page.problems.filter((p) => !/status of 401/.test(p)), []);
    await context.close();
  });
});
