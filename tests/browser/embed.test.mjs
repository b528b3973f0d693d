// Embedding: dist/embed-example.html frames `?embed=1&example=06-nginx-port-80`; the app
// renders its result inside the frame and tells the parent its height.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TEST_TIMEOUT, allResultText, screenshot, url, useBrowser, waitForResult } from './harness.mjs';

const session = useBrowser();

test('the embedded playground shows its result and resizes its iframe', { timeout: TEST_TIMEOUT }, async () => {
  const page = await session.newPage();
  // In the top document only: note the iframe's height before the app can report its own,
  // and every hostside:resize message.
  await page.addInitScript(() => {
    if (window.top !== window) return;
    window.__resizes = [];
    window.addEventListener('message', (event) => {
      if (event.data && event.data.type === 'hostside:resize') window.__resizes.push(event.data.height);
    });
    document.addEventListener('DOMContentLoaded', () => {
      const frame = document.querySelector('iframe');
      window.__initialHeight = frame ? frame.getBoundingClientRect().height : null;
    });
  });
  await page.goto(url('embed-example.html'), { waitUntil: 'domcontentloaded' });
  const initial = await page.evaluate(() => window.__initialHeight);
  assert.ok(initial > 0, `the example page has an iframe (initial height ${initial})`);

  const frameElement = await page.waitForSelector('iframe');
  const frame = await frameElement.contentFrame();
  assert.ok(frame, 'the iframe has a frame');
  const inFrame = page.frameLocator('iframe');
  await inFrame.locator('[data-testid=app]').waitFor({ timeout: 60_000 });
  const status = await waitForResult(frame);
  assert.equal(status.state, 'done', status.text);
  assert.equal(await inFrame.locator('[data-testid=app]').getAttribute('data-embed'), 'true');
  const text = await allResultText(frame);
  assert.ok(text.includes('violates PodSecurity "restricted:latest"'), 'the frame shows the example’s outcome');

  await page.waitForFunction(
    (before) => document.querySelector('iframe').getBoundingClientRect().height > before,
    initial,
    { timeout: 10_000 },
  ).catch(() => {});
  const height = await page.evaluate(() => document.querySelector('iframe').getBoundingClientRect().height);
  const resizes = await page.evaluate(() => window.__resizes);
  assert.ok(resizes.length > 0, 'the app posted hostside:resize messages to its parent');
  assert.ok(
    height > initial,
    `the iframe grew from ${initial}px (now ${height}px; messages ${JSON.stringify(resizes)})`,
  );
  await screenshot(page, 'embed-example');
});
