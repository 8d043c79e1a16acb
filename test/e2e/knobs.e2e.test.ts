import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ARTIFACTS, openLabInChromium, type LabInChromium } from './labInChromium';
import { lockMachineKnobs, restoreKnobFiles, snapshotKnobFiles, type KnobFileSnapshot } from '../support/knobGuard';

// The Knobs panel end to end: real Chromium drives the served UI, which changes a safe knob
// (khugepaged/pages_to_scan) on this machine's real sysfs and restores it.
const PAGES_TO_SCAN = '/sys/kernel/mm/transparent_hugepage/khugepaged/pages_to_scan';
const ID = 'khugepaged.pages_to_scan';
let snap: KnobFileSnapshot | undefined;
let unlock = () => {};
let lab: LabInChromium | undefined;
let serve: LabInChromium['serve'] | undefined;
let page: Page;

beforeAll(async () => {
  unlock = await lockMachineKnobs();
  snap = snapshotKnobFiles();
  lab = await openLabInChromium('knobs', { width: 1400, height: 1000 });
  ({ serve, page } = lab);
});

afterAll(async () => {
  try {
    await lab?.close();
  } finally {
    if (snap) restoreKnobFiles(snap, { unmountDebugfs: true });
    unlock();
  }
});

const onSys = () => readFileSync(PAGES_TO_SCAN, 'utf8').trim();
async function waitForSys(value: string): Promise<void> {
  const until = Date.now() + 15000;
  while (onSys() !== value && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  expect(onSys()).toBe(value);
}

describe('the Knobs panel in Chromium', () => {
  it('changes khugepaged/pages_to_scan on /sys and restores it', async () => {
    const original = onSys();
    const next = String(Number(original) + 11);
    await page.goto(serve!.url);
    await page.getByTestId('tab-knobs').click();
    const row = page.getByTestId(`knob-${ID}`);
    await row.waitFor({ timeout: 20000 });
    expect(await page.getByTestId(`knob-current-${ID}`).textContent()).toContain(original);
    expect(await page.getByTestId('knob-group-mthp').count()).toBe(1);
    expect(await page.getByTestId('knob-current-thp.enabled').textContent()).toMatch(/^(always|madvise|never)$/);

    // The field only stages the value; Apply writes it.
    await page.getByTestId(`knob-input-${ID}`).fill(next);
    await page.getByTestId('knobs-apply').click();
    await waitForSys(next);
    await page.getByTestId(`knob-original-${ID}`).getByText(`was ${original}`).waitFor({ timeout: 10000 });
    expect(await page.getByTestId(`knob-current-${ID}`).textContent()).toContain(next);
    await page.screenshot({ path: join(ARTIFACTS, 'knobs.png'), fullPage: true });

    // An out-of-range value is refused with the allowed range before anything is sent, and /sys keeps the value.
    await page.getByTestId(`knob-input-${ID}`).fill('0');
    await page.getByTestId(`knobs-problem-${ID}`).waitFor({ timeout: 10000 });
    expect(await page.getByTestId(`knobs-problem-${ID}`).textContent()).toContain('allowed: 1..4294967295');
    expect(await page.getByTestId('knobs-apply').isDisabled()).toBe(true);
    expect(onSys()).toBe(next);
    await page.getByTestId('knobs-discard').click();

    await page.getByTestId('knobs-restore').click();
    await waitForSys(original);
    await page.getByTestId('knobs-changed-count').getByText('0 changed').waitFor({ timeout: 10000 });
    expect(await page.getByTestId(`knob-original-${ID}`).textContent()).toBe('');
  });
});
