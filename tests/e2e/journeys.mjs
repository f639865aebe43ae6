// Steps the journeys share: screen sizes, waiting for a page, checking it, signing in with a code
// from the development outbox, typing a date, James Carter's first visit to Lily's records.
import assert from 'node:assert/strict';
import {
  assertAccessible,
  assertNoSidewaysScroll,
  request,
  screenshot,
} from './support.mjs';

export const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
export const DESKTOP = { viewport: { width: 1280, height: 800 } };

/** Waits for the page whose `h1` contains `text`; on failure says what the page shows instead. */
export async function heading(page, text) {
  const h1 = page.locator('main h1');
  try {
    await h1.filter({ hasText: text }).waitFor({ timeout: 20_000 });
  } catch (error) {
    await screenshot(page, 'journey-failure');
    const main = await page.locator('main').innerText().catch(() => '');
    throw new Error(`no h1 "${text}" at ${await page.evaluate(() => location.pathname).catch(() => "?")}; the page says:\n${main}\n${page.problems.join('\n')}`, { cause: error });
  }
}

/** Accessible, fits the window, and a screenshot named `name`. */
export async function check(page, name) {
  await assertAccessible(page, name);
  await assertNoSidewaysScroll(page, name);
  await screenshot(page, name);
}

/**
 * The code in the newest text to `e164` sent after `notBefore` (the 6 digits after '#' on the
 * WebOTP line, which the text must end with), waiting for it: { code, sentAt }.
 */
export async function latestCode(server, e164, notBefore = '') {
  for (let i = 0; i < 100; i++) {
    const response = await request(`${server.url}/dev/outbox`, { accept: 'application/json' });
    assert.equal(response.status, 200);
    const sms = JSON.parse(response.body).find((m) => m.channel === 'sms' && m.to === e164);
    if (sms && sms.sent_at > notBefore) {
      const otp = /^@\S+ #(\d{6})$/m.exec(sms.body);
      assert.ok(otp, `the text ends with the WebOTP line: ${JSON.stringify(sms.body)}`);
      return { code: otp[1], sentAt: sms.sent_at };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no text to ${e164} in the outbox`);
}

/** Signs in with the number (remember this device stays ticked). */
export async function signIn(server, page, typed, e164) {
  const notBefore = new Date(Date.now() - 1000).toISOString();
  await page.goto('/sign-in');
  await heading(page, 'What is your mobile phone number?');
  await page.getByLabel('Mobile phone number').fill(typed);
  await page.getByRole('button', { name: 'Text me a code' }).click();
  await heading(page, 'Enter the code we texted you');
  await page.getByLabel('6-digit code').fill((await latestCode(server, e164, notBefore)).code);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

export async function enterDate(page, month, day, year) {
  await page.getByLabel('Month', { exact: true }).fill(month);
  await page.getByLabel('Day', { exact: true }).fill(day);
  await page.getByLabel('Year', { exact: true }).fill(year);
}

/** From Lakeside's patient list, signed in as James Carter: Lily's record the first time (his
 * own details, then Lily's date of birth), ending on her page. */
export async function activateLilyAsJames(page) {
  await page.locator('.choices li', { hasText: 'Lily Carter' }).getByRole('link').click();
  await heading(page, 'First, tell us about you');
  await page.getByLabel('Your first name').fill('James');
  await page.getByLabel('Your last name').fill('Carter');
  await enterDate(page, '11', '5', '1982');
  await page.getByRole('button', { name: 'Continue' }).click();
  await heading(page, "What is Lily's date of birth?");
  await enterDate(page, '9', '3', '2016');
  await page.getByRole('button', { name: 'Check date of birth' }).click();
  await heading(page, 'Lily Carter');
}
