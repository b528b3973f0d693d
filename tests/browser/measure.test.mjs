// Figures, not assertions: time to the first result, and re-evaluation times for a
// 300-line input and the 1 MB Argo CD install. Written to HOSTSIDE_MEASUREMENTS (xtask
// prints them); the only bound is a sanity limit of 60 s.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import {
  SHARED,
  TEST_TIMEOUT,
  editor,
  median,
  openPlayground,
  readStatus,
  recordMeasurements,
  setEditorAndWait,
  url,
  useBrowser,
  waitForApp,
  waitForResult,
} from './harness.mjs';

const session = useBrowser();
const SANITY_MS = 60_000;
const EDITS = 7;
const ARGO_CD = path.join(SHARED, 'corpus', 'real', 'argo-cd-v2.7.18-install.yaml');

const round = (ms) => (ms == null ? null : Math.round(ms * 10) / 10);

test('navigation to the first result (03-wordpress-mariadb)', { timeout: TEST_TIMEOUT }, async () => {
  recordMeasurements({ chromium: session.browser.version() });
  const page = await session.newPage();
  const started = Date.now();
  await page.goto(url('?example=03-wordpress-mariadb'), { waitUntil: 'commit' });
  await waitForApp(page);
  await waitForResult(page, { timeout: SANITY_MS });
  const wall = Date.now() - started;
  const app = await page.locator('[data-testid=app]').getAttribute('data-first-result-ms');
  const nav = await page.evaluate(() => {
    const [entry] = performance.getEntriesByType('navigation');
    return entry ? { domContentLoaded: entry.domContentLoadedEventEnd, load: entry.loadEventEnd } : {};
  });
  assert.ok(wall < SANITY_MS);
  recordMeasurements({
    first_result: {
      example: '03-wordpress-mariadb',
      app_first_result_ms: app == null || app === '' ? null : round(Number(app)),
      test_wall_ms: wall,
      dom_content_loaded_ms: round(nav.domContentLoaded),
      load_ms: round(nav.load),
    },
  });
});

/** About 300 lines: 10 Deployments of 30 lines, then a line the edits type into. */
function threeHundredLines() {
  const docs = [];
  for (let i = 0; i < 10; i++) {
    docs.push(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-${i}
  namespace: default
  labels:
    app: app-${i}
    tier: backend
spec:
  replicas: 2
  selector:
    matchLabels:
      app: app-${i}
  template:
    metadata:
      labels:
        app: app-${i}
        tier: backend
    spec:
      containers:
      - name: app
        image: registry.example.com/app-${i}:1.0.${i}
        ports:
        - containerPort: 8080
        resources:
          requests: {cpu: 50m, memory: 64Mi}
          limits: {cpu: 200m, memory: 128Mi}
        securityContext:
          allowPrivilegeEscalation: false
          runAsNonRoot: true`);
  }
  return `${docs.join('\n---\n')}\n`;
}

/**
 * Pastes `text`, then makes EDITS one-key edits at the end of a trailing comment line and
 * measures, for each, the worker's evaluation time (data-elapsed-ms) and the wall time
 * from the key press to the rendered result (which includes the ~150 ms debounce).
 */
async function measureEdits(page, text) {
  const status = await setEditorAndWait(page, `${text}# edits: `, { paste: true });
  assert.equal(status.state, 'done', status.text);
  const worker = [];
  const wall = [];
  for (let i = 0; i < EDITS; i++) {
    await editor(page).evaluate((area) => {
      area.focus();
      area.setSelectionRange(area.value.length, area.value.length);
    });
    const { seq } = await readStatus(page);
    const started = Date.now();
    await page.keyboard.type(String(i));
    const result = await waitForResult(page, { afterSeq: seq, timeout: SANITY_MS });
    wall.push(Date.now() - started);
    worker.push(round(result.elapsedMs));
  }
  const known = worker.filter((ms) => ms != null);
  return {
    lines: text.split('\n').length,
    bytes: Buffer.byteLength(text),
    edits: EDITS,
    worker_median_ms: known.length ? round(median(known)) : null,
    wall_median_ms: median(wall),
    worker_ms: worker,
    wall_ms: wall,
  };
}

test('re-evaluation of a 300-line input', { timeout: TEST_TIMEOUT }, async () => {
  const page = await session.newPage();
  await openPlayground(page);
  const figures = await measureEdits(page, threeHundredLines());
  recordMeasurements({ reevaluate_300_lines: figures });
  assert.ok(figures.wall_median_ms < SANITY_MS);
});

test('re-evaluation of the 1 MB Argo CD install', { timeout: 600_000 }, async (t) => {
  if (!existsSync(ARGO_CD)) {
    t.skip(`${ARGO_CD} not found (set HOSTSIDE_SHARED)`);
    return;
  }
  const page = await session.newPage();
  await openPlayground(page);
  const figures = await measureEdits(page, readFileSync(ARGO_CD, 'utf8'));
  recordMeasurements({ reevaluate_argo_cd_1mb: { file: path.basename(ARGO_CD), ...figures } });
  assert.ok(figures.wall_median_ms < SANITY_MS);
});
