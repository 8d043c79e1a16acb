import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { ARTIFACTS, openLabInChromium, type LabInChromium } from './labInChromium';
import { processIdentity } from '../../src/main/knobs/owner';
import { writeDescriptor } from '../../src/main/testbox/boxState';
import { boxDir } from '../../src/main/testbox/paths';
import { parseSysfsChoice } from '../../src/shared/sysfsChoice';
import { stoppedBoxDescriptor } from '../support/boxDescriptor';
import { lockMachineKnobs, restoreKnobFiles, snapshotKnobFiles, type KnobFileSnapshot } from '../support/knobGuard';
import { decodePng } from '../support/decodePng';
import { until } from '../support/until';

// Safety and polish (issue 17) end to end, in Chromium at 1280x720 on the served lab:
// - Knobs: a dropdown only stages; the diff shows the file and old → new; Apply writes this
//   machine's real /sys file (thp.defrag, harmless); Discard drops; a knob changed underneath is
//   a conflict, not overwritten.
// - Boxes: who started each box and the confirmation before one goes, on real descriptor files in
//   a temp state folder the served lab reads (no QEMU is booted: the boxes' QEMU is gone).
// - One button style: buttons of views this feature does not own are drawn in the dark theme.
const DEFRAG = '/sys/kernel/mm/transparent_hugepage/defrag';
const ID = 'thp.defrag';

let snap: KnobFileSnapshot | undefined;
let unlock = () => {};
let lab: LabInChromium | undefined;
let serve: LabInChromium['serve'];
let page: Page;
let other: ChildProcess | undefined;
const state = mkdtempSync(join(tmpdir(), 'numalab-safety-boxes-'));
const savedState = process.env.NUMA_LAB_TESTBOX_STATE;

const onSys = () => parseSysfsChoice(readFileSync(DEFRAG, 'utf8'))!.selected;
const waitForSys = async (value: string) => {
  await until(`${DEFRAG} to read ${value}`, () => onSys() === value, 15000);
  expect(onSys()).toBe(value);
};

beforeAll(async () => {
  unlock = await lockMachineKnobs();
  snap = snapshotKnobFiles();
  // The served lab (a child of this process) inherits this: its boxes are the ones written below.
  process.env.NUMA_LAB_TESTBOX_STATE = state;
  other = spawn('sleep', ['600'], { stdio: 'ignore' });
  lab = await openLabInChromium('safety', { width: 1280, height: 720 });
  ({ serve, page } = lab);
  const labId = await until('the served lab in /proc', () => processIdentity(serve.child.pid!));
  const otherId = await until('the other process in /proc', () => processIdentity(other!.pid!));
  writeDescriptor(stoppedBoxDescriptor('lab-box', { startedBy: labId, startedByCommand: 'numa-lab serve' }));
  writeDescriptor(stoppedBoxDescriptor('term-box', { startedBy: otherId, startedByCommand: 'numa-lab testbox up', release: '6.1.0-41-amd64', nodes: 4 }));
});

afterAll(async () => {
  try {
    await lab?.close();
  } finally {
    if (snap) restoreKnobFiles(snap, { unmountDebugfs: true });
    unlock();
    if (other && other.exitCode === null) other.kill('SIGKILL');
    if (savedState === undefined) delete process.env.NUMA_LAB_TESTBOX_STATE;
    else process.env.NUMA_LAB_TESTBOX_STATE = savedState;
    rmSync(state, { recursive: true, force: true });
  }
});

async function openView(id: string): Promise<void> {
  if (!page.url().startsWith(serve.url.split('?')[0])) await page.goto(serve.url);
  await page.getByTestId(`tab-${id}`).click();
}

/** The colour a button's face is drawn in: a pixel inside its left border, half way down. */
async function faceColour(button: Locator): Promise<[number, number, number]> {
  await page.mouse.move(1, 1);
  const png = decodePng(await button.screenshot());
  const i = (Math.floor(png.height / 2) * png.width + 5) * png.channels;
  return [png.pixels[i], png.pixels[i + 1], png.pixels[i + 2]];
}
function expectColour(got: [number, number, number], want: [number, number, number], what: string): void {
  expect(got.every((v, i) => Math.abs(v - want[i]) <= 6), `${what}: drawn rgb(${got.join(', ')}), expected about rgb(${want.join(', ')})`).toBe(true);
}

