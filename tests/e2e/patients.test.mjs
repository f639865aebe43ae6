// End-to-end: choosing a patient and checking the date of birth (SPEC 3.2, 3.3, 3.9) against the
// real server and the demo people. The guardian (972) 555-0102 activates and checks Lily at
// Lakeside and Noah at Riverbend, switches between them, then locks the check of his own record;
// Maria (972) 555-0101 checks once on a remembered device and is not asked again after signing in
// anew. Codes come from the development outbox.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, startServer, watchedPage } from './support.mjs';
import { DESKTOP, PHONE, check, enterDate, heading, signIn as signInTo } from './journeys.mjs';

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

const signIn = (page, typed, e164) => signInTo(server, page, typed, e164);
const bar = (page) => page.locator('.patient-bar').innerText();

describe('choosing a patient and checking the date of birth', () => {
  test('a guardian activates, checks two children at two practices, switches, and hits a lock', async () => {
    const context = await browser.newContext({ ...PHONE, locale: 'en-US', baseURL: server.url });
    const page = await watchedPage(context);
    await signIn(page, '(972) 555-0102', '+19725550102');
    await heading(page, 'Which practice do you want to see?');
    await page.getByRole('link', { name: /Lakeside Family Medicine/ }).click();
    await heading(page, 'Lakeside Family Medicine');
    const lily = page.locator('.choices li', { hasText: 'Lily Carter' });
    await lily.waitFor();
    assert.match(await lily.innerText(), /Your child \(guardian\)/);
    assert.match(await lily.innerText(), /Needs date of birth check/);
    assert.match(await page.locator('.choices li', { hasText: 'James Carter' }).innerText(), /You/);
    await check(page, 'patients-list');

    // First time for Lily: the guardian's own details, then Lily's date of birth.
    await lily.getByRole('link').click();
    await heading(page, 'First, tell us about you');
    assert.match(await bar(page), /Lily Carter/);
    await check(page, 'patients-activate');
    await page.getByLabel('Your first name').fill('James');
    await page.getByLabel('Your last name').fill('Carter');
    await enterDate(page, '11', '5', '1982');
    await page.getByRole('button', { name: 'Continue' }).click();
    await heading(page, "What is Lily's date of birth?");
    // An impossible date is explained without counting.
    await enterDate(page, '2', '30', '2016');
    await page.getByRole('button', { name: 'Check date of birth' }).click();
    await page.locator('#error-summary', { hasText: 'That day does not exist in that month' }).waitFor();
    await page.waitForFunction(() => document.activeElement?.id === 'error-summary');
    assert.equal(await page.getByLabel('Day', { exact: true }).inputValue(), '30');
    await check(page, 'patients-verify-error');
    await enterDate(page, '9', '3', '2016');
    await page.getByRole('button', { name: 'Check date of birth' }).click();
    await heading(page, 'Lily Carter');
    assert.match(await page.locator('.facts').innerText(), /September 3, 2016/);
    await check(page, 'patients-home');

    await page.getByRole('link', { name: 'Access history' }).click();
    await heading(page, 'Access history');
    await page.locator('.history li').first().waitFor();
    assert.match(await page.locator('.history').innerText(), /Checked the date of birth/);
    await check(page, 'patients-access-history');

    // To Riverbend: Noah, with the guardian's details once more for that link.
    await page.getByRole('link', { name: 'Switch practice' }).click();
    await heading(page, 'Which practice do you want to see?');
    await page.getByRole('link', { name: /Riverbend Pediatrics/ }).click();
    await heading(page, 'Riverbend Pediatrics');
    const noah = page.locator('.choices li', { hasText: 'Noah Carter' }).getByRole('link');
    await noah.click();
    // The guardian's details belong to each link; asked again unless the server has them.
    await page.locator('main h1').filter({ hasText: /First, tell us about you|What is Noah/ }).waitFor();
    if ((await page.locator('main h1').innerText()).startsWith('First')) {
      await page.getByLabel('Your first name').fill('James');
      await page.getByLabel('Your last name').fill('Carter');
      await enterDate(page, '11', '5', '1982');
      await page.getByRole('button', { name: 'Continue' }).click();
    }
    await heading(page, "What is Noah's date of birth?");
    assert.match(await bar(page), /Noah Carter/);
    assert.match(await bar(page), /Riverbend Pediatrics/);
    await check(page, 'patients-verify');
    await enterDate(page, '1', '25', '2019');
    await page.getByRole('button', { name: 'Check date of birth' }).click();
    await heading(page, 'Noah Carter');

    // Back to Lily: already checked, so straight to her page; and back to Noah.
    await page.getByRole('link', { name: 'Switch practice' }).click();
    await page.getByRole('link', { name: /Lakeside Family Medicine/ }).click();
    const checked = page.locator('.choices li', { hasText: 'Lily Carter' });
    await checked.filter({ hasText: 'Date of birth checked' }).waitFor();
    await checked.getByRole('link').click();
    await heading(page, 'Lily Carter');
    assert.match(await bar(page), /Lakeside Family Medicine/);
    await page.getByRole('link', { name: 'Switch practice' }).click();
    await page.getByRole('link', { name: /Riverbend Pediatrics/ }).click();
    await page.locator('.choices li', { hasText: 'Noah Carter' }).getByRole('link').click();
    await heading(page, 'Noah Carter');

    // His own record: two wrong dates lock the check, and the page says whom to call.
    await page.getByRole('link', { name: 'Switch practice' }).click();
    await page.getByRole('link', { name: /Lakeside Family Medicine/ }).click();
    await page.locator('.choices li', { hasText: 'James Carter' }).getByRole('link').click();
    await heading(page, 'What is your date of birth?');
    await enterDate(page, '1', '1', '1980');
    await page.getByRole('button', { name: 'Check date of birth' }).click();
    await page.locator('#error-summary', { hasText: 'That is not the date of birth on your record' }).waitFor();
    await enterDate(page, '1', '2', '1980');
    await page.getByRole('button', { name: 'Check date of birth' }).click();
    await heading(page, 'The date of birth check is locked');
    assert.match(await page.locator('main').innerText(), /You can try again in (60|59) minutes/);
    assert.equal(await page.locator('a.tel').getAttribute('href'), 'tel:+19725550100');
    await check(page, 'patients-locked');

    // In Spanish.
    await page.getByRole('button', { name: /Español/ }).click();
    await heading(page, 'La verificación de la fecha de nacimiento está bloqueada');
    await check(page, 'patients-locked-es');
    await page.getByRole('link', { name: 'Cambiar de paciente' }).click();
    await page.locator('.choices li', { hasText: 'Bloqueado: llame al consultorio' }).waitFor();
    await check(page, 'patients-list-es');
    // Wrong dates answer 403 and the lock 423, which the browser logs; nothing else may fail.
    assert.deepEqual(page.problems.filter((p) => !/status of 40[0-9]|status of 423/.test(p) || !/verify-dob/.test(p)), []);
    await context.close();
  });

  test('a self patient checks once on a remembered device and is not asked again', async () => {
    const context = await browser.newContext({ ...DESKTOP, locale: 'en-US', baseURL: server.url });
    const page = await watchedPage(context);
    await signIn(page, '(972) 555-0101', '+19725550101');
    await heading(page, 'Lakeside Family Medicine');
    const maria = page.locator('.choices li', { hasText: 'Maria Lopez' });
    assert.match(await maria.innerText(), /Needs date of birth check/);
    await maria.getByRole('link').click();
    await heading(page, 'What is your date of birth?');
    await check(page, 'patients-verify-desktop');
    await enterDate(page, '4', '12', '1985');
    await page.getByRole('button', { name: 'Check date of birth' }).click();
    await heading(page, 'Maria Lopez');

    await page.getByRole('button', { name: 'Sign out' }).first().click();
    await heading(page, 'What is your mobile phone number?');
    // One code per number every 30 seconds.
    await new Promise((resolve) => setTimeout(resolve, 31_000));
    await signIn(page, '(972) 555-0101', '+19725550101');
    await heading(page, 'Lakeside Family Medicine');
    await maria.filter({ hasText: 'Date of birth checked' }).waitFor();
    await maria.getByRole('link').click();
    await heading(page, 'Maria Lopez');
    assert.equal(await page.evaluate(() => location.pathname.endsWith('/verify')), false);
    assert.deepEqual(page.problems, []);
    await context.close();
  });
});
