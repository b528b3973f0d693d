// Shared helpers for the browser tests (node:test + playwright-core + Debian's Chromium).
// `cargo xtask browser` / `cargo xtask test` serve dist/ and set the environment:
//   HOSTSIDE_URL           the served playground, e.g. http://127.0.0.1:41234/
//   NODE_PATH              <root>/.tools/node_modules (where playwright-core is installed)
//   HOSTSIDE_SCREENSHOTS   where screenshot() writes PNGs (target/screenshots)
//   HOSTSIDE_MEASUREMENTS  the JSON file measure.test.mjs writes (target/browser-measurements.json)
//   HOSTSIDE_SHARED        ../shared (scenarios, corpus)
//   CHROMIUM               the browser binary (/usr/bin/chromium)
// The DOM contract these helpers rely on is in README.md next to this file.

import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { after, afterEach, before } from 'node:test';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..');

// ES modules ignore NODE_PATH, CommonJS `require` honours it: load playwright-core through
// a require, falling back to the repository's .tools/ when NODE_PATH is not set.
function loadPlaywright() {
  const require = createRequire(import.meta.url);
  try {
    return require('playwright-core');
  } catch {
    const tools = path.join(repoRoot, '.tools', 'node_modules');
    return require(require.resolve('playwright-core', { paths: [tools] }));
  }
}
export const { chromium } = loadPlaywright();

export const BASE_URL = process.env.HOSTSIDE_URL || 'http://127.0.0.1:8080/';
export const SCREENSHOTS = process.env.HOSTSIDE_SCREENSHOTS || path.join(repoRoot, 'target', 'screenshots');
export const MEASUREMENTS =
  process.env.HOSTSIDE_MEASUREMENTS || path.join(repoRoot, 'target', 'browser-measurements.json');
export const SHARED = process.env.HOSTSIDE_SHARED || path.resolve(repoRoot, '..', 'shared');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

/** Generous per-test timeout (a cold wasm start on 2 cores takes a few seconds). */
export const TEST_TIMEOUT = 180_000;
/** How long to wait for one result (evaluation + rendering). */
export const RESULT_TIMEOUT = 60_000;
export const VIEWPORT = { width: 1280, height: 800 };
export const NARROW_VIEWPORT = { width: 390, height: 844 };

export const EXAMPLE_IDS = [
  '01-vcluster-install',
  '02-fluentd-daemonset',
  '03-wordpress-mariadb',
  '04-service-mesh-sidecar',
  '05-operator-development',
  '06-nginx-port-80',
];
export const TABS = ['host-objects', 'verdicts', 'findings', 'events'];

/** `url('?example=03-wordpress-mariadb')`: a path/query relative to the served playground. */
export function url(relative = '') {
  return new URL(relative, BASE_URL).href;
}

export function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

/**
 * One browser per test file: registers before/after hooks that launch and close it, and an
 * afterEach hook that fails the test if any page opened during it logged a console error,
 * threw an uncaught exception, crashed, or got an HTTP error for one of its requests; the
 * contexts opened during the test are closed afterwards.
 *
 * ```js
 * const session = useBrowser();
 * test('…', async () => { const page = await session.newPage(); … });
 * ```
 */
export function useBrowser() {
  const session = {
    /** @type {import('playwright-core').Browser} */
    browser: null,
    open: [],
    /**
     * A page in a fresh context (own storage), 1280×800 by default, light colour scheme.
     * `allowErrors`: regexps of console/page error texts this page may produce.
     */
    async newPage({ viewport = VIEWPORT, context = null, allowErrors = [] } = {}) {
      const ctx = context ?? (await session.newContext({ viewport }));
      const page = await ctx.newPage();
      if (context) await page.setViewportSize(viewport);
      watchErrors(page, allowErrors);
      // Contexts are tracked (and closed) by newContext; pages only for their errors.
      session.open.push({ ctx, page, owned: false });
      return page;
    },
    /** A fresh context (separate storage), for pages opened with `newPage({context})`. */
    async newContext({ viewport = VIEWPORT } = {}) {
      const ctx = await session.browser.newContext({ viewport, colorScheme: 'light', locale: 'en-US' });
      // copy-link writes to the clipboard; without the permission that rejects.
      await ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(BASE_URL).origin });
      session.open.push({ ctx, page: null, owned: true });
      return ctx;
    },
  };
  before(async () => {
    session.browser = await launch();
  });
  afterEach(async () => {
    const open = session.open.splice(0);
    const problems = open.flatMap(({ page }) => (page ? page.hostsideErrors : []));
    // A page still busy with hostile input can take minutes to close; the browser goes at the end anyway.
    for (const { ctx, owned } of open) {
      if (owned) await Promise.race([ctx.close().catch(() => {}), sleep(10_000)]);
    }
    assert.deepEqual(problems, [], 'the page logged errors, threw, crashed or failed a request');
  });
  after(async () => {
    await Promise.race([session.browser?.close(), sleep(30_000)]);
  });
  return session;
}

