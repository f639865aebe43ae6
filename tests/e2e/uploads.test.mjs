// End-to-end: files (SPEC 3.8). On a phone, a patient attaches two photos and a PDF to a message,
// sees previews, sizes, the total and the progress of each upload, sends, and the practice
// downloads exactly the same bytes (SHA-256 compared); a file the browser can tell is not allowed
// is refused before any upload. In Spanish, a patient sends a document from the documents page and
// finds it listed there as sent to the practice.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { launchBrowser, practiceApi, practiceToken, startServer, watchedPage } from './support.mjs';
import { PHONE, check, enterDate, heading, signIn } from './journeys.mjs';

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

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

/** A photo drawn in the page, as the camera would give it: `type` image/jpeg or image/png. */
async function photo(page, type, width, height) {
  const base64 = await page.evaluate(
    ([type, width, height]) => {
      const canvas = document.createElement('canvas');
      canvas.width = width;
      canvas.height = height;
      const g = canvas.getContext('2d');
      const pixels = g.createImageData(width, height);
      // Noise, so the JPEG is as big as a real photo of that size.
      for (let i = 0; i < pixels.data.length; i += 1) pixels.data[i] = i % 4 === 3 ? 255 : (i * 2654435761) >>> 24;
      g.putImageData(pixels, 0, 0);
      return canvas.toDataURL(type, 0.95).split(',')[1];
    },
    [type, width, height],
  );
  return Buffer.from(base64, 'base64');
}

function pdf(title) {
  const text = `%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n% ${title}\ntrailer << /Root 1 0 R >>\n%%EOF\n`;
  return Buffer.from(text, 'latin1');
}

