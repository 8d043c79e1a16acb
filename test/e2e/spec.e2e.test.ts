import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ARTIFACTS, openLabInChromium, type LabInChromium } from './labInChromium';
import { lockMachineKnobs, restoreKnobFiles, snapshotKnobFiles, type KnobFileSnapshot } from '../support/knobGuard';
import { numaLab } from '../support/numaLabCli';
import { repoRoot } from '../../src/main/repoRoot';
import { parseArgs } from '../../src/main/cli/args';
import { GLOBAL_FLAGS } from '../../src/main/cli/commands';
import { runCommand, runRequestFromArgs } from '../../src/main/cli/run';

// Every spec visible (issue 17), end to end: experiments made by the real CLI (`numa-lab run
// local --workload custom`: a real command, measured) on the SQLite store the served app uses,
// two of them differing only by a knob (thp.defrag, harmless: how THP faults compact; set for the
// run and restored by the lab, with this machine's knobs held and put back by the test). The app
// shows each run's spec with the difference highlighted, the command's own output, opens a run
// by its id from the URL, gives the `numa-lab run` line of its form (run here through a real
// shell), and refuses a migration on this one-node host beside the field, storing nothing.
const sh = promisify(execFile);
const CMD = 'echo "spec-e2e $((6*7))"; echo warn-on-stderr >&2';
const dir = mkdtempSync(join(tmpdir(), 'numalab-e2e-spec-'));
const db = join(dir, 'lab.db');
let lab: LabInChromium | undefined;
let page: Page;
let origin = '';
let snap: KnobFileSnapshot | undefined;
let unlock = () => {};
const ids = { a: 0, b: 0 };
const cliOut: string[] = [];

/** `numa-lab run` as a user's script runs it, on the lab's store; the id from its "open in the app" line. */
async function cliRun(defrag: string): Promise<number> {
  const r = await numaLab('run', 'local', '--workload', 'custom', '--param', `cmd=${CMD}`, '--knob', `thp.defrag=${defrag}`, '--baseline', '0', '--cooldown', '0', '--no-trace', '--db', db);
  expect(r.stderr.split('\n').filter((l) => /^numa-lab run:/.test(l))).toEqual([]);
  expect(r.code).toBe(0);
  cliOut.push(r.stdout);
  const m = /^open in the app: Experiments → #(\d+) \(#\/experiments\?id=(\d+)\)$/m.exec(r.stdout);
  expect(m?.[1]).toBe(m?.[2]);
  return Number(m![1]);
}

/** A link opened in a browser that has never seen the lab (a new context: no cookie, no history): the token URL with the fragment. */
async function freshPage(fragment: string): Promise<Page> {
  const context = await lab!.browser.newContext({ viewport: { width: 1280, height: 720 } });
  const p = await context.newPage();
  p.once('close', () => void context.close());
  await p.goto(`${lab!.serve.url}${fragment}`);
  return p;
}

/** The experiment rows of the list (not the cells whose test ids share the prefix). */
const rows = (p: Page) => p.locator('tr[data-testid^="exp-row-"]');

beforeAll(async () => {
  unlock = await lockMachineKnobs();
  snap = snapshotKnobFiles();
  ids.a = await cliRun('madvise');
  ids.b = await cliRun('never');
  lab = await openLabInChromium('spec', { width: 1280, height: 720 }, db);
  page = lab.page;
  // The token URL trades the token for a cookie; from then on plain `/#/…` links open the lab.
  await page.goto(lab.serve.url);
  await page.getByTestId('host-facts').waitFor({ timeout: 20000 });
  origin = new URL(lab.serve.url).origin;
});

