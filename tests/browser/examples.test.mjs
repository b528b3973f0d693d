// Every example of the playground: open `?example=<id>`, wait for the result, find the key
// outcome in the page (clicking through every tab), screenshot it light and dark.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  NARROW_VIEWPORT,
  TEST_TIMEOUT,
  allResultText,
  openPlayground,
  screenshot,
  theme,
  useBrowser,
  waitForResult,
} from './harness.mjs';

const session = useBrowser();

/** What each example must show somewhere (page text plus every pane). */
const OUTCOMES = [
  {
    id: '01-vcluster-install',
    settings: { 'setting-target': 'host', 'setting-host': 'compliant-kubernetes-v0.19' },
    texts: ['[denied by require-harbor-repo]'],
  },
  {
    id: '02-fluentd-daemonset',
    texts: ['hostPath volumes are not allowed to be used', 'Error syncing to physical cluster'],
  },
  {
    id: '03-wordpress-mariadb',
    texts: ['my-wordpress-mariadb-0-x-default-x-my-vcluster', 'No matching networkpolicy found'],
  },
  {
    id: '04-service-mesh-sidecar',
    texts: [
      'non-default capabilities (container "istio-init" must not include "NET_ADMIN", "NET_RAW" in securityContext.capabilities.add)',
    ],
  },
  {
    id: '05-operator-development',
    texts: ['-x-widgets-system-x-my-vcluster'],
    summary: /\b0 denied\b/,
  },
  {
    id: '06-nginx-port-80',
    texts: ['violates PodSecurity "restricted:latest"'],
  },
];

for (const { id, settings = {}, texts, summary } of OUTCOMES) {
  test(`example ${id} shows its outcome, light and dark`, { timeout: TEST_TIMEOUT }, async () => {
    const page = await session.newPage();
    await openPlayground(page, `?example=${encodeURIComponent(id)}`);
    const status = await waitForResult(page);
    assert.equal(status.state, 'done', `the example evaluates (status: ${status.text})`);
    assert.equal(await page.inputValue('select[data-testid=examples]'), id, 'the examples menu names the example');
    const text = await page.locator('textarea[data-testid=editor]').inputValue();
    assert.notEqual(text.trim(), '', 'the editor holds the example');
    for (const [testid, value] of Object.entries(settings)) {
      assert.equal(await page.inputValue(`[data-testid=${testid}]`), value, `${testid} is set by the example`);
    }
    if (summary) {
      assert.match(await page.locator('[data-testid=summary]').innerText(), summary);
    }

    const shown = await allResultText(page);
    for (const expected of texts) {
      assert.ok(shown.includes(expected), `the page shows ${JSON.stringify(expected)}`);
    }

    // Screenshots with the host objects pane in front, light then dark.
    await page.locator('[data-testid=tab-host-objects]').click();
    let before = await theme(page);
    if (before === 'dark') {
      await page.locator('[data-testid=theme-toggle]').click();
      before = await theme(page);
    }
    assert.equal(before, 'light', '<html data-theme> starts light with a light colour scheme');
    await screenshot(page, `${id}-light`);
    await page.locator('[data-testid=theme-toggle]').click();
    await page.waitForFunction(() => document.documentElement.getAttribute('data-theme') === 'dark');
    await screenshot(page, `${id}-dark`);
  });
}

test('a phone-sized viewport has no horizontal scrollbar', { timeout: TEST_TIMEOUT }, async () => {
  const page = await session.newPage({ viewport: NARROW_VIEWPORT });
  await openPlayground(page, '?example=03-wordpress-mariadb');
  await waitForResult(page);
  await screenshot(page, '03-wordpress-mariadb-narrow');
  const widths = await page.evaluate(() => ({
    body: [document.body.scrollWidth, document.body.clientWidth],
    html: [document.documentElement.scrollWidth, document.documentElement.clientWidth],
  }));
  assert.ok(widths.body[0] <= widths.body[1] + 1, `body scrollWidth ${widths.body[0]} > clientWidth ${widths.body[1]}`);
  assert.ok(widths.html[0] <= widths.html[1] + 1, `html scrollWidth ${widths.html[0]} > clientWidth ${widths.html[1]}`);
});
