// Share links: the link carries text and settings into a fresh browser, and opening a link
// never loses the text the user had saved locally.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  TEST_TIMEOUT,
  editor,
  editorText,
  openPlayground,
  readStatus,
  setEditorAndWait,
  useBrowser,
  waitForResult,
} from './harness.mjs';

const session = useBrowser();
const VERSION = 'select[data-testid=setting-vcluster-version]';

/** Clicks copy-link and returns the share URL shown, after checking its length note. */
async function copyLink(page) {
  await page.locator('button[data-testid=copy-link]').click();
  const field = page.locator('input[data-testid=share-url]');
  await field.waitFor();
  assert.notEqual(await field.getAttribute('readonly'), null, 'the share URL field is read-only');
  const link = await field.inputValue();
  assert.ok(link.includes('#v1.'), `the link carries a #v1. fragment: ${link}`);
  assert.match(await page.locator('[data-testid=share-length]').innerText(), /\d+ characters/);
  return link;
}

/** Example 03 with vcluster 0.20; returns the page, its text and its share link. */
async function sharedExample(page) {
  await openPlayground(page, '?example=03-wordpress-mariadb');
  const first = await waitForResult(page);
  await page.selectOption(VERSION, '0.20');
  await waitForResult(page, { afterSeq: first.seq });
  return { text: await editorText(page), link: await copyLink(page) };
}

test('a share link restores text and settings in a new browser context', { timeout: TEST_TIMEOUT }, async () => {
  const page = await session.newPage();
  const { text, link } = await sharedExample(page);

  const other = await session.newPage({ context: await session.newContext() });
  await other.goto(link, { waitUntil: 'load' });
  await waitForResult(other);
  assert.equal(await editorText(other), text, 'the editor holds the shared text');
  assert.equal(await other.inputValue(VERSION), '0.20', 'the shared setting is applied');
  assert.equal(await other.locator('[data-testid=restore-banner]').count(), 0, 'nothing local to restore');
});

test('opening a share link keeps the locally saved text one click away', { timeout: TEST_TIMEOUT }, async () => {
  const context = await session.newContext();
  const page = await session.newPage({ context });
  const { text: shared, link } = await sharedExample(page);

  // Work of one's own in the same browser: typed, evaluated, saved locally.
  await setEditorAndWait(page, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: mine\ndata:\n  k: v\n');
  const { seq } = await readStatus(page);
  await editor(page).press('Control+End');
  await page.keyboard.type('  # my own edit\n', { delay: 20 });
  await waitForResult(page, { afterSeq: seq });
  const saved = await editorText(page);
  assert.ok(saved.includes('# my own edit'));
  // The app saves to localStorage (debounced); wait until some entry holds the text.
  await page
    .waitForFunction(() => Object.values(localStorage).some((v) => v.includes('my own edit')), null, { timeout: 5000 })
    .catch(() => page.waitForTimeout(1000));

  const second = await session.newPage({ context });
  await second.goto(link, { waitUntil: 'load' });
  await waitForResult(second);
  assert.equal(await editorText(second), shared, 'the link’s text is shown');
  const banner = second.locator('[data-testid=restore-banner]');
  await banner.waitFor();
  assert.equal(await banner.locator('[data-testid=restore-keep-link]').count(), 1);

  const { seq: beforeRestore } = await readStatus(second);
  await banner.locator('[data-testid=restore-back]').click();
  assert.equal(await editorText(second), saved, 'restore-back brings the saved text back');
  await waitForResult(second, { afterSeq: beforeRestore });
});