afterAll(async () => {
  try {
    await page?.screenshot({ path: join(ARTIFACTS, 'spec-last.png') }).catch(() => {});
    await lab?.close();
  } finally {
    if (snap) restoreKnobFiles(snap);
    unlock();
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('every spec visible', () => {
  it('opens a CLI run by its id from the URL in a fresh page, with the command’s own output and exit status', async () => {
    const fresh = await freshPage(`#/experiments?id=${ids.a}`);
    try {
      const result = fresh.getByTestId('exp-result');
      await result.waitFor({ timeout: 20000 });
      expect(await result.locator('h2').textContent()).toBe(`Experiment ${ids.a} · completed`);
      expect(await fresh.getByTestId('exp-spec').textContent()).toContain('knobs asked for thp.defrag=madvise');
      expect(await fresh.getByTestId('exp-output-1-status').textContent()).toBe('exit status 0');
      expect(await fresh.getByTestId('exp-output-1-stdout').textContent()).toBe('spec-e2e 42\n');
      expect(await fresh.getByTestId('exp-output-1-stderr').textContent()).toBe('warn-on-stderr\n');
      // Shown, not folded away.
      expect(await fresh.getByTestId('exp-output-1-stdout').isVisible()).toBe(true);
      await fresh.getByTestId('exp-output').scrollIntoViewIfNeeded();
      await fresh.screenshot({ path: join(ARTIFACTS, 'spec-open.png') });
    } finally {
      await fresh.close();
    }
  });

  it('shows each run’s knobs in the list and the compare header, the one knob A and B differ by highlighted; the pair reopens from the URL', async () => {
    await page.goto(`${origin}/#/experiments?a=${ids.a}&b=${ids.b}`);
    const header = page.getByTestId('cmp-spec');
    await header.waitFor({ timeout: 20000 });
    expect(await page.getByTestId('cmp-spec-summary').textContent()).toBe('A and B differ in knob thp.defrag.');
    const knobRow = page.getByTestId('cmp-spec-knob-thp.defrag');
    expect(await knobRow.getAttribute('data-differs')).toBe('yes');
    expect(await knobRow.locator('td').allTextContents()).toEqual(['knob thp.defrag', 'madvise', 'never']);
    for (const same of ['kernel', 'target', 'workload', 'param-cmd']) expect(await page.getByTestId(`cmp-spec-${same}`).getAttribute('data-differs')).toBe('no');

    // The list: both runs with their knob; in the pair's rows the difference is what is highlighted.
    await page.getByTestId(`exp-row-${ids.b}`).waitFor();
    expect(await page.getByTestId(`exp-row-mark-${ids.a}`).textContent()).toBe('A');
    expect(await page.getByTestId(`exp-row-mark-${ids.b}`).textContent()).toBe('B');
    expect(await page.getByTestId(`exp-row-knobs-${ids.a}`).locator('.spec-differs').allTextContents()).toEqual(['thp.defrag=madvise']);
    expect(await page.getByTestId(`exp-row-knobs-${ids.b}`).locator('.spec-differs').allTextContents()).toEqual(['thp.defrag=never']);
    expect(await page.getByTestId(`exp-row-${ids.a}`).locator('.spec-differs').count()).toBe(1);

    // The picker names the spec, and beside B what it differs from A by.
    expect(await page.getByTestId('cmp-a').inputValue()).toBe(String(ids.a));
    const optionB = await page.getByTestId('cmp-b').locator(`option[value="${ids.b}"]`).textContent();
    expect(optionB).toMatch(new RegExp(`^#${ids.b} · differs: knob thp\\.defrag · custom on local \\S+ · thp\\.defrag=never · cmd=echo "spec-e2e`));

    await page.getByTestId('cmp-table').waitFor();
    await header.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(ARTIFACTS, 'spec.png') });

    // Comparing the other way round is a history entry: back returns to the first pair.
    await page.getByTestId('cmp-a').selectOption(String(ids.b));
    await page.getByTestId('cmp-b').selectOption(String(ids.a));
    await page.getByTestId('cmp-go').click();
    await page.waitForURL(`**/#/experiments?a=${ids.b}&b=${ids.a}`);
    await page.getByTestId('cmp-table').locator('th', { hasText: `A #${ids.b}` }).waitFor();
    await page.goBack();
    await page.getByTestId('cmp-table').locator('th', { hasText: `A #${ids.a}` }).waitFor();
    expect(await page.getByTestId('cmp-spec-knob-thp.defrag').locator('td').allTextContents()).toEqual(['knob thp.defrag', 'madvise', 'never']);
  });

  it('gives the form’s `numa-lab run` line, which a real shell runs into the same experiment, opened here by its id', { timeout: 120_000 }, async () => {
    const cmd = `echo "copied $((6*7))" "it's"`;
    await page.getByTestId('exp-workload').selectOption('custom');
    await page.getByTestId('sim-param-cmd').fill(cmd);
    await page.getByTestId('exp-knobs').fill('');
    await page.getByTestId('exp-baseline').fill('0');
    await page.getByTestId('exp-cooldown').fill('0');
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
    await page.getByTestId('exp-copy-cli').click();
    await page.locator('[data-testid="exp-copy-cli-status"]', { hasText: /\S/ }).waitFor();
    expect(await page.getByTestId('exp-copy-cli-status').textContent()).toBe('copied');
    // Always shown too, to select by hand where a browser refuses the clipboard.
    const line = await page.getByTestId('exp-copy-cli-line').inputValue();
    expect(line.startsWith(`numa-lab run local --workload custom --param 'cmd=echo "copied $((6*7))" "it'\\''s"' `)).toBe(true);
    expect(line.endsWith(' --repeat 1 --rate 10 --baseline 0 --cooldown 0')).toBe(true);

    // It parses, with the CLI's own parser, to the request the form would start.
    const words = (await sh('sh', ['-c', `printf '%s\\0' ${line}`])).stdout.split('\0').slice(0, -1);
    const { positionals, flags } = parseArgs(words.slice(2), [...runCommand.flags, ...GLOBAL_FLAGS]);
    expect(runRequestFromArgs(positionals, flags)).toEqual({ target: 'local', workload: 'custom', params: { cmd }, knobs: {}, repeat: 1, rateHz: 10, baselineS: 0, cooldownS: 0 });

    // And run as pasted, with `numa-lab` on PATH, on the store this app shows.
    const bin = join(dir, 'bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'numa-lab'), `#!/bin/sh\nexec "${process.execPath}" "${join(repoRoot(), 'bin', 'numa-lab.mjs')}" "$@"\n`, { mode: 0o755 });
    const r = await sh('sh', ['-c', line], { env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, NUMA_LAB_DB: db }, timeout: 90000 });
    const id = Number(/^open in the app: Experiments → #(\d+) /m.exec(r.stdout)?.[1]);
    expect(id).toBeGreaterThan(ids.b);

    const fresh = await freshPage(`#/experiments?id=${id}`);
    try {
      await fresh.getByTestId('exp-result').waitFor({ timeout: 20000 });
      expect(await fresh.getByTestId('exp-spec').textContent()).toContain(`custom cmd=${cmd} · on local`);
      expect(await fresh.getByTestId('exp-output-1-stdout').textContent()).toBe("copied 42 it's\n");
    } finally {
      await fresh.close();
    }
  });

  it('refuses a migration on this one-node host beside the workload, in plain words, and stores nothing; a bad knob value beside the knobs', async () => {
    // A fresh load: the run the shell made came from another process (no event reaches this page).
    await page.goto(`${origin}/#/experiments`);
    await page.reload();
    await rows(page).first().waitFor({ timeout: 20000 });
    const before = await rows(page).count();
    expect(before).toBe(3);
    await page.getByTestId('exp-workload').selectOption('thp-move');
    await page.getByTestId('exp-knobs').fill('');
    // Known before Run from the host's facts…
    await page.getByTestId('exp-field-hint-workload').waitFor();
    await page.getByTestId('exp-run').click();
    // …and the lab's own refusal, in the same place.
    const refusal = page.getByTestId('exp-field-error-workload');
    await refusal.waitFor({ timeout: 20000 });
    const text = (await refusal.locator('span').first().textContent()) ?? '';
    expect(text).toBe(
      'thp-move moves memory between nodes: with these parameters it needs 2 NUMA nodes, and local has only one. Boot a NUMA box in the NUMA box view and pick it as the host, or set migrate to 0 to measure the THP faults alone. Nothing was run.',
    );
    expect(await page.getByTestId('exp-field-error-workload-open-box').textContent()).toBe('Open the NUMA box view');
    expect(await page.getByTestId('exp-error').count()).toBe(0);
    await refusal.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(ARTIFACTS, 'spec-refusal.png') });

    await page.getByTestId('exp-workload').selectOption('custom');
    await page.getByTestId('sim-param-cmd').fill('true');
    await page.getByTestId('exp-knobs').fill('thp.defrag=sometimes');
    await page.getByTestId('exp-run').click();
    const knobError = page.getByTestId('exp-field-error-knobs');
    await knobError.waitFor({ timeout: 20000 });
    expect(await knobError.textContent()).toMatch(/^thp\.defrag: "sometimes" is not allowed; allowed: always defer defer\+madvise madvise never$/);

    // Neither left an experiment behind: a fresh load of the list has what it had.
    await page.reload();
    await rows(page).first().waitFor({ timeout: 20000 });
    expect(await rows(page).count()).toBe(before);

    // The way out the refusal offers: the NUMA box view.
    await page.getByTestId('exp-workload').selectOption('thp-move');
    await page.getByTestId('exp-knobs').fill('');
    await page.getByTestId('exp-run').click();
    await page.getByTestId('exp-field-error-workload-open-box').click();
    await page.waitForURL('**/#/testbox**');
  });
});
