// End-to-end: the practices e-mail medical access links for Lily (Lakeside) and Noah (Riverbend)
// to carter.family@example.com; a parent whose number the demo does not know opens the first
// e-mail signed out, signs in, adds Lily, opens the second and adds Noah, checks each child's date
// of birth and sees their appointments and documents (SPEC 3.6, 3.7). Then the overview, one
// page in Spanish, and the page for a link already used.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, practiceApi, practiceToken, request, startServer, watchedPage } from './support.mjs';
import { PHONE, check, enterDate, heading, signIn } from './journeys.mjs';

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

/** The practice e-mails a link for its patient `first`; returns the patient's id and the path of
 * the link in the e-mail (its host is the server's public_url, so only the path is used). */
async function emailedLink(slug, first) {
  const token = practiceToken(server, slug);
  const patients = await practiceApi(server, token, 'GET', `/practices/${slug}/patients`);
  assert.equal(patients.status, 200);
  const patient = patients.body.find((p) => p.first_name === first);
  assert.ok(patient, `no ${first} at ${slug}`);
  const created = await practiceApi(server, token, 'POST', `/practices/${slug}/patients/${patient.id}/access-links`);
  assert.equal(created.status, 201, JSON.stringify(created.body));
  // A document for the child, so the page has one to download.
  const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
  const query = new URLSearchParams({ title: `${first}'s vaccines`, date: '2026-11-02', file_name: `${first}-vaccines.pdf` });
  const document = await fetch(`${server.url}/api/practice/practices/${slug}/patients/${patient.id}/documents?${query}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/pdf' },
    body: pdf,
  });
  assert.equal(document.status, 201, await document.text());

  const outbox = JSON.parse((await request(`${server.url}/dev/outbox`, { accept: 'application/json' })).body);
  const mail = outbox.find((m) => m.channel === 'email' && m.to === 'carter.family@example.com' && m.body.includes(first));
  assert.ok(mail, `no e-mail about ${first}`);
  const url = /https?:\/\/\S+\/link\/[A-Za-z0-9_-]+/.exec(mail.body)[0];
  return { id: patient.id, path: new URL(url).pathname };
}

/** Checks the date of birth from the practice's list and opens the child's records. */
async function verifyAndOpenRecords(page, practice, first, [month, day, year]) {
  await heading(page, practice);
  await page.locator('.choices li', { hasText: `${first} Carter` }).getByRole('link').click();
  await heading(page, `What is ${first}'s date of birth?`);
  await enterDate(page, month, day, year);
  await page.getByRole('button', { name: 'Check date of birth' }).click();
  await heading(page, `${first} Carter`);
  await page.getByRole('link', { name: 'Appointments, documents and forms' }).click();
  await heading(page, `${first}'s health record`);
  // Each section loads on its own: wait for the appointments, not just any list.
  await page.locator('main').getByText('Coming up').first().waitFor();
  const main = await page.locator('main').innerText();
  assert.match(main, /\d:\d\d (AM|PM) [A-Z]{3}/, 'times name the practice’s zone');
  const download = page.getByRole('link', { name: new RegExp(`${first}'s vaccines`) });
  assert.equal(await download.getAttribute('download'), '');
  const file = await page.context().request.get(await download.getAttribute('href'));
  assert.equal(file.status(), 200);
  assert.match(file.headers()['content-disposition'], /^attachment/);
}

describe('family record linking', () => {
  test('a parent adds two children from two e-mails and sees their records', async () => {
    const lily = await emailedLink('lakeside', 'Lily');
    const noah = await emailedLink('riverbend', 'Noah');

    const context = await browser.newContext({ ...PHONE, locale: 'en-US', baseURL: server.url });
    const page = await watchedPage(context);
    // Signed out: the link asks to sign in first, and comes back to it afterwards (the sign-in
    // helper loads /sign-in afresh, so the link survives a reload on the way).
    await page.goto(lily.path);
    await heading(page, 'What is your mobile phone number?');
    await signIn(server, page, '(972) 555-0104', '+19725550104');
    await heading(page, "Add Lily Carter's record from Lakeside Family Medicine?");
    await check(page, 'records-link-confirm');
    await page.getByRole('button', { name: 'Add record' }).click();
    await verifyAndOpenRecords(page, 'Lakeside Family Medicine', 'Lily', ['9', '3', '2016']);
    await check(page, 'records-lily');

    await page.goto(noah.path);
    await heading(page, "Add Noah Carter's record from Riverbend Pediatrics?");
    await page.getByRole('button', { name: 'Add record' }).click();
    await verifyAndOpenRecords(page, 'Riverbend Pediatrics', 'Noah', ['1', '25', '2019']);

    // Noah's address and e-mail: a wrong ZIP is explained on submit and nothing typed is lost.
    await page.getByRole('link', { name: 'Back', exact: true }).click();
    await heading(page, 'Noah Carter');
    await page.getByRole('link', { name: 'Address, email and language' }).click();
    await heading(page, "Noah's address, email and language");
    await page.getByLabel('Address line 1').fill('12 Oak Lane');
    await page.getByLabel('Town or city').fill('Plano');
    await page.getByLabel('ZIP code').fill('750');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.waitForFunction(() => document.activeElement?.id === 'error-summary');
    assert.match(await page.locator('#error-summary').innerText(), /ZIP code with 5 numbers/);
    assert.equal(await page.getByLabel('Address line 1').inputValue(), '12 Oak Lane');
    await check(page, 'records-profile-errors');
    await page.getByLabel('ZIP code').fill('75024');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.locator('[role=status].notice', { hasText: 'Your changes are saved' }).waitFor();
    await check(page, 'records-profile-saved');
    const token = practiceToken(server, 'riverbend');
    const onFile = await practiceApi(server, token, 'GET', `/practices/riverbend/patients/${noah.id}`);
    assert.equal(onFile.body.address.zip, '75024', JSON.stringify(onFile.body));
    assert.equal(onFile.body.address.line1, '12 Oak Lane');
    await page.getByRole('link', { name: 'Back', exact: true }).click();
    await heading(page, 'Noah Carter');
    await page.getByRole('link', { name: 'Appointments, documents and forms' }).click();
    await heading(page, "Noah's health record");

    // In Spanish.
    await page.locator('.lang-switch').click();
    await heading(page, 'Expediente de Noah');
    assert.match(await page.locator('main').innerText(), /Próximas/);
    await check(page, 'records-noah-es');
    await page.locator('.lang-switch').click();
    await heading(page, "Noah's health record");

    // Everyone at once: both children, each with the next appointment.
    await page.getByRole('link', { name: 'Everyone at once' }).click();
    await heading(page, 'Everyone at once');
    const people = page.locator('.overview li');
    await people.nth(1).waitFor();
    const all = await page.locator('.overview').innerText();
    assert.match(all, /Lily Carter[\s\S]*Lakeside Family Medicine/);
    assert.match(all, /Noah Carter[\s\S]*Riverbend Pediatrics/);
    assert.match(all, /Next appointment/);
    await check(page, 'records-overview');
    // On a wide screen, people side by side.
    await page.setViewportSize({ width: 1280, height: 800 });
    const columns = await page.locator('.overview').evaluate((el) => getComputedStyle(el).gridTemplateColumns.split(' ').length);
    assert.ok(columns >= 2, `${columns} column(s) at 1280 px`);
    await check(page, 'records-overview-desktop');
    await page.setViewportSize(PHONE.viewport);

    // The first link again: used up, one page that says so.
    await page.goto(lily.path);
    await heading(page, 'This link no longer works');
    assert.match(await page.locator('main').innerText(), /Ask the practice for a new one/);
    await check(page, 'records-link-dead');
    // The browser logs the 410 itself; nothing else went wrong.
    assert.deepEqual(page.problems.filter((p) => !/status of 410/.test(p)), []);
    await context.close();
  });
});