/** Downloads `attachmentId` through the practice API. */
async function practiceDownload(id) {
  const response = await fetch(`${server.url}/api/practice/practices/lakeside/attachments/${id}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
  assert.match(response.headers.get('content-disposition'), /^attachment;/);
  return Buffer.from(await response.arrayBuffer());
}

/** The practice's thread with `name`. */
async function practiceThread(name) {
  const inbox = await practiceApi(server, token, 'GET', '/practices/lakeside/conversations');
  const conversation = inbox.body.find((c) => c.patient_name === name);
  assert.ok(conversation, `no conversation for ${name}`);
  const thread = await practiceApi(server, token, 'GET', `/practices/lakeside/conversations/${conversation.id}`);
  assert.equal(thread.status, 200);
  return thread.body;
}

describe('file upload', () => {
  test('on a phone: two photos and a PDF with previews and progress; the practice gets the same bytes', async () => {
    const context = await browser.newContext({ ...PHONE, locale: 'en-US', baseURL: server.url });
    const page = await watchedPage(context);
    await signIn(server, page, '(972) 555-0102', '+19725550102');
    await heading(page, 'Which practice do you want to see?');
    await page.getByRole('link', { name: /Lakeside Family Medicine/ }).click();
    await heading(page, 'Lakeside Family Medicine');
    await page.locator('.choices li', { hasText: 'James Carter' }).getByRole('link').click();
    await heading(page, 'What is your date of birth?');
    await enterDate(page, '11', '5', '1982');
    await page.getByRole('button', { name: 'Check date of birth' }).click();
    await heading(page, 'James Carter');
    await page.getByRole('link', { name: /Messages/ }).first().click();
    await heading(page, 'Messages with Lakeside Family Medicine');

    const files = [
      { name: 'rash-front.jpg', mimeType: 'image/jpeg', buffer: await photo(page, 'image/jpeg', 1400, 1000) },
      { name: 'rash-side.png', mimeType: 'image/png', buffer: await photo(page, 'image/png', 300, 200) },
      { name: 'referral.pdf', mimeType: 'application/pdf', buffer: pdf('Referral') },
    ];
    // A slow uplink, so each file's progress is there to see.
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 40,
      downloadThroughput: -1,
      uploadThroughput: 400 * 1024,
    });
    await page.getByLabel('Attach files').setInputFiles(files);
    const list = page.locator('.file-list');
    await list.locator('progress:visible').first().waitFor();
    await check(page, 'uploads-progress');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });
    for (const file of files) {
      const item = list.locator('li.file', { hasText: file.name });
      await item.filter({ hasText: 'Uploaded' }).waitFor({ timeout: 30_000 });
    }
    // Previews for the two photos (object URLs), not for the PDF; sizes and the total in words.
    const previews = list.locator('img.file-preview');
    assert.equal(await previews.count(), 2);
    assert.match(await previews.first().getAttribute('src'), /^blob:/);
    assert.ok(await previews.first().evaluate((img) => img.complete && img.naturalWidth > 0), 'the preview shows');
    assert.match(await page.locator('.files').innerText(), /Total size: /);

    // What the browser can tell is refused before any upload, naming the file.
    const uploads = [];
    page.on('request', (r) => r.url().includes('/attachments') && r.method() === 'POST' && uploads.push(r.url()));
    await page.getByLabel('Attach files').setInputFiles([
      { name: 'invoice.exe', mimeType: 'application/x-msdownload', buffer: Buffer.from('MZ not a photo') },
    ]);
    await page.locator('.file-errors').filter({ hasText: '“invoice.exe” can\'t be sent' }).waitFor();
    assert.equal(uploads.length, 0, 'nothing was uploaded for it');
    assert.equal(await list.locator('li.file').count(), 3);
    await check(page, 'uploads-ready');

    await page.getByLabel('Your message').fill('Photos of the rash and the referral.');
    await page.getByRole('button', { name: 'Send message' }).click();
    const mine = page.locator('.thread li', { hasText: 'Photos of the rash and the referral.' });
    await mine.filter({ hasText: /Sent|Read/ }).waitFor();
    for (const file of files) await mine.getByRole('link', { name: new RegExp(file.name) }).waitFor();
    assert.equal(await list.locator('li.file').count(), 0, 'the sent files leave the composer');
    await check(page, 'uploads-sent');

    // The practice downloads the same bytes.
    const thread = await practiceThread('James Carter');
    const message = thread.messages.find((m) => m.body === 'Photos of the rash and the referral.');
    assert.ok(message, JSON.stringify(thread.messages));
    assert.deepEqual(
      message.attachments.map((a) => a.file_name),
      files.map((f) => f.name),
    );
    for (const [i, attachment] of message.attachments.entries()) {
      assert.equal(attachment.sha256, sha256(files[i].buffer), files[i].name);
      assert.equal(sha256(await practiceDownload(attachment.id)), sha256(files[i].buffer), files[i].name);
    }
    // The patient's own link downloads it too (as a file, never shown in the page).
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      mine.getByRole('link', { name: /referral\.pdf/ }).click(),
    ]);
    assert.equal(download.suggestedFilename(), 'referral.pdf');
    await context.close();
  });

  test('en español: un documento enviado desde la página de documentos', async () => {
    const context = await browser.newContext({ ...PHONE, locale: 'en-US', baseURL: server.url });
    const page = await watchedPage(context);
    await signIn(server, page, '(972) 555-0101', '+19725550101');
    await heading(page, 'Lakeside Family Medicine');
    const maria = page.locator('.choices li', { hasText: 'Maria Lopez' });
    await maria.getByRole('link').click();
    await enterDate(page, '4', '12', '1985');
    await page.getByRole('button', { name: 'Check date of birth' }).click();
    await heading(page, 'Maria Lopez');
    await page.getByRole('button', { name: /Español/ }).click();
    await page.locator('a[href$="/records"]').first().click();
    await page.locator('h2', { hasText: 'Documentos' }).first().waitFor();

    const card = { name: 'tarjeta-seguro.pdf', mimeType: 'application/pdf', buffer: pdf('Tarjeta') };
    await page.locator('input[type=file][multiple]').setInputFiles([card]);
    await page.locator('li.file', { hasText: card.name }).filter({ hasText: 'Subido' }).waitFor();
    await check(page, 'uploads-documents-es');
    await page.getByRole('button', { name: 'Enviar al consultorio' }).click();
    await page.locator('.send-documents [role=status]', { hasText: 'Se enviaron a Lakeside Family Medicine' }).waitFor();
    // Listed among the documents, marked as sent to the practice.
    await page.locator('li', { hasText: card.name }).filter({ hasText: 'Enviado al consultorio' }).first().waitFor();
    await check(page, 'uploads-documents-sent-es');

    const thread = await practiceThread('Maria Lopez');
    const sent = thread.messages.find((m) => m.attachments?.some((a) => a.file_name === card.name));
    assert.ok(sent, JSON.stringify(thread.messages));
    const id = sent.attachments.find((a) => a.file_name === card.name).id;
    assert.equal(sha256(await practiceDownload(id)), sha256(card.buffer));
    await context.close();
  });
});
