import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Download, Page } from 'playwright-core';
import { ARTIFACTS, openLabInChromium, type LabInChromium } from './labInChromium';
import { numaLab } from '../support/numaLabCli';
import { countColor, decodePng, PNG_SIGNATURE } from '../support/decodePng';
import { A_COLOR, B_COLOR } from '../../src/shared/experiments/reportCharts';

// Pictures and exports in the served app: Save PNG on a chart, the Simulator's CSV and JSON,
// Copy as CLI, and the compare report's Save PNG (rendered by the lab with the CLI's renderer).
// Two real experiments (a custom command on this host, by the real CLI) are in the store first.

const dir = mkdtempSync(join(tmpdir(), 'numalab-e2e-pictures-'));
const db = join(dir, 'lab.db');
let lab: LabInChromium | undefined;
let page: Page;
const ids: number[] = [];

beforeAll(async () => {
  for (const bytes of ['4000000', '12000000']) {
    const r = await numaLab('run', 'local', '--workload', 'custom', '--param', `cmd=head -c ${bytes} /dev/zero | wc -c`, '--baseline', '0', '--cooldown', '0', '--db', db, '--json');
    expect(r.code, r.stderr).toBe(0);
    ids.push(JSON.parse(r.stdout).experimentId);
  }
  lab = await openLabInChromium('pictures', { width: 1280, height: 720 }, db);
  page = lab.page;
  await page.goto(lab.serve.url);
}, 240000);
afterAll(async () => {
  await lab?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function downloaded(click: () => Promise<void>): Promise<{ name: string; bytes: Buffer }> {
  const [d] = await Promise.all([page.waitForEvent('download', { timeout: 60000 }) as Promise<Download>, click()]);
  const path = await d.path();
  return { name: d.suggestedFilename(), bytes: readFileSync(path) };
}

function expectPng(bytes: Buffer) {
  expect(bytes.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  const png = decodePng(bytes);
  expect(png.width).toBeGreaterThan(100);
  expect(png.height).toBeGreaterThan(100);
  return png;
}

describe('pictures and exports', () => {
  it('saves a Simulator chart as a PNG, exports the prediction as CSV and JSON, and shows its CLI line', async () => {
    await page.getByTestId('tab-simulator').click();
    await page.getByTestId('sim-kernel-a-model').locator('option', { hasText: 'linux-6.1' }).first().waitFor({ state: 'attached' });
    await page.getByTestId('sim-kernel-a-model').selectOption('preset:linux-6.12+');
    await page.getByTestId('sim-kernel-b-model').selectOption('preset:linux-6.1');
    await page.getByTestId('sim-workload').selectOption('numa-touch');
    await page.getByTestId('sim-param-thps').fill('1');
    await page.getByTestId('sim-run').click();
    const save = page.getByTestId('sim-series-png-numa_pte_updates');
    await save.waitFor({ timeout: 60000 });

    // Save PNG: a real PNG of the chart on the dark background, twice the chart's size, with both models' lines.
    const chart = await downloaded(() => save.click());
    expect(chart.name).toBe('numa-lab-numa_pte_updates.png');
    const png = expectPng(chart.bytes);
    writeFileSync(join(ARTIFACTS, 'pictures-sim-chart.png'), chart.bytes);
    expect(countColor(png, '#0d1117', 2)).toBeGreaterThan((png.width * png.height) / 3);
    expect(countColor(png, '#5fb3ff', 30)).toBeGreaterThan(50);
    expect(countColor(png, '#ffb45f', 30)).toBeGreaterThan(50);

    // The counters per phase as CSV: every row of the table, for both models.
    const csv = (await downloaded(() => page.getByTestId('sim-export-csv').click())).bytes.toString('utf8');
    const rows = csv.trim().split('\n');
    expect(rows[0]).toBe('model,phase,counter,value');
    const shown = Number((await page.getByTestId('sim-row-numa_pte_updates').locator('td').nth(1).textContent())!.replace(/,/g, ''));
    const firstPhase = rows[1]!.split(',')[1];
    expect(rows).toContain(`linux-6.12+,${firstPhase},numa_pte_updates,${shown}`);
    expect(rows.some((r) => r.startsWith('linux-6.1,total,numa_pte_updates,'))).toBe(true);

    // The whole result as JSON, with the form and its command lines.
    const json = JSON.parse((await downloaded(() => page.getByTestId('sim-export-json').click())).bytes.toString('utf8'));
    expect(json.results.map((r: { variant: { name: string } }) => r.variant.name)).toEqual(['linux-6.12+', 'linux-6.1']);
    expect(json.results[0].deltas.numa_pte_updates).toBe(Number(rows.find((r) => r.startsWith('linux-6.12+,total,numa_pte_updates,'))!.split(',')[3]));
    expect(json.results[0].series.t.length).toBeGreaterThan(10);
    expect(json.form.workload).toBe('numa-touch');
    expect(json.cli[0]).toMatch(/^numa-lab sim --kernel linux-6\.12\+ --workload numa-touch /);

    // Copy as CLI: the lines in a read-only field (and on the clipboard where the browser allows it).
    await page.getByTestId('sim-copy-cli').click();
    await page.screenshot({ path: join(ARTIFACTS, 'pictures-simulator.png') });
    const field = page.getByTestId('sim-copy-cli-line');
    await field.waitFor();
    const lines = (await field.inputValue()).split('\n');
    expect(lines).toEqual(json.cli);
    expect(lines[1]).toMatch(/^numa-lab sim --kernel linux-6\.1 --workload numa-touch .*--param thps=1 .*--knob numa\.balancing=1 --nodes 2/);
    expect(await field.getAttribute('readonly')).not.toBeNull();
    expect(await page.getByTestId('sim-copy-cli-status').textContent()).toMatch(/copied|select the line/);
  }, 120000);

  it('saves the compare report as the same PNG the CLI renders', async () => {
    await page.getByTestId('tab-experiments').click();
    await page.getByTestId('cmp-a').locator(`option[value="${ids[0]}"]`).waitFor({ state: 'attached' });
    await page.getByTestId('cmp-a').selectOption(String(ids[0]));
    await page.getByTestId('cmp-b').selectOption(String(ids[1]));
    await page.getByTestId('cmp-go').click();
    await page.getByTestId('cmp-png').waitFor();
    const report = await downloaded(() => page.getByTestId('cmp-png').click());
    expect(report.name).toBe(`numa-lab-compare-${ids[0]}-vs-${ids[1]}.png`);
    const png = expectPng(report.bytes);
    writeFileSync(join(ARTIFACTS, 'pictures-compare-report.png'), report.bytes);
    expect(png.width).toBe(1200);
    expect(countColor(png, A_COLOR)).toBeGreaterThan(500);
    expect(countColor(png, B_COLOR)).toBeGreaterThan(500);
    // The HTML export is the CLI's report too: the spec header, the charts and the table.
    const html = (await downloaded(() => page.getByTestId('cmp-html').click())).bytes.toString('utf8');
    expect(html).toContain('data-testid="report-spec"');
    expect(html).toContain('Per phase: A beside B');
    expect(html).toMatch(/<table class="deltas">/);
    await page.getByTestId('cmp-table').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(ARTIFACTS, 'pictures.png') });
  }, 120000);
});
