// Editing: results follow the text, unknown fields get gutter markers, fast typing never
// leaves a stale result on screen, and a finding leads back to its line.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  TEST_TIMEOUT,
  RESULT_TIMEOUT,
  editor,
  editorText,
  lineOf,
  openPlayground,
  openTab,
  readStatus,
  setEditorAndWait,
  useBrowser,
  waitForResult,
} from './harness.mjs';

const session = useBrowser();

/** A Pod `demo` in namespace team-a (the Namespace too, so that nothing else is flagged). */
const pod = ({ name = 'demo', extra = '' } = {}) => `apiVersion: v1
kind: Namespace
metadata:
  name: team-a
---
apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: team-a
spec:
  containers:
  - name: app
    image: nginx:1.27
${extra}`;

/** The host pod of `pod({name})` with the default settings. */
const hostPod = (name) => `vcluster-my-vcluster/${name}-x-team-a-x-my-vcluster`;
const hostObject = (name) => `[data-testid=host-object][data-name="${hostPod(name)}"]`;

test('a pasted Pod becomes its host pod', { timeout: TEST_TIMEOUT }, async () => {
  const page = await session.newPage();
  await openPlayground(page);
  const status = await setEditorAndWait(page, pod());
  assert.equal(status.state, 'done', status.text);
  await openTab(page, 'host-objects');
  await page.locator(hostObject('demo')).waitFor();
  assert.equal(await page.locator(hostObject('demo')).getAttribute('data-kind'), 'Pod');
});

test('an unknown field gets a gutter marker on its line', { timeout: TEST_TIMEOUT }, async () => {
  const page = await session.newPage();
  await openPlayground(page);
  const text = pod({ extra: '    imagee: nginx\n' });
  const line = lineOf(text, 'imagee:');
  await setEditorAndWait(page, text);
  const marker = page.locator(`[data-testid=gutter-marker][data-line="${line}"]`);
  await marker.first().waitFor();
  assert.match((await marker.first().getAttribute('data-severity')) ?? '', /^(warning|error)$/);
  // And nowhere else: the rest of the input is fine.
  const lines = await page.locator('[data-testid=gutter-marker]').evaluateAll((els) => els.map((e) => e.dataset.line));
  assert.deepEqual([...new Set(lines)], [String(line)]);
});

test('fast typing ends on the result of the final text', { timeout: TEST_TIMEOUT }, async () => {
  const page = await session.newPage();
  await openPlayground(page);
  await setEditorAndWait(page, pod());
  await openTab(page, 'host-objects');
  await page.locator(hostObject('demo')).waitFor();

  // Record every data-seq the status shows from now on.
  await page.evaluate(() => {
    const status = document.querySelector('[data-testid=status]');
    window.__seqs = [];
    const note = () => window.__seqs.push(Number.parseInt(status.getAttribute('data-seq'), 10));
    new MutationObserver(note).observe(status, { attributes: true, attributeFilter: ['data-seq'] });
  });
  // Caret right after `name: demo`, then type: bursts faster than the debounce, and
  // single keys slower than it, so that evaluations overlap with newer edits.
  await page.evaluate(() => {
    const area = document.querySelector('textarea[data-testid=editor]');
    const at = area.value.indexOf('name: demo') + 'name: demo'.length;
    area.focus();
    area.setSelectionRange(at, at);
  });
  const before = await readStatus(page);
  await page.keyboard.type('abc', { delay: 10 });
  await page.keyboard.type('def', { delay: 180 });
  await page.keyboard.type('ghi', { delay: 5 });
  const finalName = 'demoabcdefghi';
  assert.equal(await editorText(page), pod({ name: finalName }));

  await page.locator(hostObject(finalName)).waitFor({ timeout: RESULT_TIMEOUT });
  await waitForResult(page, { afterSeq: before.seq });
  // Give any stale result time to (wrongly) arrive, then check nothing replaced the final one.
  await page.waitForTimeout(1500);
  const names = await page
    .locator('[data-testid=host-object][data-kind=Pod]')
    .evaluateAll((els) => els.map((e) => e.dataset.name));
  assert.deepEqual(names, [hostPod(finalName)], 'only the final text’s host pod is shown');
  const seqs = await page.evaluate(() => window.__seqs);
  assert.ok(seqs.length > 0, 'the status changed');
  for (let i = 1; i < seqs.length; i++) {
    assert.ok(seqs[i] > seqs[i - 1], `data-seq increases: ${JSON.stringify(seqs)}`);
  }
  assert.equal((await readStatus(page)).state, 'done');
});

test('clicking a finding selects its line in the editor', { timeout: TEST_TIMEOUT }, async () => {
  const page = await session.newPage();
  await openPlayground(page);
  const text = pod({ extra: '    imagee: nginx\n' });
  const line = lineOf(text, 'imagee:');
  await setEditorAndWait(page, text);
  await openTab(page, 'findings');
  const finding = page.locator(`[data-testid=finding][data-line="${line}"]`).first();
  await finding.waitFor();
  // Move the caret away first, so that the click has something to do.
  await editor(page).evaluate((area) => area.setSelectionRange(0, 0));
  await finding.click();
  const selection = await editor(page).evaluate((area) => ({
    start: area.selectionStart,
    end: area.selectionEnd,
    value: area.value,
  }));
  const lines = selection.value.split('\n');
  const lineStart = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
  const lineEnd = lineStart + lines[line - 1].length;
  assert.ok(
    selection.start >= lineStart && selection.start <= lineEnd,
    `selectionStart ${selection.start} lies on line ${line} (${lineStart}..${lineEnd})`,
  );
});
