// The infrastructure itself: the served dist/ loads in headless Chromium without errors,
// the wasm arrives with its MIME type, and the server's headers allow embedding.
// Independent of the DOM contract, so it passes with any build of the playground.

import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';
import { BASE_URL, TEST_TIMEOUT, screenshot, url, useBrowser } from './harness.mjs';

const session = useBrowser();

test('the playground loads without errors', { timeout: TEST_TIMEOUT }, async () => {
  const page = await session.newPage();
  const types = new Map();
  page.on('response', (res) => types.set(new URL(res.url()).pathname, res.headers()['content-type'] ?? ''));
  const response = await page.goto(url(), { waitUntil: 'load' });
  assert.equal(response.status(), 200);
  // The app has started once it rendered something besides <noscript> into <body>.
  await page.waitForFunction(
    () => [...document.body.children].some((el) => !['NOSCRIPT', 'SCRIPT', 'LINK'].includes(el.tagName)),
    null,
    { timeout: 60_000 },
  );
  const wasm = [...types].filter(([p]) => p.endsWith('.wasm'));
  assert.ok(wasm.length > 0, 'the page fetched its .wasm');
  for (const [p, type] of wasm) assert.equal(type, 'application/wasm', `${p} is served as application/wasm`);
  for (const [p, type] of types) {
    if (p.endsWith('.js')) assert.match(type, /^application\/javascript/, `${p} is served as JavaScript`);
  }
  assert.ok((await page.title()).length > 0, 'the page has a title');
  await screenshot(page, 'smoke');
});

test('the server answers with no-store, no frame restrictions, and 404s', async () => {
  const index = await fetch(url('?example=06-nginx-port-80'));
  assert.equal(index.status, 200);
  assert.match(index.headers.get('content-type'), /^text\/html/);
  assert.equal(index.headers.get('cache-control'), 'no-store');
  assert.equal(index.headers.get('x-frame-options'), null);
  assert.equal(index.headers.get('content-security-policy'), null);
  assert.equal((await fetch(url('no-such-file.js'))).status, 404);
  // fetch() normalises `..` and `%2e%2e` (WHATWG URLs); node:http sends the path as it is.
  for (const hostile of ['/../Cargo.toml', '/%2e%2e/Cargo.toml', '/x/..%2f..%2fCargo.toml']) {
    assert.equal(await rawStatus(hostile), 403, hostile);
  }
});

/** The status of a GET for `path`, sent verbatim (no URL normalisation). */
function rawStatus(path) {
  const { hostname, port } = new URL(BASE_URL);
  return new Promise((resolve, reject) => {
    http
      .get({ hostname, port, path }, (res) => {
        res.resume();
        resolve(res.statusCode);
      })
      .on('error', reject);
  });
}
