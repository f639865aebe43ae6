// End-to-end: a guardian adds a dependent and writes to the practice; the practice answers through
// its API and the answer arrives in the open portal without a reload (SPEC 3.4, 3.5, 4). The
// guardian is the demo's (972) 555-0102 at Lakeside; the practice uses a token made by the CLI.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, practiceApi, practiceToken, startServer, watchedPage } from './support.mjs';
import { DESKTOP, PHONE, activateLilyAsJames, check, enterDate, heading, signIn } from './journeys.mjs';

let server;
let browser;
let token;
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  token = practiceToken(server, 'lakeside');
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

/** The practice's inbox entry for the patient named `name`. */
async function conversationOf(name) {
  const inbox = await practiceApi(server, token, 'GET', '/practices/lakeside/conversations');
  assert.equal(inbox.status, 200);
  const conversation = inbox.body.find((c) => c.patient_name === name);
  assert.ok(conversation, `no conversation for ${name} in ${JSON.stringify(inbox.body)}`);
  return { inbox: inbox.body, conversation };
}

async function reply(conversationId, body) {
  const sent = await practiceApi(server, token, 'POST', `/practices/lakeside/conversations/${conversationId}/messages`, {
    body,
    author: 'Dr. Ann Lee',
  });
  assert.equal(sent.status, 201, JSON.stringify(sent.body));
}

const thread = (page) => page.locator('.thread');
const choice = (page, name) => page.locator('.choices li', { hasText: name });

