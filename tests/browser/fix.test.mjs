// A finding's fix applies to the editor text and the host's verdict follows.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TEST_TIMEOUT, editorText, openPlayground, openTab, useBrowser, waitForResult } from './harness.mjs';

const session = useBrowser();

/** The host pods of scenario 06's Deployment `web` in namespace `web` (names carry the template hash). */
const isWebPod = (hostObject) => /\/web-[a-z0-9]+-[a-z0-9]{5}-x-web-x-my-vcluster$/.test(hostObject);

async function webPodVerdicts(page) {
  await openTab(page, 'verdicts');
  const verdicts = await page
    .locator('[data-testid=verdict][data-allowed]')
    .evaluateAll((els) => els.map((e) => [e.dataset.hostObject, e.dataset.allowed]));
  return verdicts.filter(([name]) => isWebPod(name));
}

test('applying the Pod Security fix of 06-nginx-port-80 gets the pod admitted', { timeout: TEST_TIMEOUT }, async () => {
  const page = await session.newPage();
  await openPlayground(page, '?example=06-nginx-port-80');
  const first = await waitForResult(page);
  assert.ok(!(await editorText(page)).includes('allowPrivilegeEscalation: false'));

  const before = await webPodVerdicts(page);
  assert.ok(before.length > 0, 'the Deployment’s pods have verdicts');
  assert.deepEqual(new Set(before.map(([, allowed]) => allowed)), new Set(['false']), 'the pods are denied');

  await openTab(page, 'findings');
  const findings = page.locator('[data-testid=finding]');
  const index = await findings.evaluateAll((els) =>
    els.findIndex(
      (e) =>
        (e.dataset.rule.startsWith('host-admission/') || e.dataset.rule.includes('pod-security')) &&
        e.querySelector('button[data-testid=apply-fix]'),
    ),
  );
  assert.notEqual(index, -1, 'a Pod Security finding offers a fix (button[data-testid=apply-fix])');
  const finding = findings.nth(index);
  await finding.locator('button[data-testid=apply-fix]').click();
  await waitForResult(page, { afterSeq: first.seq });

  assert.ok((await editorText(page)).includes('allowPrivilegeEscalation: false'), 'the fix edited the text');
  const after = await webPodVerdicts(page);
  assert.ok(after.length > 0, 'the fixed Deployment’s pods have verdicts');
  assert.deepEqual(new Set(after.map(([, allowed]) => allowed)), new Set(['true']), 'the pods are admitted');
});
