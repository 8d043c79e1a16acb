import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ARTIFACTS, openLabInChromium, type LabInChromium } from './labInChromium';

// The Simulator view needs no host: predictions run in a worker thread of the headless lab.
let lab: LabInChromium | undefined;
let serve: LabInChromium['serve'];
let page: Page;

beforeAll(async () => {
  lab = await openLabInChromium('sim', { width: 1400, height: 1000 });
  ({ serve, page } = lab);
  await page.goto(serve.url);
  await page.getByTestId('tab-simulator').click();
  await page.getByTestId('sim-kernel-a-model').locator('option', { hasText: 'linux-6.1' }).first().waitFor({ state: 'attached' });
});
afterAll(async () => {
  await lab?.close();
});

describe('the Simulator view', () => {
  it('puts linux-6.1 and linux-6.12+ side by side on a partially mapped THP move', async () => {
    await page.getByTestId('sim-kernel-a-model').selectOption('preset:linux-6.1');
    await page.getByTestId('sim-kernel-b-model').selectOption('preset:linux-6.12+');
    await page.getByTestId('sim-workload').selectOption('thp-move');
    await page.getByTestId('sim-param-thps').fill('8');
    await page.getByTestId('sim-param-unmap').fill('0.5');
    await page.getByTestId('sim-run').click();
    const split = page.getByTestId('sim-row-thp_migration_split');
    await split.waitFor({ timeout: 30000 });
    // migrate phase: 6.1 migrates the THPs whole (0 splits), 6.12 splits all 8 first.
    const cells = await split.locator('td').allTextContents();
    expect(cells[0]).toBe('thp_migration_split');
    expect(cells).toContain('8');
    expect(cells).toContain('0');
    const success = await page.getByTestId('sim-row-thp_migration_success').locator('td.differs').count();
    expect(success).toBeGreaterThan(0);
    await page.screenshot({ path: join(ARTIFACTS, 'simulator-6.1-vs-6.12.png'), fullPage: true });
  });

  it('predicts the BUG of the posted v5 patch and none for the merged variant', async () => {
    await page.getByTestId('sim-kernel-a-model').selectOption('preset:v5-posted');
    await page.getByTestId('sim-kernel-b-model').selectOption('preset:linux-6.10..6.11');
    await page.getByTestId('sim-workload').selectOption('numa-touch');
    expect(await page.getByTestId('sim-numa-balancing').inputValue()).toBe('1');
    await page.getByTestId('sim-param-thps').fill('1');
    await page.getByTestId('sim-param-unmap').fill('0.5');
    await page.getByTestId('sim-run').click();
    const bug = page.getByTestId('sim-bug');
    await bug.first().waitFor({ timeout: 60000 });
    expect(await bug.count()).toBe(1);
    expect(await bug.first().textContent()).toMatch(/^v5-posted: predicted kernel BUG.*BUG_ON\(!list_empty\(&migratepages\)\)/);
    await page.screenshot({ path: join(ARTIFACTS, 'simulator-v5-bug.png'), fullPage: true });
    // The BUG is the prediction's headline: at 1280×720 it is on screen without scrolling, and
    // v5's predicted series end at it (one marker per chart).
    await page.setViewportSize({ width: 1280, height: 720 });
    const box = (await bug.first().boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.y + box.height).toBeLessThanOrEqual(720);
    expect(await page.getByTestId('sim-series').locator('.recharts-reference-line').count()).toBe(4);
    await page.screenshot({ path: join(ARTIFACTS, 'simulator-v5-bug-1280x720.png') });
  });

  it('describes a patch as switches over a base: the changed ones highlighted, the BUG predicted, the variant saved in the store', async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.getByTestId('sim-kernel-a-model').selectOption('preset:linux-6.12+');
    await page.getByTestId('sim-kernel-b-model').selectOption('preset:linux-6.12+');
    await page.getByTestId('sim-workload').selectOption('numa-touch');
    await page.getByTestId('sim-param-thps').fill('1');
    await page.getByTestId('sim-param-unmap').fill('0.5');
    await page.getByTestId('sim-kernel-a-toggle').click();
    const target = page.getByTestId('sim-kernel-a-switch-deferred_split_target');
    expect(await target.inputValue()).toBe('split_folios');
    await target.selectOption('from');
    await page.getByTestId('sim-kernel-a-switch-deferred_split_counts_as_failure').selectOption('no');
    const switches = page.getByTestId('sim-kernel-a-switches');
    expect(await switches.locator('.switch.changed').count()).toBe(2);
    expect(await page.getByTestId('sim-kernel-a-toggle').textContent()).toBe('switches (2 changed)');
    await page.getByTestId('sim-run').click();
    const bug = page.getByTestId('sim-bug');
    await bug.first().waitFor({ timeout: 60000 });
    // Only A (6.12 with v5's split target, uncounted) crashes; B, stock 6.12, does not.
    expect(await bug.count()).toBe(1);
    expect(await bug.first().textContent()).toMatch(/^linux-6\.12\+ with deferred_split_target=from deferred_split_counts_as_failure=no: predicted kernel BUG/);
    expect(await page.getByTestId('sim-models').textContent()).toContain('over linux-6.12+: deferred_split_target=from deferred_split_counts_as_failure=no');
    await page.screenshot({ path: join(ARTIFACTS, 'simulator-switches.png'), fullPage: true });

    // A combination the model refuses says why, beside the switches.
    await page.getByTestId('sim-kernel-a-switch-migrate_core').selectOption('unmap_and_move');
    expect(await page.getByTestId('sim-kernel-a-problem').textContent()).toMatch(/deferred_split_target=from with migrate_core=unmap_and_move/);
    await page.getByTestId('sim-kernel-a-switch-migrate_core').selectOption('batched');

    await page.getByTestId('sim-kernel-a-name').fill('v5 on 6.12');
    await page.getByTestId('sim-kernel-a-save').click();
    await page.getByTestId('sim-kernel-b-model').locator('option', { hasText: 'v5 on 6.12' }).waitFor({ state: 'attached' });
    // Saved in the store: there after a reload, and pickable as a whole.
    await page.reload();
    await page.getByTestId('tab-simulator').click();
    await page.getByTestId('sim-kernel-b-model').locator('option', { hasText: 'v5 on 6.12' }).waitFor({ state: 'attached' });
    await page.getByTestId('sim-kernel-b-model').selectOption('saved:v5 on 6.12');
    await page.getByTestId('sim-kernel-b-toggle').click();
    expect(await page.getByTestId('sim-kernel-b-switch-deferred_split_target').inputValue()).toBe('from');
    expect(await page.getByTestId('sim-kernel-b-switches').locator('.switch.changed').count()).toBe(2);
  });
});