describe('safety and polish in Chromium', () => {
  it('stages knob changes: nothing is written until Apply; Discard drops; a change underneath is a conflict', async () => {
    const original = onSys();
    const next = original === 'defer' ? 'madvise' : 'defer';
    const third = ['never', 'madvise', 'defer'].find((v) => v !== original && v !== next)!;
    await page.goto(serve.url);
    await openView('knobs');
    await page.getByTestId(`knob-${ID}`).waitFor({ timeout: 20000 });
    // Each knob's file is shown in its row, not only in a tooltip.
    expect(await page.getByTestId(`knob-path-${ID}`).textContent()).toBe(DEFRAG);
    expect(await page.getByTestId(`knob-path-${ID}`).isVisible()).toBe(true);

    await page.getByTestId(`knob-input-${ID}`).selectOption(next);
    const diff = page.getByTestId(`knobs-diff-row-${ID}`);
    await diff.waitFor({ timeout: 10000 });
    const diffText = (await diff.textContent()) ?? '';
    expect(diffText).toContain(DEFRAG);
    expect(diffText).toContain(`${original} → ${next}`);
    expect(diffText).toContain('always defer defer+madvise madvise never');
    expect(onSys()).toBe(original);
    await page.screenshot({ path: join(ARTIFACTS, 'safety.png') });

    // Other views and their round trips to the lab come and go: the change stays staged, unwritten.
    await openView('testbox');
    await page.getByTestId('tb-accel').waitFor({ timeout: 20000 });
    await openView('knobs');
    await diff.waitFor({ timeout: 10000 });
    expect(onSys()).toBe(original);

    await page.getByTestId('knobs-apply').click();
    await waitForSys(next);
    const result = page.getByTestId(`knobs-result-${ID}`);
    await result.waitFor({ timeout: 10000 });
    expect(await result.textContent()).toContain(`${original} → ${next}`);
    expect(await page.getByTestId('knobs-diff').count()).toBe(0);
    await page.getByTestId(`knob-original-${ID}`).getByText(`was ${original}`).waitFor({ timeout: 10000 });

    // Discard drops a staged change: the control shows the host's value again, /sys keeps it.
    await page.getByTestId(`knob-input-${ID}`).selectOption(third);
    await diff.waitFor({ timeout: 10000 });
    await page.getByTestId('knobs-discard').click();
    await page.getByTestId('knobs-diff').waitFor({ state: 'detached', timeout: 10000 });
    expect(await page.getByTestId(`knob-input-${ID}`).inputValue()).toBe(next);
    expect(onSys()).toBe(next);
    // The last Apply's results stay until the next one.
    expect(await result.textContent()).toContain(`${original} → ${next}`);

    // Staged against `next`, then the knob changes underneath (as `echo … > defrag` would):
    // Apply writes nothing and shows the conflict; keeping the staged value then writes it.
    await page.getByTestId(`knob-input-${ID}`).selectOption(third);
    await diff.waitFor({ timeout: 10000 });
    writeFileSync(DEFRAG, original);
    await page.getByTestId('knobs-apply').click();
    const conflict = page.getByTestId(`knobs-conflict-${ID}`);
    await conflict.waitFor({ timeout: 10000 });
    expect(await conflict.textContent()).toContain(`it was ${next}, it is now ${original}`);
    expect(await page.getByTestId('knobs-error').textContent()).toMatch(/Nothing was written: thp\.defrag changed since you staged it/);
    expect(await page.getByTestId('knobs-apply').isDisabled()).toBe(true);
    expect(onSys()).toBe(original);
    await page.screenshot({ path: join(ARTIFACTS, 'safety-conflict.png') });
    await page.getByTestId(`knobs-keep-${ID}`).click();
    expect(await diff.textContent()).toContain(`${original} → ${third}`);
    await page.getByTestId('knobs-apply').click();
    await waitForSys(third);

    await page.getByTestId('knobs-restore').click();
    await waitForSys(original);
    // Every step above reads the host's knobs again (a probe of every knob file: seconds each here).
  }, 180_000);

  it('lists boxes by who started them, with the starter pid and whether it lives, and confirms before one goes', async () => {
    await openView('testbox');
    const accel = (await page.getByTestId('tb-accel').textContent()) ?? '';
    if (!existsSync('/dev/kvm')) expect(accel).toMatch(/Accelerator here: TCG\..*\/dev\/kvm does not exist here.*10-50x slower/);
    else expect(accel).toMatch(/Accelerator here: (KVM|TCG)/);

    const mine = page.getByTestId('tb-list');
    const elsewhere = page.getByTestId('tb-list-elsewhere');
    await mine.getByTestId('tb-box-lab-box').waitFor({ timeout: 10000 });
    expect(await page.getByTestId('tb-owner-lab-box').textContent()).toBe(`this lab (pid ${serve.child.pid})`);
    expect(await elsewhere.getByTestId('tb-box-term-box').count()).toBe(1);
    expect(await mine.getByTestId('tb-box-term-box').count()).toBe(0);
    expect(await page.getByTestId('tb-owner-term-box').textContent()).toBe(`numa-lab testbox up, pid ${other!.pid}, still running`);

    // The confirmation names the box, its kernel and who started it; Cancel leaves it alone.
    await page.getByTestId('tb-down-term-box').click();
    const dialog = page.getByTestId('tb-confirm');
    await dialog.waitFor({ timeout: 5000 });
    expect(await dialog.getByRole('heading').textContent()).toBe('Remove testbox:term-box?');
    expect(await page.getByTestId('tb-confirm-box').textContent()).toContain('Kernel 6.1.0-41-amd64, 4 nodes');
    expect(await page.getByTestId('tb-confirm-owner').textContent()).toBe(`Started elsewhere: numa-lab testbox up, pid ${other!.pid}, still running. That process may still be using it.`);
    await page.screenshot({ path: join(ARTIFACTS, 'safety-confirm.png') });
    await page.getByTestId('tb-confirm-cancel').click();
    await dialog.waitFor({ state: 'detached', timeout: 5000 });
    expect(existsSync(join(boxDir('term-box'), 'box.json'))).toBe(true);

    // The starter exits: the row says so once the view reads the list again (on being shown).
    const gone = new Promise((r) => other!.once('exit', r));
    other!.kill('SIGTERM');
    await gone;
    await openView('knobs');
    await openView('testbox');
    await page.getByTestId('tb-owner-term-box').getByText(`numa-lab testbox up, pid ${other!.pid}, exited`).waitFor({ timeout: 10000 });

    await page.getByTestId('tb-down-term-box').click();
    await page.getByTestId('tb-confirm-yes').click();
    await page.getByTestId('tb-box-term-box').waitFor({ state: 'detached', timeout: 15000 });
    expect(existsSync(boxDir('term-box'))).toBe(false);
    expect(await page.getByTestId('tb-box-lab-box').count()).toBe(1);
  });

  it('draws every button in the dark theme, Telemetry and Hosts included, and keeps the tabs their own', async () => {
    const face: [number, number, number] = [0x1b, 0x2a, 0x3a];
    await openView('telemetry');
    const start = page.getByTestId('telemetry-start');
    await start.waitFor({ timeout: 15000 });
    await page.screenshot({ path: join(ARTIFACTS, 'safety-telemetry.png') });
    expectColour(await faceColour(start), face, 'Telemetry: Start sampling');
    await openView('hosts');
    expectColour(await faceColour(page.getByTestId('hosts-connect')), face, 'Hosts: Connect');
    // A tab that is not selected stays flat on the page background.
    expectColour(await faceColour(page.getByTestId('tab-knobs')), [0x0b, 0x0f, 0x14], 'the Knobs tab');
    await openView('testbox');
    expectColour(await faceColour(page.getByTestId('tb-down-lab-box')), [0x2e, 0x16, 0x19], 'Boxes: Remove (danger)');
  });
});