/** Resolves to `value` after `ms`, without keeping the process alive for it. */
export const sleep = (ms, value) => new Promise((resolve) => setTimeout(resolve, ms, value).unref());

/** Collects console errors, uncaught exceptions, crashes and failed requests into page.hostsideErrors. */
function watchErrors(page, allowErrors) {
  page.hostsideErrors = [];
  const record = (text) => {
    if (!allowErrors.some((re) => re.test(text))) page.hostsideErrors.push(text);
  };
  // The browser asks for /favicon.ico by itself when a page names no icon (the embedding
  // example page, say); that 404 is not the app's.
  const favicon = (u) => /\/favicon\.ico(\?|$)/.test(u ?? '');
  page.on('console', (msg) => {
    if (msg.type() === 'error') {
      const loc = msg.location();
      if (favicon(loc?.url)) return;
      record(`console.error: ${msg.text()}${loc?.url ? ` (${loc.url}:${loc.lineNumber})` : ''}`);
    }
  });
  page.on('pageerror', (err) => record(`uncaught: ${err.stack || err.message || err}`));
  page.on('crash', () => record('the page crashed'));
  page.on('requestfailed', (req) => {
    const failure = req.failure()?.errorText ?? '';
    // Navigating away aborts what is still loading; that is not the app's fault.
    if (!/ERR_ABORTED/.test(failure)) record(`request failed: ${req.url()} ${failure}`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400 && !favicon(res.url())) record(`HTTP ${res.status()} for ${res.url()}`);
  });
  page.on('worker', (worker) => {
    worker.on('console', (msg) => {
      if (msg.type() === 'error') record(`worker console.error: ${msg.text()}`);
    });
  });
}

// ----- the app's state ----------------------------------------------------------------------

/** `{state, seq, elapsedMs, text}` of `[data-testid=status]` (seq -1 before any result). */
export async function readStatus(pageOrFrame) {
  return pageOrFrame.evaluate(() => {
    const s = document.querySelector('[data-testid=status]');
    if (!s) return { state: null, seq: -1, elapsedMs: null, text: '' };
    const seq = Number.parseInt(s.getAttribute('data-seq') ?? '', 10);
    const elapsed = Number.parseFloat(s.getAttribute('data-elapsed-ms') ?? '');
    return {
      state: s.getAttribute('data-state'),
      seq: Number.isFinite(seq) ? seq : -1,
      elapsedMs: Number.isFinite(elapsed) ? elapsed : null,
      text: s.textContent.trim(),
    };
  });
}

/**
 * Waits until `[data-testid=status]` shows a finished result (data-state "done" or "error")
 * whose data-seq is above `afterSeq`; returns readStatus(). Works on a Page or a Frame.
 */
export async function waitForResult(pageOrFrame, { afterSeq = -1, timeout = RESULT_TIMEOUT } = {}) {
  try {
    await pageOrFrame.waitForFunction(
      (after) => {
        const s = document.querySelector('[data-testid=status]');
        if (!s) return false;
        const state = s.getAttribute('data-state');
        const seq = Number.parseInt(s.getAttribute('data-seq') ?? '', 10);
        return (state === 'done' || state === 'error') && Number.isFinite(seq) && seq > after;
      },
      afterSeq,
      { timeout, polling: 50 },
    );
  } catch (err) {
    const now = await readStatus(pageOrFrame).catch(() => null);
    throw new Error(`no result with data-seq > ${afterSeq} within ${timeout} ms; status now ${JSON.stringify(now)}`, {
      cause: err,
    });
  }
  return readStatus(pageOrFrame);
}

/** Opens the playground (optionally `?example=<id>` etc.) and waits for `[data-testid=app]`. */
export async function openPlayground(page, query = '') {
  await page.goto(url(query), { waitUntil: 'load' });
  await waitForApp(page);
}