describe('messages and dependents', () => {
  test('a guardian adds a dependent, writes, and the practice answers live', async () => {
    const context = await browser.newContext({ ...PHONE, locale: 'en-US', baseURL: server.url });
    const page = await watchedPage(context);
    await signIn(server, page, '(972) 555-0102', '+19725550102');
    await heading(page, 'Which practice do you want to see?');
    await page.getByRole('link', { name: /Lakeside Family Medicine/ }).click();
    await heading(page, 'Lakeside Family Medicine');

    // Adding a dependent needs an active guardian link here: Lily's, activated first.
    await activateLilyAsJames(page);

    await page.getByRole('link', { name: 'Switch patient' }).click();
    await heading(page, 'Lakeside Family Medicine');
    await page.getByRole('link', { name: 'Add a child or dependent' }).click();
    await heading(page, 'Add a child or dependent');
    await check(page, 'messages-add-dependent');

    // A name of only spaces and a date in the future: explained on submit, nothing lost.
    await page.getByLabel('First name', { exact: true }).fill('   ');
    await page.getByLabel('Last name', { exact: true }).fill('Carter');
    const nextYear = String(new Date().getFullYear() + 1);
    await enterDate(page, '2', '14', nextYear);
    await page.getByRole('button', { name: 'Add dependent' }).click();
    const summary = page.locator('#error-summary');
    await summary.waitFor();
    await page.waitForFunction(() => document.activeElement?.id === 'error-summary');
    assert.match(await summary.innerText(), /first name/i);
    assert.match(await summary.innerText(), /future/i);
    assert.equal(await page.getByLabel('Year', { exact: true }).inputValue(), nextYear);
    assert.equal(await page.getByLabel('Last name', { exact: true }).inputValue(), 'Carter');
    await check(page, 'messages-add-dependent-errors');

    await page.getByLabel('First name', { exact: true }).fill('Rosa');
    await enterDate(page, '2', '14', '2024');
    await page.getByRole('button', { name: 'Add dependent' }).click();
    await heading(page, 'Messages with Lakeside Family Medicine');
    assert.match(await page.locator('.patient-bar').innerText(), /Rosa Carter/);
    await thread(page).filter({ hasText: 'James Carter created this conversation for Rosa Carter' }).waitFor();

    // The practice sees it in the Unassigned inbox, first.
    const { inbox, conversation } = await conversationOf('Rosa Carter');
    assert.equal(inbox[0].id, conversation.id);
    assert.equal(conversation.status, 'unassigned');

    // HTML is text; a double click sends one message.
    const text = 'Rosa has had a fever since last night. <b>Is that</b> <img src=x onerror=alert(1)> ok?';
    await page.getByLabel('Your message').fill(text);
    await page.getByRole('button', { name: 'Send message' }).dblclick();
    const mine = thread(page).locator('li', { hasText: 'Rosa has had a fever' });
    await mine.filter({ hasText: /Sent|Read/ }).waitFor();
    assert.equal(await mine.count(), 1);
    assert.match(await mine.innerText(), /<b>Is that<\/b> <img src=x onerror=alert\(1\)> ok\?/);
    assert.equal(await thread(page).locator('b, img').count(), 0);
    assert.equal(await page.getByLabel('Your message').inputValue(), '');
    await check(page, 'messages-sent');

    // The practice reads it (the guardian sees "Read") and answers; the answer arrives live.
    const read = await practiceApi(server, token, 'GET', `/practices/lakeside/conversations/${conversation.id}`);
    assert.equal(read.status, 200);
    const patientMessages = read.body.messages.filter((m) => m.sender === 'patient');
    assert.equal(patientMessages.length, 1, 'the double click stored one message');
    assert.equal(patientMessages[0].body, text);
    await reply(conversation.id, 'Please bring Rosa in today at 3 pm.');
    const answer = thread(page).locator('li', { hasText: 'Please bring Rosa in today at 3 pm.' });
    await answer.waitFor({ timeout: 15_000 });
    assert.match(await answer.innerText(), /Dr\. Ann Lee/);
    await mine.filter({ hasText: 'Read' }).waitFor({ timeout: 15_000 });
    await check(page, 'messages-reply-live');

    // An answer that arrives while the guardian is elsewhere: counted in the list until read.
    await page.getByRole('link', { name: 'Switch patient' }).click();
    await heading(page, 'Lakeside Family Medicine');
    await reply(conversation.id, 'We have a space at 2 pm too.');
    await page.reload();
    await heading(page, 'Lakeside Family Medicine');
    const rosa = choice(page, 'Rosa Carter');
    await rosa.filter({ hasText: '1 new message' }).waitFor();
    await check(page, 'messages-unread-count');
    await rosa.getByRole('link').click();
    await page.getByRole('link', { name: /Messages/ }).first().click();
    await heading(page, 'Messages with Lakeside Family Medicine');
    await thread(page).filter({ hasText: 'We have a space at 2 pm too.' }).waitFor();
    await page.getByRole('link', { name: 'Switch patient' }).click();
    await heading(page, 'Lakeside Family Medicine');
    await rosa.waitFor();
    assert.doesNotMatch(await rosa.innerText(), /new message/);

    // Nothing about duplicates reaches the guardian; the practice's list is empty here.
    const duplicates = await practiceApi(server, token, 'GET', '/practices/lakeside/possible-duplicates');
    assert.deepEqual(duplicates.body, []);

    // In Spanish.
    await rosa.getByRole('link').click();
    await page.getByRole('link', { name: /Messages/ }).first().click();
    await heading(page, 'Messages with Lakeside Family Medicine');
    await page.getByRole('button', { name: /Español/ }).click();
    await heading(page, 'Mensajes con Lakeside Family Medicine');
    await thread(page).filter({ hasText: 'James Carter creó esta conversación para Rosa Carter' }).waitFor();
    await check(page, 'messages-es');
    await page.getByRole('button', { name: /English/ }).click();
    assert.deepEqual(page.problems, []);
    await context.close();
  });

  test('a draft survives a failed send and a reload, and the retry sends it once', async () => {
    const context = await browser.newContext({ ...DESKTOP, locale: 'en-US', baseURL: server.url });
    const page = await watchedPage(context);
    await signIn(server, page, '(972) 555-0101', '+19725550101');
    await heading(page, 'Lakeside Family Medicine');
    await choice(page, 'Maria Lopez').getByRole('link').click();
    await heading(page, 'What is your date of birth?');
    await enterDate(page, '4', '12', '1985');
    await page.getByRole('button', { name: 'Check date of birth' }).click();
    await heading(page, 'Maria Lopez');
    await page.getByRole('link', { name: /Messages/ }).first().click();
    await heading(page, 'Messages with Lakeside Family Medicine');

    // A draft survives a reload.
    await page.getByLabel('Your message').fill('Can I get a refill of my inhaler?');
    await page.reload();
    await heading(page, 'Messages with Lakeside Family Medicine');
    assert.equal(await page.getByLabel('Your message').inputValue(), 'Can I get a refill of my inhaler?');

    // The network fails: the message is kept, marked, and a retry sends it once.
    await page.route('**/api/patients/*/messages', (route) =>
      route.request().method() === 'POST' ? route.abort('internetdisconnected') : route.continue(),
    );
    await page.getByRole('button', { name: 'Send message' }).click();
    const mine = thread(page).locator('li', { hasText: 'Can I get a refill of my inhaler?' });
    await mine.filter({ hasText: 'Not sent' }).waitFor();
    await check(page, 'messages-failed-desktop');
    await page.reload();
    await heading(page, 'Messages with Lakeside Family Medicine');
    await mine.filter({ hasText: 'Not sent' }).waitFor();
    await page.unroute('**/api/patients/*/messages');
    await mine.getByRole('button', { name: 'Try again' }).click();
    await mine.filter({ hasText: /Sent|Read/ }).waitFor();

    const { conversation } = await conversationOf('Maria Lopez');
    const read = await practiceApi(server, token, 'GET', `/practices/lakeside/conversations/${conversation.id}`);
    assert.equal(read.body.messages.filter((m) => m.body === 'Can I get a refill of my inhaler?').length, 1);
    // The aborted requests are logged by the browser as failed loads; nothing else may fail.
    assert.deepEqual(page.problems.filter((p) => !/ERR_INTERNET_DISCONNECTED|Failed to load resource/.test(p)), []);
    await context.close();
  });
});
