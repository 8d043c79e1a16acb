import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ARTIFACTS, openLabInChromium, type LabInChromium } from './labInChromium';
import { buildCompactor } from '../support/compactor';
import { lockMachineKnobs, restoreKnobFiles, snapshotKnobFiles, type KnobFileSnapshot } from '../support/knobGuard';

// An experiment from the UI on this one-node machine: a THP-fault-only thp-move (migrate=0)
// with thp.enabled=madvise applied for the run and restored after, measured beside the
// simulator's prediction. The two-node refusal is checked first.
const THP = '/sys/kernel/mm/transparent_hugepage/enabled';
let lab: LabInChromium | undefined;
let snap: KnobFileSnapshot | undefined;
let unlock = () => {};
let serve: LabInChromium['serve'] | undefined;
let page: Page;
const work = mkdtempSync(join(tmpdir(), 'numalab-e2e-exp-'));

beforeAll(async () => {
  unlock = await lockMachineKnobs();
  snap = snapshotKnobFiles();
  lab = await openLabInChromium('exp', { width: 1400, height: 1200 });
  ({ serve, page } = lab);
  await page.goto(serve.url);
  await page.getByTestId('host-facts').waitFor({ timeout: 20000 });
  await page.getByTestId('tab-experiments').click();
});
afterAll(async () => {
  try {
    await lab?.close();
  } finally {
    if (snap) restoreKnobFiles(snap);
    unlock();
    rmSync(work, { recursive: true, force: true });
  }
});

describe('an experiment from the UI', () => {
  it('refuses a migration on a one-node host with the reason and a pointer to the virtual NUMA box', async () => {
    await page.getByTestId('exp-workload').selectOption('thp-move');
    await page.getByTestId('exp-run').click();
    const refusal = page.getByTestId('exp-field-error-workload');
    await refusal.waitFor({ timeout: 30000 });
    expect(await refusal.textContent()).toMatch(/needs 2 NUMA nodes.*NUMA box view/);
  });

  it('measures THP faults, shows the overlay and the verdict table, and restores the knob', async () => {
    const before = readFileSync(THP, 'utf8');
    await page.getByTestId('sim-param-thps').fill('8');
    await page.getByTestId('sim-param-migrate').selectOption('0');
    // madvise, not always: thp_fault_alloc is machine-wide, and with `always` any other process
    // on this machine (parallel tests, Chromium) may fault a THP inside the setup window.
    await page.getByTestId('exp-knobs').fill('thp.enabled=madvise');
    await page.getByTestId('exp-run').click();
    await page.getByTestId('exp-progress').waitFor({ timeout: 20000 });
    const row = page.getByTestId('verdicts-setup-thp_fault_alloc');
    await row.waitFor({ timeout: 60000 });
    const cells = await row.locator('td').allTextContents();
    expect(cells).toEqual(['thp_fault_alloc', '8', '8', '0', 'exact']);
    await page.getByTestId('exp-overlay').locator('.recharts-line').first().waitFor({ timeout: 20000 });
    expect(await page.getByTestId('exp-overall').textContent()).toBe('agrees');
    expect(await page.getByTestId('exp-headline').getAttribute('class')).toContain('tone-good');
    // The forecast (before the run) against the run: thp-move's counters do not depend on timing.
    expect(await page.getByTestId('exp-forecast-summary').textContent()).toBe('Against the runs: agrees — 1 of 1 repetition as forecast');
    await page.screenshot({ path: join(ARTIFACTS, 'experiment.png'), fullPage: true });
    expect(readFileSync(THP, 'utf8')).toBe(before);
  });

  it('shows a custom command as measured, not compared: neutral, with its deltas and its output', async () => {
    await page.getByTestId('exp-workload').selectOption('custom');
    await page.getByTestId('sim-param-cmd').fill('echo custom-output-$((6*7)); head -c 2000000 /dev/zero | wc -c');
    await page.getByTestId('exp-knobs').fill('');
    await page.getByTestId('exp-run').click();
    const measured = page.getByTestId('exp-measured');
    await measured.waitFor({ timeout: 60000 });
    expect(await page.getByTestId('exp-overall').textContent()).toBe('not compared');
    expect(await page.getByTestId('exp-headline').getAttribute('class')).toContain('tone-neutral');
    expect(await page.getByTestId('exp-measured-pgfault').count()).toBe(1);
    const output = page.getByTestId('exp-output-1');
    await output.locator('summary').click();
    expect(await output.textContent()).toMatch(/exit status 0[\s\S]*custom-output-42[\s\S]*2000000/);
    expect(await page.getByTestId('verdicts-total').count()).toBe(0);
  });

  it("shows the kernel's migrate_pages() calls of a run: the capture, pgmigrate_success by reason, the calls per phase (measured only for a custom command)", async () => {
    // A compaction from the command's own process: real migrate_pages() calls on one node, reason compaction.
    buildCompactor(work);
    await page.getByTestId('exp-workload').selectOption('custom');
    await page.getByTestId('sim-param-cmd').fill(`${join(work, 'compact')} 128`);
    await page.getByTestId('exp-knobs').fill('');
    await page.getByTestId('exp-run').click();
    const trace = page.getByTestId('exp-trace');
    await trace.waitFor({ timeout: 60000 });
    expect(await page.getByTestId('exp-trace-capture').textContent()).toMatch(/^migrate\/mm_migrate_pages.*: [\d,]+ calls? traced \(every task\), [\d,]+ compared · ring buffer overrun 0, dropped 0 · no replay for this repetition/);
    const byReason = page.getByTestId('exp-trace-by-reason');
    await byReason.locator('.recharts-area').first().waitFor({ timeout: 20000 });
    expect(Number(await byReason.getAttribute('data-traced'))).toBeGreaterThan(0);
    expect(await page.getByTestId('exp-trace-by-reason-words').textContent()).toMatch(/^the calls traced moved [\d,]+ pages; pgmigrate_success counted [\d,]+/);
    // No model for a custom command: nothing predicted, and nothing said to agree.
    expect(await page.getByTestId('exp-trace-by-reason-predicted').count()).toBe(0);
    expect(await page.getByTestId('exp-trace-run-summary').textContent()).toMatch(/^[\d,]+ measured \(no prediction for this repetition\)$/);
    expect(await page.getByTestId('exp-trace-run-summary').getAttribute('class')).toBe('tone-neutral');
    const compaction = await page.getByTestId('exp-trace-run-reasons-compaction').locator('td').allTextContents();
    expect(compaction[0]).toBe('compaction');
    expect(Number(compaction[1]!.replace(/,/g, ''))).toBeGreaterThan(0);
    await trace.screenshot({ path: join(ARTIFACTS, 'experiment-trace-custom.png') });
  });
});
