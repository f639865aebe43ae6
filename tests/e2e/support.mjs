// Helpers for the end-to-end tests: the real server on a free port, Debian's Chromium, axe-core.
import { spawn, execFileSync } from 'node:child_process';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DIST = path.join(REPO, 'dist');
export const RESULTS = path.join(REPO, 'tests/e2e/test-results');
// E2E_SERVER_BIN overrides; relative to where `npm test` was started (npm's INIT_CWD).
const SERVER_BIN = process.env.E2E_SERVER_BIN
  ? path.resolve(process.env.INIT_CWD ?? process.cwd(), process.env.E2E_SERVER_BIN)
  : path.join(path.resolve(REPO, process.env.CARGO_TARGET_DIR ?? 'target'), 'debug/portal-server');

/** Runs `portal-server migrate`, `seed-demo`, then `serve` on a free port with a fresh SQLite file. */
export async function startServer() {
  if (!fs.existsSync(SERVER_BIN)) {
    throw new Error(`${SERVER_BIN} not found: run \`cargo build -p portal-server\` first`);
  }
  if (!fs.existsSync(path.join(DIST, 'index.html'))) {
    throw new Error(`${DIST}/index.html not found: run scripts/build-portal first`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-e2e-'));
  // Only these settings: the server refuses unknown PORTAL_* variables, and the caller's own
  // (a developer's PORTAL_DATABASE_URL, say) must not leak into the test.
  const env = {
    ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('PORTAL_'))),
    PORTAL_MODE: 'development',
    PORTAL_BIND: '127.0.0.1:0',
    PORTAL_DATABASE_URL: `sqlite://${dir}/e2e.db`,
    PORTAL_STATIC_DIR: DIST,
  };
  let child = null;
  let exited = null;
  let output = '';
  async function stop() {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }

  try {
    for (const command of ['migrate', 'seed-demo']) {
      try {
        execFileSync(SERVER_BIN, [command], { env, cwd: dir, stdio: 'pipe', timeout: 60_000 });
      } catch (error) {
        throw new Error(`portal-server ${command} failed (${error.status ?? error.signal ?? error.code}):\n${error.stdout ?? ''}${error.stderr ?? ''}`);
      }
    }

    child = spawn(SERVER_BIN, ['serve'], { env, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stderr.on('data', (chunk) => (output += chunk));
    exited = new Promise((resolve) => child.once('exit', resolve));
    const url = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "Portal ready" line in 30 s:\n${output}`)), 30_000);
      readline.createInterface({ input: child.stdout }).on('line', (line) => {
        output += `${line}\n`;
        const ready = /Portal ready at (http:\/\/127\.0\.0\.1:\d+)/.exec(line);
        if (ready) {
          clearTimeout(timer);
          resolve(ready[1]);
        }
      });
      exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`portal-server serve exited (${code}) before it was ready:\n${output}`));
      });
    });

    const deadline = Date.now() + 15_000;
    for (;;) {
      const health = await request(`${url}/api/health`).catch(() => null);
      if (health?.status === 200) break;
      if (Date.now() > deadline) throw new Error(`${url}/api/health did not answer 200 in 15 s:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    /** Runs a `portal-server` subcommand on this server's database; returns its standard output. */
    const cli = (...args) => execFileSync(SERVER_BIN, args, { env, cwd: dir, encoding: 'utf8', timeout: 60_000 });
    return { url, output: () => output, stop, cli };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A plain HTTP GET that does not decode the body: { status, headers, body: Buffer }. */
export function request(url, headers = {}) {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (response) => {
        const chunks = [];
        response.on('data', (chunk) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode, headers: response.headers, body: Buffer.concat(chunks) }),
        );
      })
      .on('error', reject);
  });
}

/** A practice token for the practice `slug`, made with the CLI (shown once, on the last line). */
export function practiceToken(server, slug) {
  return server.cli('token', 'create', '--label', 'e2e', '--practice', slug).trim().split('\n').pop();
}

/** A JSON call to the practice API as `token`: { status, body }. */
export async function practiceApi(server, token, method, path, body) {
  const response = await fetch(`${server.url}/api/practice${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

/** Debian's Chromium, headless, kept off the network. */
export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.E2E_CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
    ],
  });
}

/**
 * A page that records console errors, uncaught exceptions and Content-Security-Policy violations
 * into `page.problems` (strings), across navigations and reloads.
 */
export async function watchedPage(context) {
  const problems = [];
  await context.exposeFunction('__portalCspViolation', (v) =>
    problems.push(`CSP violation: ${v.directive} blocked ${v.blocked || '(inline)'} at ${v.source}:${v.line} ${v.sample}`),
  );
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      window.__portalCspViolation({
        directive: e.violatedDirective,
        blocked: e.blockedURI,
        source: e.sourceFile,
        line: e.lineNumber,
        sample: e.sample,
      }),
    );
  });
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') {
      const { url, lineNumber } = message.location();
      problems.push(`console error: ${message.text()} (${url}:${lineNumber})`);
    }
  });
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.stack ?? error}`));
  if (process.env.E2E_DEBUG) page.on('console', (m) => console.error('CONSOLE', m.type(), m.text()));
  if (process.env.E2E_DEBUG) page.on('pageerror', (e) => console.error('PAGEERROR', e.stack ?? e));
  page.problems = problems;
  return page;
}

const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** Runs axe-core on the page; returns its violations as readable text ('' when there are none). */
export async function axeViolations(page) {
  // Evaluated through the DevTools protocol, so the page's CSP does not apply (no <script> is added).
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }).then((r) => r.violations),
    AXE_TAGS,
  );
  return violations
    .map(
      (v) =>
        `[${v.impact}] ${v.id}: ${v.help}\n  ${v.helpUrl}\n` +
        v.nodes.map((n) => `  - ${n.target.join(' ')}\n    ${n.failureSummary.replace(/\n/g, '\n    ')}`).join('\n'),
    )
    .join('\n');
}

/** Fails with axe-core's violations, readably, unless there are none. */
export async function assertAccessible(page, what) {
  const violations = await axeViolations(page);
  assert.equal(violations, '', `axe-core found violations on ${what}:\n${violations}`);
}

/** Fails if the page is wider than the window (UX.md: nothing scrolls sideways). */
export async function assertNoSidewaysScroll(page, what) {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.scrollingElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  assert.ok(scrollWidth <= innerWidth, `${what} scrolls sideways: scrollWidth ${scrollWidth} > innerWidth ${innerWidth}`);
}

/** A full-page screenshot into tests/e2e/test-results/NAME.png. */
export function screenshot(page, name) {
  fs.mkdirSync(RESULTS, { recursive: true });
  return page.screenshot({ path: path.join(RESULTS, `${name}.png`), fullPage: true });
}

/** The hashed files Trunk wrote, e.g. { wasm: 'portal-1a2b…_bg.wasm', ... } (first match per extension). */
export function distFile(pattern) {
  const name = fs.readdirSync(DIST).find((file) => pattern.test(file));
  if (!name) throw new Error(`no file matching ${pattern} in ${DIST}`);
  return name;
}
