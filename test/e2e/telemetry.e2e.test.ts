import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ARTIFACTS, openLabInChromium, type LabInChromium } from './labInChromium';
import { buildCompactor } from '../support/compactor';

// The Telemetry panel end to end: the real CLI serves the UI, Chromium starts sampling this
// machine at 10 Hz through LabApi over the WebSocket, live charts draw, the run is stored.
/** The page's DOM, inside waitForFunction callbacks (this file is type-checked without DOM types). */
declare const document: { querySelector(s: string): { textContent: string | null; getAttribute(a: string): string | null } | null };
/** Each test is a long flow of UI steps, each bounded by its own wait: the test only bounds their sum (a loaded CI machine is slow, not broken). */
const E2E_FLOW_BOUND_MS = 180_000;
let lab: LabInChromium | undefined;
let serve: LabInChromium['serve'];
let page: Page;
const work = mkdtempSync(join(tmpdir(), 'numalab-e2e-tel-'));
let compact: (mib: number) => number;

beforeAll(async () => {
  compact = buildCompactor(work);
  lab = await openLabInChromium('tel', { width: 1400, height: 1000 });
  ({ serve, page } = lab);
});
afterAll(async () => {
  await lab?.close();
  rmSync(work, { recursive: true, force: true });
});

const liveSamples = async () => Number(/(\d+) samples live/.exec((await page.getByTestId('telemetry-status').textContent()) ?? '')?.[1] ?? 0);
const waitSamples = (n: number) =>
  page.waitForFunction(
    (min) => {
      const s = document.querySelector('[data-testid="telemetry-status"]')?.textContent ?? '';
      return Number(/(\d+) samples live/.exec(s)?.[1] ?? 0) >= min;
    },
    n,
    { timeout: 30000 },
  );
/** Points of a chart's first drawn line (recharts' path: M x,y L x,y ...). */
const pointsOf = async (testId: string) => ((await page.getByTestId(testId).locator('path.recharts-line-curve').first().getAttribute('d')) ?? '').split(/[LC]/).length;

