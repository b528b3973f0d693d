// Hostile input: a 50 MB document and a billion-laughs alias bomb. The page must stay
// responsive while the worker evaluates, keep accepting keystrokes, and end with a
// visible message, without crashing or throwing.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  TEST_TIMEOUT,
  editor,
  openPlayground,
  openTab,
  pasteText,
  readStatus,
  setEditorAndWait,
  sleep,
  useBrowser,
} from './harness.mjs';

const session = useBrowser();
const MB = 1024 * 1024;

/** The classic billion laughs: 9 levels of 9 aliases each (9^9 "lol"s once expanded). */
function aliasBomb() {
  const names = 'abcdefghi';
  const lines = [`a: &a [${Array(9).fill('"lol"').join(',')}]`];
  for (let i = 1; i < names.length; i++) {
    lines.push(`${names[i]}: &${names[i]} [${Array(9).fill(`*${names[i - 1]}`).join(',')}]`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * For `ms` milliseconds, the main thread answers page.evaluate within 2 s each time. A late
 * answer fails the test with how late it was (waiting up to 2 minutes to find out).
 */
async function staysResponsive(page, ms) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const started = Date.now();
    const answer = page.evaluate(() => 1);
    if ((await Promise.race([answer, sleep(2000, 'late')])) === 'late') {
      await Promise.race([answer, sleep(120_000)]).catch(() => {});
      const took = Date.now() - started;
      assert.fail(`page.evaluate(() => 1) took ${took} ms (more than 2 s): the main thread was blocked`);
    }
    await sleep(200);
  }
}

/** The editor still takes keystrokes: type at the very start, check the length grew. */
async function typingWorks(page) {
  const before = await editor(page).evaluate((area) => {
    area.focus();
    area.setSelectionRange(0, 0);
    return area.value.length;
  });
  await page.keyboard.type('#');
  await page.waitForFunction(
    (n) => document.querySelector('textarea[data-testid=editor]').value.length === n + 1,
    before,
    { timeout: 10_000 },
  );
}

/**
 * Ends with a new result, or with status `error` (an app may refuse the input before
 * evaluating it), and something to read: a finding or the status text.
 */
async function endsWithMessage(page, afterSeq) {
  await page.waitForFunction(
    (after) => {
      const s = document.querySelector('[data-testid=status]');
      const seq = Number.parseInt(s?.getAttribute('data-seq') ?? '', 10);
      return s?.dataset.state === 'error' || (s?.dataset.state === 'done' && seq > after);
    },
    afterSeq,
    { timeout: 120_000, polling: 100 },
  );
  const status = await readStatus(page);
  await openTab(page, 'findings');
  const findings = page.locator('[data-testid=finding]');
  const visible = (await findings.count()) > 0 && (await findings.first().isVisible());
  assert.ok(visible || status.text.length > 0, `a visible message explains it (status ${JSON.stringify(status)})`);
}

/** And the page recovers: a small document evaluates normally again. */
async function recovers(page) {
  const status = await setEditorAndWait(page, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: small\n');
  assert.equal(status.state, 'done', status.text);
}

test('a 50 MB document leaves the page responsive', { timeout: 300_000 }, async () => {
  const page = await session.newPage();
  await openPlayground(page);
  const { seq } = await readStatus(page);
  await pasteText(page, '', { generate: 50 * MB });
  await staysResponsive(page, 4000);
  await typingWorks(page);
  await staysResponsive(page, 2000);
  await endsWithMessage(page, seq);
  await recovers(page);
});

test('an alias bomb leaves the page responsive', { timeout: TEST_TIMEOUT }, async () => {
  const page = await session.newPage();
  await openPlayground(page);
  const { seq } = await readStatus(page);
  await pasteText(page, aliasBomb());
  await staysResponsive(page, 3000);
  await typingWorks(page);
  await endsWithMessage(page, seq);
  await recovers(page);
});
