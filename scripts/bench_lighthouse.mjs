// One Lighthouse run, for scripts/bench_lighthouse.py:
//   node bench_lighthouse.mjs MODULES URL mobile|desktop OUT.json [STATE]
// MODULES is the node_modules folder Lighthouse was installed into (.tools/lighthouse/
// node_modules); OUT.json gets the Lighthouse result (LHR). STATE, JSON {"cookies": {name:
// value}, "localStorage": {key: value}, "sessionStorage": {key: value}}, is put into the browser
// for URL's origin before the run: what a signed-in person's browser holds.
//
// Why a script and not the lighthouse CLI: a signed-in page needs more than a Cookie header
// (--extra-headers). The portal asks the server about its session only when localStorage says
// this device signed in (`portal.session`, session.rs), so the CLI's run ended on /sign-in;
// and a patient page needs the patient chosen in this tab (sessionStorage, patients.rs).
// Lighthouse's storage reset (service workers, caches) leaves cookies and both storages alone.
//
// Chromium is Debian's (CHROME_PATH, default /usr/bin/chromium), started by chrome-launcher as
// the CLI does, with the flags in CHROME_FLAGS; nothing here downloads a browser.
import {createRequire} from 'node:module';
import {writeFileSync} from 'node:fs';
import {join} from 'node:path';

const [modules, url, formFactor, outPath, stateJson] = process.argv.slice(2);
const state = JSON.parse(stateJson || '{}');
if (!outPath || !['mobile', 'desktop'].includes(formFactor)) {
  console.error('usage: node bench_lighthouse.mjs MODULES URL mobile|desktop OUT.json [STATE]');
  process.exit(2);
}
// Resolve packages from MODULES (any file name inside it will do), not from this script's folder.
const require = createRequire(join(modules, 'resolve-from-here.cjs'));
const load = async (name) => import(require.resolve(name));
const {default: lighthouse, desktopConfig} = await load('lighthouse');
const chromeLauncher = await load('chrome-launcher');
const {default: puppeteer} = await load('puppeteer-core');

const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROME_PATH || '/usr/bin/chromium',
  chromeFlags: (process.env.CHROME_FLAGS || '--headless=new').split(/\s+/).filter(Boolean),
  logLevel: 'silent',
});
let code = 0;
try {
  const browser = await puppeteer.connect({browserURL: `http://127.0.0.1:${chrome.port}`, defaultViewport: null});
  const page = (await browser.pages())[0] || (await browser.newPage());
  const origin = new URL(url).origin;
  const cdp = await page.createCDPSession();
  for (const [name, value] of Object.entries(state.cookies || {})) {
    await cdp.send('Network.setCookie', {name, value, url: origin + '/', httpOnly: true, sameSite: 'Lax'});
  }
  await cdp.detach();
  const local = Object.entries(state.localStorage || {});
  const tab = Object.entries(state.sessionStorage || {});
  if (local.length || tab.length) {
    // Storage belongs to a document of the origin: open a small one (not the page measured, so
    // nothing of the portal is loaded or cached) and write there. sessionStorage is this tab's,
    // and Lighthouse measures in this same tab.
    await page.goto(origin + '/robots.txt');
    await page.evaluate((local, tab) => {
      local.forEach(([k, v]) => localStorage.setItem(k, v));
      tab.forEach(([k, v]) => sessionStorage.setItem(k, v));
    }, local, tab);
  }
  const flags = {
    logLevel: 'error', output: 'json',
    onlyCategories: ['performance', 'accessibility', 'best-practices', 'seo'],
  };
  // Mobile: Lighthouse's default settings. Desktop: its desktop preset (as `--preset=desktop`).
  const config = formFactor === 'desktop' ? desktopConfig : undefined;
  const result = await lighthouse(url, flags, config, page);
  writeFileSync(outPath, JSON.stringify(result.lhr));
  await browser.disconnect();
} catch (error) {
  console.error(error);
  code = 1;
} finally {
  chrome.kill();
}
process.exit(code);