describe('the Telemetry panel in Chromium', () => {
  it('samples the local host at 10 Hz live, charts points with units, and stores the run', async () => {
    await page.goto(serve.url);
    await page.getByTestId('tab-telemetry').click();
    await page.getByTestId('telemetry-rate').selectOption('10');
    await page.getByTestId('telemetry-start').click();
    await page.getByTestId('telemetry-stop').waitFor({ timeout: 15000 });
    // numa_hit moves on any running machine: its chart (family NUMA, unit allocations) appears.
    const chart = page.getByTestId('telemetry-chart-numa-allocations');
    await chart.waitFor({ timeout: 15000 });
    await waitSamples(30);
    expect(await pointsOf('telemetry-chart-numa-allocations')).toBeGreaterThan(10);
    expect(await chart.textContent()).toContain('allocations/s');
    // The header names the run's host; the Runs table counts the live run's samples while it runs.
    expect(await page.getByTestId('telemetry-host').textContent()).toBe('local');
    await page.waitForFunction(() => Number((document.querySelector('[data-testid^="run-samples-"]')?.textContent ?? '0').replace(/,/g, '')) > 0, null, { timeout: 5000 });
    expect(await page.locator('[data-testid^="run-"]').first().textContent()).toMatch(/running/);
    await page.screenshot({ path: join(ARTIFACTS, 'telemetry.png') });
    await page.getByTestId('telemetry-stop').click();
    await page.getByTestId('telemetry-start').waitFor({ timeout: 15000 });
    const row = page.locator('[data-testid^="run-"]').first();
    await page.waitForFunction(() => /stopped-by-user/.test(document.querySelector('[data-testid^="run-"]')?.textContent ?? ''), null, { timeout: 10000 });
    expect(await row.textContent()).toMatch(/local/);
    // The stored run charts again from runs.series, and switching to deltas relabels the axis.
    await page.getByTestId('telemetry-mode-delta').click();
    await page.getByTestId('telemetry-chart-numa-allocations').waitFor({ timeout: 15000 });
    await page.waitForFunction(() => /since start/.test(document.querySelector('[data-testid="telemetry-chart-numa-allocations"]')?.textContent ?? ''), null, { timeout: 10000 });
    expect(await page.getByTestId('telemetry-chart-numa-allocations').textContent()).not.toContain('allocations/s');
    await page.screenshot({ path: join(ARTIFACTS, 'telemetry-stored.png') });
    await page.getByTestId('telemetry-mode-rate').click();
  }, E2E_FLOW_BOUND_MS);

  it('picks thp_split_pmd and numa_pte_updates into the live view with their units, toggles a legend entry, and keeps a zoom while live', async () => {
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.getByTestId('telemetry-start').click();
    await page.getByTestId('telemetry-stop').waitFor({ timeout: 15000 });
    // The picker lists every counter the host has, with its unit and meaning.
    await page.getByTestId('telemetry-picker-open').click();
    const search = page.getByTestId('telemetry-picker-search');
    await search.fill('thp_split_pmd');
    const item = page.getByTestId('picker-item-thp_split_pmd');
    await item.waitFor({ timeout: 15000 });
    expect(await item.textContent()).toContain('pmds');
    await page.getByTestId('picker-toggle-thp_split_pmd').click();
    await search.fill('numa_pte_updates');
    await page.getByTestId('picker-item-numa_pte_updates').waitFor();
    expect(await page.getByTestId('picker-item-numa_pte_updates').textContent()).toContain('ptes');
    await page.getByTestId('picker-toggle-numa_pte_updates').click();
    // Per-node numastat keys collapse to one entry per key.
    await search.fill('numastat numa_hit');
    await page.getByTestId('picker-item-numastat.node*.numa_hit').waitFor();
    await page.getByTestId('picker-toggle-numastat.node*.numa_hit').click();
    await page.screenshot({ path: join(ARTIFACTS, 'telemetry-picker-1280.png') });
    await page.getByTestId('telemetry-picker-close').click();

    // Both chart live, each with its unit, even where they do not move (a flat 0 is honest).
    const pmd = page.getByTestId('telemetry-chart-pick-thp_split_pmd');
    const pte = page.getByTestId('telemetry-chart-pick-numa_pte_updates');
    await pmd.waitFor({ timeout: 15000 });
    await pte.waitFor({ timeout: 15000 });
    await waitSamples(30);
    expect(await pmd.getAttribute('data-unit')).toBe('pmds/s');
    expect(await pte.getAttribute('data-unit')).toBe('ptes/s');
    expect(await pmd.textContent()).toContain('pmds/s');
    expect(await pointsOf('telemetry-chart-pick-thp_split_pmd')).toBeGreaterThan(10);
    expect(await pointsOf('telemetry-chart-pick-numa_pte_updates')).toBeGreaterThan(10);
    const node = page.getByTestId('telemetry-chart-pick-numastat.nodeN.numa_hit');
    await node.waitFor({ timeout: 15000 });
    expect(await node.textContent()).toContain('node 0');
    // Per-interval counts: the unit says which interval.
    await page.getByTestId('telemetry-mode-interval').click();
    expect(await pmd.getAttribute('data-unit')).toBe('pmds per 100 ms interval');
    await page.getByTestId('telemetry-mode-rate').click();

    // Phase markers put close together are labelled without overlap (staggered, or elided with the events list in full).
    await page.evaluate(`new Promise((resolve, reject) => {
      const ws = new WebSocket(location.origin.replace(/^http/, 'ws') + '/api');
      let id = 0;
      const marks = ['setup', 'migrate 8 THPs to node 1', 'teardown', 'note: a fourth label'];
      ws.onopen = () => marks.forEach((text, i) => ws.send(JSON.stringify({ id: ++id, method: 'runs.mark', params: { target: 'local', kind: i === 3 ? 'note' : 'phase', text } })));
      let got = 0;
      ws.onmessage = () => { if (++got === marks.length) { ws.close(); resolve(null); } };
      ws.onerror = () => reject(new Error('no WebSocket to the lab'));
    })`);
    const labels = page.getByTestId('telemetry-chart-numa-allocations').locator('.telemetry-marker-label');
    await labels.first().waitFor({ timeout: 10000 });
    const boxes = (await Promise.all((await labels.all()).map((l) => l.boundingBox()))).filter((b) => b !== null);
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const [a, b] = [boxes[i]!, boxes[j]!];
        const overlap = a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
        expect(overlap, `marker labels ${i} and ${j} overlap`).toBe(false);
      }
    await page.getByTestId('telemetry-events').waitFor();
    expect(await page.getByTestId('telemetry-events').textContent()).toContain('migrate 8 THPs to node 1');

    // A legend entry hides its series, and says so.
    const numa = page.getByTestId('telemetry-chart-numa-allocations');
    const before = await numa.locator('path.recharts-line-curve').count();
    const entry = page.getByTestId('legend-numa-allocations-numa_hit');
    await entry.click();
    expect(await entry.getAttribute('aria-pressed')).toBe('false');
    await page.waitForFunction((n) => (document as unknown as { querySelectorAll(s: string): { length: number } }).querySelectorAll('[data-testid="telemetry-chart-numa-allocations"] path.recharts-line-curve').length < n, before, { timeout: 5000 });

    // Zoom on the time line: the window stays while samples keep arriving; follow-live returns.
    const charts = page.getByTestId('telemetry-charts');
    expect(await charts.getAttribute('data-following')).toBe('true');
    const box = (await page.getByTestId('telemetry-brush').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.4, box.y + box.height / 2, { steps: 5 });
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    expect(await charts.getAttribute('data-following')).toBe('false');
    const zoomed = await charts.getAttribute('data-domain');
    const n0 = await liveSamples();
    await waitSamples(n0 + 15);
    expect(await liveSamples()).toBeGreaterThan(n0);
    expect(await charts.getAttribute('data-domain')).toBe(zoomed);
    await page.screenshot({ path: join(ARTIFACTS, 'telemetry-live-1280.png') });
    await page.getByTestId('telemetry-follow').click();
    expect(await charts.getAttribute('data-following')).toBe('true');
    await entry.click();
    expect(await entry.getAttribute('aria-pressed')).toBe('true');

    await page.getByTestId('telemetry-stop').click();
    await page.getByTestId('telemetry-start').waitFor({ timeout: 15000 });
    // The choice is kept per host in the store: a fresh page charts the picked counters of the stored run.
    await page.reload();
    await page.getByTestId('tab-telemetry').click();
    await page.locator('[data-testid^="run-"] button.link').first().click();
    await page.getByTestId('telemetry-chart-pick-thp_split_pmd').waitFor({ timeout: 15000 });
    expect(await page.getByTestId('telemetry-chart-pick-numa_pte_updates').getAttribute('data-unit')).toBe('ptes/s');
    await page.screenshot({ path: join(ARTIFACTS, 'telemetry-stored-1280.png') });
    // The run shown is in the URL: the same link, loaded afresh, opens that run.
    const url = page.url();
    const link = /#\/telemetry\?(?:.*&)?run=(\d+)/.exec(url);
    expect(link, url).not.toBeNull();
    await page.goto('about:blank');
    await page.goto(url);
    await page.locator(`tr.selected[data-testid="run-${link![1]}"]`).waitFor({ timeout: 15000 });
  }, E2E_FLOW_BOUND_MS);

  it("traces the kernel's migrate_pages() calls with a run: a compaction's calls are ticks under the migration chart, live and stored", async () => {
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.getByTestId('telemetry-trace').check();
    await page.getByTestId('telemetry-start').click();
    await page.getByTestId('telemetry-stop').waitFor({ timeout: 15000 });
    expect(await page.getByTestId('telemetry-trace').isDisabled()).toBe(true);
    await waitSamples(10);
    // Real migrate_pages() calls on this machine (reason compaction), collected from the trace every second.
    compact(128);
    const live = page.getByTestId('telemetry-calls-compaction');
    await live.waitFor({ timeout: 20000 });
    const strip = page.getByTestId('telemetry-calls');
    // Under the migration chart, the one that charts pgmigrate_success in pages.
    expect(await page.getByTestId('telemetry-chart-migration-pages').getByTestId('telemetry-calls').count()).toBe(1);
    expect(Number(await strip.getAttribute('data-calls'))).toBeGreaterThan(0);
    expect(await strip.locator('[data-testid="call-tick"][data-reason="compaction"]').count()).toBeGreaterThan(0);
    expect(await strip.locator('[data-testid="call-tick"] title').first().textContent()).toMatch(/^\d+\.\d\d–\d+\.\d\d s: \d+ calls?, [\d,]+ pages.*compaction/);
    await page.screenshot({ path: join(ARTIFACTS, 'telemetry-trace-live-1280.png') });
    await page.getByTestId('telemetry-stop').click();
    await page.getByTestId('telemetry-start').waitFor({ timeout: 15000 });
    // The stored run: the calls come back from the store (runs.migrateCalls).
    await page.getByTestId('telemetry-chart-migration-pages').getByTestId('telemetry-calls').waitFor({ timeout: 15000 });
    await page.getByTestId('telemetry-calls-compaction').waitFor({ timeout: 15000 });
    const stored = page.getByTestId('telemetry-calls');
    expect(Number(await stored.getAttribute('data-calls'))).toBeGreaterThan(0);
    await page.screenshot({ path: join(ARTIFACTS, 'telemetry-trace-stored-1280.png') });
    await page.getByTestId('telemetry-trace').uncheck();
  }, E2E_FLOW_BOUND_MS);
});
