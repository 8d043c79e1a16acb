import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ARTIFACTS, openLabInChromium, type LabInChromium } from './labInChromium';

// The Telemetry panel end to end: the real CLI serves the UI, Chromium starts sampling this
// machine at 10 Hz through LabApi over the WebSocket, live charts draw, the run is stored.
/** The page's DOM, inside waitForFunction callbacks (this file is type-checked without DOM types). */
declare const document: { querySelector(s: string): { textContent: string | null } | null };
let lab: LabInChromium | undefined;
let serve: LabInChromium['serve'];
let page: Page;

beforeAll(async () => {
  lab = await openLabInChromium('tel', { width: 1400, height: 1000 });
  ({ serve, page } = lab);
});
afterAll(async () => {
  await lab?.close();
});

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
    await page.waitForFunction(
      () => {
        const s = document.querySelector('[data-testid="telemetry-status"]')?.textContent ?? '';
        return Number(/(\d+) samples live/.exec(s)?.[1] ?? 0) >= 30;
      },
      null,
      { timeout: 20000 },
    );
    const path = await chart.locator('path.recharts-line-curve').first().getAttribute('d');
    expect((path ?? '').split(/[LC]/).length).toBeGreaterThan(10);
    expect(await chart.textContent()).toContain('allocations/s');
    await page.screenshot({ path: join(ARTIFACTS, 'telemetry.png') });
    await page.getByTestId('telemetry-stop').click();
    await page.getByTestId('telemetry-start').waitFor({ timeout: 15000 });
    const row = page.locator('[data-testid^="run-"]').first();
    await page.waitForFunction(() => /stopped-by-user/.test(document.querySelector('[data-testid^="run-"]')?.textContent ?? ''), null, { timeout: 10000 });
    expect(await row.textContent()).toMatch(/local/);
    // The stored run charts again from runs.series, and switching to deltas relabels the axis.
    await page.getByTestId('telemetry-mode-delta').click();
    await page.getByTestId('telemetry-chart-numa-allocations').waitFor({ timeout: 15000 });
    expect(await page.getByTestId('telemetry-chart-numa-allocations').textContent()).not.toContain('allocations/s');
    await page.screenshot({ path: join(ARTIFACTS, 'telemetry-stored.png') });
  });
});