/** Waits for `[data-testid=app]`, failing fast when the page rendered something else for 5 s. */
export async function waitForApp(page) {
  const found = await page.waitForFunction(
    () => {
      if (document.querySelector('[data-testid=app]')) return 'app';
      const rendered = [...document.body.children].some((el) => !['NOSCRIPT', 'SCRIPT', 'LINK'].includes(el.tagName));
      if (!rendered) return false;
      window.__hostsideRenderedAt ??= performance.now();
      return performance.now() - window.__hostsideRenderedAt > 5000 ? 'other' : false;
    },
    null,
    { timeout: RESULT_TIMEOUT, polling: 100 },
  );
  assert.equal(await found.jsonValue(), 'app', 'the page renders [data-testid=app] (is dist/ the playground?)');
}

export function editor(page) {
  return page.locator('textarea[data-testid=editor]');
}

/**
 * Replaces the editor's text with locator.fill, which types it in (firing `input`, about
 * once per line). For small texts; large ones take minutes that way: use pasteText.
 */
export async function setEditor(page, text) {
  await editor(page).fill(text);
}

/**
 * Replaces the editor's text the way a paste of the whole text arrives: everything
 * selected, a cancelable `paste` event carrying the text in clipboardData; unless the app
 * cancels it (to take the text its own way), the browser's part follows: the new value,
 * then one `input` event (inputType insertFromPaste), in the same task. With `generate: N`
 * the page itself builds an N-byte YAML document (a ConfigMap with one huge value) instead
 * of receiving `text` over the DevTools connection.
 */
export async function pasteText(page, text, { generate = null } = {}) {
  await editor(page).evaluate(
    (area, { text, generate }) => {
      if (generate) {
        const head = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: huge\ndata:\n  big: ';
        text = head + 'x'.repeat(generate - head.length - 1) + '\n';
      }
      area.focus();
      area.select();
      const clipboardData = new DataTransfer();
      clipboardData.setData('text/plain', text);
      const paste = new ClipboardEvent('paste', { clipboardData, bubbles: true, cancelable: true });
      if (!area.dispatchEvent(paste)) return;
      area.value = text;
      area.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste' }));
    },
    { text, generate },
  );
}

/** Sets the editor's text (setEditor, or pasteText with `paste`) and waits for its result. */
export async function setEditorAndWait(page, text, { paste = false } = {}) {
  const { seq } = await readStatus(page);
  await (paste ? pasteText(page, text) : setEditor(page, text));
  return waitForResult(page, { afterSeq: seq });
}

export async function editorText(page) {
  return editor(page).inputValue();
}

/** Picks an example in `select[data-testid=examples]` and waits for its result. */
export async function loadExample(page, id) {
  const { seq } = await readStatus(page);
  await page.selectOption('select[data-testid=examples]', id);
  return waitForResult(page, { afterSeq: seq });
}

/** Clicks a results tab (`host-objects`, `verdicts`, `findings`, `events`) and waits for its pane. */
export async function openTab(pageOrFrame, name) {
  const tab = pageOrFrame.locator(`[data-testid=tab-${name}]`);
  await tab.click();
  await pageOrFrame.locator(`[data-testid=pane-${name}]`).waitFor({ state: 'visible' });
  assert.equal(await tab.getAttribute('aria-selected'), 'true', `tab-${name} is selected after clicking it`);
}

/** The page's text plus every tab's pane (each tab clicked in turn). */
export async function allResultText(pageOrFrame) {
  let text = await pageOrFrame.evaluate(() => document.body.innerText);
  for (const name of TABS) {
    await openTab(pageOrFrame, name);
    text += '\n' + (await pageOrFrame.locator(`[data-testid=pane-${name}]`).innerText());
  }
  return text;
}

/** `<html data-theme>`. */
export function theme(page) {
  return page.evaluate(() => document.documentElement.getAttribute('data-theme'));
}

/** Writes `<HOSTSIDE_SCREENSHOTS>/<name>.png` (full page). */
export async function screenshot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, name.endsWith('.png') ? name : `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** 1-based number of the first line of `text` that contains `needle`. */
export function lineOf(text, needle) {
  const index = text.split('\n').findIndex((line) => line.includes(needle));
  assert.notEqual(index, -1, `no line contains ${JSON.stringify(needle)}`);
  return index + 1;
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Merges `figures` into the HOSTSIDE_MEASUREMENTS file (one key per line, for xtask to print). */
const measured = {};
export function recordMeasurements(figures) {
  Object.assign(measured, figures);
  mkdirSync(path.dirname(MEASUREMENTS), { recursive: true });
  const lines = Object.entries(measured).map(([key, value]) => `  ${JSON.stringify(key)}: ${JSON.stringify(value)}`);
  writeFileSync(MEASUREMENTS, `{\n${lines.join(',\n')}\n}\n`);
}
