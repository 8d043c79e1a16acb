import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Lab } from '../../src/main/lab';
import { repoRoot } from '../../src/main/repoRoot';
import { readDescriptor, registerTestboxTransport, testboxDown, testboxList, testboxUp } from '../../src/main/testbox';
import { resolveKernel } from '../../src/main/testbox/kernel';
import type { BuiltKernel } from '../../src/main/kernelBuild';
import { ARTIFACTS, openLabInChromium } from '../e2e/labInChromium';
import { LIVENESS_BOUND_MS } from '../support/liveness';
import { simulate } from '../../src/sim';

/**
 * The lab's main workflow for a kernel developer: build a kernel from a source tree and
 * patches, boot it as a 2-node box, run the migration workloads against it, and see its crash
 * as a result. The source is Debian's linux-source-6.12; the patch is Zi Yan's v5 as posted
 * (test/fixtures/kernel-patches), whose BUG the seed thread reports. The builds are cached in the
 * lab's cache across runs (a cold one takes minutes, a cached one a moment).
 */
const NUMA_LAB = join(repoRoot(), 'bin', 'numa-lab.mjs');
const V5_PATCH = join(repoRoot(), 'test', 'fixtures', 'kernel-patches', 'v5-split-into-from-6.12.patch');
// The patch described to the model: 6.12 with v5's split target, uncounted (not the whole March 2024 tree of v5-posted).
const V5_VARIANT = join(repoRoot(), 'test', 'fixtures', 'kernel-patches', 'v5-split-into-from-6.12.variant.json');
// Between v5 and the merged form: v5's split target, with 6.12's nr_failed++ kept.
const COUNTED_PATCH = join(repoRoot(), 'test', 'fixtures', 'kernel-patches', 'split-into-from-counted-6.12.patch');
const COUNTED_VARIANT = join(repoRoot(), 'test', 'fixtures', 'kernel-patches', 'split-into-from-counted-6.12.variant.json');
const log = (line: string) => console.log(`[own-kernel] ${line}`);
const labDir = mkdtempSync(join(tmpdir(), 'numalab-own-kernel-'));
const labDb = join(labDir, 'lab.db');
const tag = process.pid;
registerTestboxTransport();

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}
async function cli(args: string[], timeout = 300_000): Promise<CliResult> {
  const t0 = Date.now();
  return promisify(execFile)(process.execPath, [NUMA_LAB, ...args], { timeout, maxBuffer: 64 << 20 }).then(
    (x) => ({ code: 0, stdout: x.stdout, stderr: x.stderr, ms: Date.now() - t0 }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr, ms: Date.now() - t0 }),
  );
}
function json<T = any>(r: CliResult): T {
  expect(r.stdout, r.stderr.slice(-3000)).toMatch(/^\{/);
  return JSON.parse(r.stdout) as T;
}

let plain: BuiltKernel;
let v5: BuiltKernel;
let lab: Lab;

beforeAll(async () => {
  // As a user's CI calls it. The first build of the day is cold (download, unpack, ~1100 objects).
  const first = await cli(['kernel', 'build', '--source', 'debian:6.12', '--json'], 900_000);
  plain = json(first);
  log(`kernel build --source debian:6.12: ${plain.cached ? 'cached' : `cold, ${plain.objectsBuilt} objects`} in ${(first.ms / 1000).toFixed(1)} s (build ${(plain.buildMs / 1000).toFixed(1)} s) → ${plain.release}`);
  const patched = await cli(['kernel', 'build', '--source', 'debian:6.12', '--patch', V5_PATCH, '--variant', V5_VARIANT, '--json'], 900_000);
  v5 = json(patched);
  log(`kernel build + v5 patch: ${v5.cached ? 'cached' : `${v5.objectsBuilt} objects`} in ${(patched.ms / 1000).toFixed(1)} s`);
  writeFileSync(join(ARTIFACTS, 'kernel-build-times.json'), JSON.stringify({ plain: { cached: plain.cached, cliMs: first.ms, buildMs: plain.buildMs, objects: plain.objectsBuilt }, v5: { cached: v5.cached, cliMs: patched.ms, objects: v5.objectsBuilt } }, null, 2));
  lab = new Lab({ dbPath: labDb, shell: 'headless', knobs: { autoRestore: false } });
}, 1_500_000);

afterAll(async () => {
  await lab?.close();
  rmSync(labDir, { recursive: true, force: true });
}, 60_000);

/** What the guest's kernel log says about the machine it booted on: a topology it had to warn about taints it W. */
async function bootHealth(target: string) {
  const s = await lab.session(target);
  const out = await s.run('cat /proc/sys/kernel/tainted; dmesg | grep -iE "WARNING|topology|not on the same node|llc-sibling" | head -5; mount | grep -c " /sys/kernel/tracing type tracefs"');
  const lines = out.trim().split('\n');
  return { tainted: Number(lines[0]), warnings: lines.slice(1, -1), tracefs: Number(lines[lines.length - 1]) };
}

describe('kernel build', () => {
  it('builds Debian 6.12 for the box, caches it by its inputs, and rebuilds a one-file patch incrementally', async () => {
    expect(plain.release).toMatch(/^6\.12\.\d+$/);
    expect(plain.source).toMatch(/^linux-source-6\.12 6\.12\.\d+-\d+/);
    // The same inputs again: the cached bzImage, at once.
    const again = json<BuiltKernel>(await cli(['kernel', 'build', '--source', 'debian:6.12', '--json']));
    expect(again.cached).toBe(true);
    expect(again.bzImage).toBe(plain.bzImage);
    expect(again.key).toBe(plain.key);
    // The patch changes the key and the kernel, not the release; only what depends on mm/migrate.c was compiled.
    expect(v5.key).not.toBe(plain.key);
    expect(v5.release).toBe(plain.release);
    expect(v5.variant).toEqual(JSON.parse(readFileSync(V5_VARIANT, 'utf8')));
    expect(v5.patches.map((p) => p.file)).toEqual([V5_PATCH]);
    if (!v5.cached) expect(v5.objectsBuilt).toBeLessThan(50);
  });

  it('refuses a patch that does not apply, naming the file and the hunk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bad-patch-'));
    try {
      const bad = join(dir, 'stale.patch');
      writeFileSync(bad, '--- a/mm/migrate.c\n+++ b/mm/migrate.c\n@@ -1,3 +1,3 @@\n-no such line one\n-no such line two\n+x\n+y\n no such context\n');
      const r = await cli(['kernel', 'build', '--source', 'debian:6.12', '--patch', bad]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/patch stale\.patch does not apply: mm\/migrate\.c hunk #1 at line 1/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('testbox up --kernel <bzImage>', () => {
  it("boots a copy of Debian's vmlinuz from a temporary path: its release, 2 nodes, the model it maps to, no topology warning", async () => {
    const debian = await resolveKernel('6.12', log);
    const dir = mkdtempSync(join(tmpdir(), 'vmlinuz-copy-'));
    const copy = join(dir, 'vmlinuz');
    copyFileSync(debian.vmlinuz, copy);
    const name = `deb-copy-${tag}`;
    try {
      const up = await cli(['testbox', 'up', '--kernel', copy, '--name', name, '--json'], 240_000);
      const box = json(up);
      expect(box.release).toBe(debian.release);
      expect(box.variant).toBe('linux-6.12+');
      expect(box.variantSource).toBe('release');
      const facts = await lab.probe(box.target);
      expect(facts.kernelRelease).toBe(debian.release);
      expect(facts.nodes.map((n) => n.id)).toEqual([0, 1]);
      const health = await bootHealth(box.target);
      expect(health.warnings).toEqual([]);
      expect(health.tainted).toBe(0);
      expect(health.tracefs).toBe(1);
    } finally {
      await lab.dropSession(`testbox:${name}`);
      await testboxDown(name).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});

describe('a kernel of our own against the model', () => {
  it('ab: the unpatched build agrees with linux-6.12+; the v5 build crashes in migrate_misplaced_folio, as 6.12 with v5\'s switches predicts', async () => {
    const r = await cli(['ab', '--kernel', plain.bzImage, '--kernel', v5.bzImage, '--workload', 'numa-touch', '--param', 'thps=1', '--param', 'unmap=0.5', '--baseline', '0', '--cooldown', '0', '--json', '--db', labDb], 600_000);
    const c = json(r);
    expect(r.code, r.stderr.slice(-2000)).toBe(0);
    expect(c.a.model).toBe('linux-6.12+');
    expect(c.a.verdict, c.a.reason).toBe('agrees');
    expect(c.a.crash).toBeNull();
    expect(c.b.model).toBe('v5 on 6.12');
    expect(c.b.verdict, c.b.reason).toBe('crash as predicted');
    expect(c.b.crash.headline).toMatch(/^kernel BUG at mm\/migrate\.c:\d+!$/);
    expect(c.b.crash.rip).toMatch(/^migrate_misplaced_folio\+0x/);
    expect(c.b.crash.phase).toBe('migrate');
    expect(c.b.predictedBug).toMatch(/BUG_ON\(!list_empty\(&migratepages\)\)/);
    // Both sides' set-up phase was measured (B's before its crash), each beside its model's number.
    const setupFaults = c.rows.find((x: any) => x.phase === 'setup' && x.counter === 'thp_fault_alloc');
    expect(setupFaults.a.mean).toBe(1);
    expect(setupFaults.b.mean).toBe(1);
    expect(setupFaults.predictedA).toBe(1);
    expect(c.predictedFrom).toEqual({ a: 'replay', b: 'forecast' });
  }, 700_000);

  it('a crash is a result: BUG line, RIP, call trace, time into the phase, the deltas before it; --repeat reboots the box and goes on; thp-move does not crash', async () => {
    const name = `v5-${tag}`;
    const box = await testboxUp({ kernel: v5.bzImage, nodes: 2, memPerNodeMiB: 1024, cpusPerNode: 1, name, log });
    try {
      expect(box.variant).toBe('v5 on 6.12');
      expect(box.variantDefinition?.behaviours).toEqual({ deferred_split_target: 'from', deferred_split_counts_as_failure: 'no' });
      expect(box.variantSource).toBe('build');
      const health = await bootHealth(box.target);
      expect(health).toEqual({ tainted: 0, warnings: [], tracefs: 1 });
      await lab.dropSession(box.target);

      // move_pages(2) migrates a list of many folios: the early end of the walk leaves none behind.
      const move = await cli(['run', box.target, '--workload', 'thp-move', '--param', 'thps=8', '--json', '--db', labDb], 240_000);
      const mj = json(move);
      expect(mj.repetitions.map((x: any) => x.status)).toEqual(['completed']);
      expect(mj.verdict).not.toMatch(/crash/);

      const run = await cli(['run', box.target, '--workload', 'numa-touch', '--param', 'thps=1', '--param', 'unmap=0.5', '--repeat', '2', '--baseline', '0', '--cooldown', '0', '--json', '--db', labDb], 400_000);
      const j = json(run);
      expect(run.code, run.stderr.slice(-2000)).toBe(0);
      expect(j.verdict, j.reason).toBe('crash as predicted');
      expect(j.repetitions.map((x: any) => x.status)).toEqual(['crashed', 'crashed']);
      for (const rep of j.repetitions) {
        expect(rep.crash.headline).toMatch(/^kernel BUG at mm\/migrate\.c:\d+!$/);
        expect(rep.crash.ripFunction).toBe('migrate_misplaced_folio');
        expect(rep.crash.comm).toBe('thp-move');
        // The ORC unwinder's trace: the hinting fault that led there, frames without "? ".
        expect(rep.crash.callTrace.filter((f: string) => !f.startsWith('? ')).join(' ')).toMatch(/handle_mm_fault/);
        expect(rep.crash.phase).toBe('migrate');
        expect(rep.crash.sincePhaseS).toBeGreaterThan(0);
        expect(rep.crash.text).toMatch(/Kernel panic - not syncing/);
        // What was measured before the crash is kept: the set-up phase's exact deltas.
        expect(rep.phases.setup.thp_fault_alloc).toBe(1);
      }
      // The knobs the lab set died with the kernel: nothing is "restored" on a dead box at close.
      expect(run.stderr).not.toMatch(/could not restore knobs/);
      // The second repetition ran on a box booted again after the first crash.
      expect(readDescriptor(name)?.boots).toBe(2);
    } finally {
      await lab.dropSession(`testbox:${name}`);
      await testboxDown(name).catch(() => undefined);
    }
  }, 900_000);
});

describe('a patch described as switches, built as a real kernel', () => {
  it("6.12 with v5's split target but the failure still counted: no BUG, the THP split and its subpages migrated one hinting fault each, exactly as its variant predicts", async () => {
    // One mm/migrate.c line over the cached 6.12 build: a rebuild of a few objects.
    const built = json<BuiltKernel>(await cli(['kernel', 'build', '--source', 'debian:6.12', '--patch', COUNTED_PATCH, '--variant', COUNTED_VARIANT, '--json'], 900_000));
    log(`kernel build + counted patch: ${built.cached ? 'cached' : `${built.objectsBuilt} objects`}`);
    const name = `counted-${tag}`;
    const box = await testboxUp({ kernel: built.bzImage, nodes: 2, memPerNodeMiB: 1024, cpusPerNode: 1, name, log });
    try {
      expect(box.variant).toBe('split into from, counted (6.12)');
      const run = await cli(['run', box.target, '--workload', 'numa-touch', '--param', 'thps=1', '--param', 'unmap=0.5', '--baseline', '0', '--cooldown', '0', '--json', '--db', labDb], 400_000);
      const j = json(run);
      expect(j.model).toMatchObject({ name: 'split into from, counted (6.12)', base: 'linux-6.12+', overrides: { deferred_split_target: 'from' } });
      // On a disagreement, every row that diverged and why, and the run's warnings (exit 3 alone says none of it).
      const diverged = (j.verdicts as Array<{ counter: string; verdict: string; measured: number; predicted: number; allowed: number; reason?: string }>)
        .filter((v) => v.verdict === 'diverged')
        .map((v) => `${v.counter}: measured ${v.measured}, predicted ${v.predicted}, allowed ${v.allowed}${v.reason ? ` (${v.reason})` : ''}`);
      expect(j.verdict, [j.reason, ...diverged, ...(j.warnings as string[])].join('\n')).toBe('agrees');
      expect(run.code, run.stderr.slice(-2000)).toBe(0);
      const measured = j.measured.deltas;
      expect(measured.thp_migration_split).toBe(1);
      // The subpages left on `from` were put back and came one by one: hundreds of hinting faults, not a dozen.
      expect(measured.numa_hint_faults).toBeGreaterThan(200);
      // The stock 6.12 model on the same spec migrates the split THP at its first fault: it could not have agreed.
      const stock = simulate({ topology: { nodes: [0, 1].map((id) => ({ id, cpus: [id], memMiB: 1024 })) }, kernel: 'linux-6.12+', workload: 'numa-touch', params: { thps: 1, unmap: 0.5 }, knobs: { 'numa.balancing': 1 } });
      expect(stock.deltas.numa_hint_faults).toBeLessThan(50);
    } finally {
      await lab.dropSession(`testbox:${name}`);
      await testboxDown(name).catch(() => undefined);
    }
  }, 1_200_000);
});

describe("the box's terminal pane (Chromium)", () => {
  it('has job control and the pane size: Ctrl-C interrupts sleep 30, stty size is the pane', async () => {
    const name = `term-${tag}`;
    const box = await testboxUp({ kernel: plain.bzImage, nodes: 2, memPerNodeMiB: 512, cpusPerNode: 1, name, log });
    const ui = await openLabInChromium('testbox-terminal', { width: 1400, height: 900 });
    try {
      const { page, serve } = ui;
      await page.goto(serve.url);
      await page.getByTestId('tab-hosts').click();
      await page.getByTestId('hosts-add-target').fill(box.target);
      await page.getByTestId('hosts-connect').click();
      await page.getByTestId(`host-tab-${box.target}`).click();
      const term = page.getByTestId('terminal').last();
      await term.click();
      await page.keyboard.press('Enter');
      // The pane's size reaches the guest's tty from the admin port once the pane has laid out:
      // ask again until it has (a first answer can be "0 0"), within the liveness bound.
      await expect
        .poll(
          async () => {
            await page.keyboard.type('stty size');
            await page.keyboard.press('Enter');
            await new Promise((r) => setTimeout(r, 500));
            return /^\s*([1-9]\d*) ([1-9]\d*)\s*$/m.test((await term.innerText()).replace(/stty size/g, ''));
          },
          { timeout: LIVENESS_BOUND_MS, interval: 1000 },
        )
        .toBe(true);
      await page.keyboard.type('sleep 30; echo SLEPT');
      await page.keyboard.press('Enter');
      await new Promise((r) => setTimeout(r, 1000));
      const t0 = Date.now();
      await page.keyboard.press('Control+C');
      await page.keyboard.type('echo BACK$((40+2))');
      await page.keyboard.press('Enter');
      // Without job control the shell waits out the 30 s (29 s from here): the bound is well before that.
      await expect.poll(async () => (await term.innerText()).includes('BACK42'), { timeout: LIVENESS_BOUND_MS }).toBe(true);
      log(`Ctrl-C to the next prompt's answer: ${Date.now() - t0} ms`);
      expect(await term.innerText()).not.toMatch(/^SLEPT$/m);
      await page.screenshot({ path: join(ARTIFACTS, 'testbox-terminal.png') });
    } finally {
      await ui.close();
      await testboxDown(name).catch(() => undefined);
    }
  }, 300_000);
});

describe('the NUMA box view and the Experiments view (Chromium)', () => {
  it('builds the patched kernel (cached), boots it with its declared model, and runs A/B against the base build', async () => {
    // The patch under test, saved in the store as the Simulator saves it; the build form offers it.
    lab.variants.save(JSON.parse(readFileSync(V5_VARIANT, 'utf8')));
    const ui = await openLabInChromium('own-kernel-ui', { width: 1400, height: 1000 }, labDb);
    const booted = () => testboxList().filter((b) => b.vmlinuz === v5.bzImage);
    try {
      const { page, serve } = ui;
      await page.goto(serve.url);
      await page.getByTestId('tab-testbox').click();
      await page.getByTestId('kb-patches').fill(V5_PATCH);
      await page.getByTestId('kb-variant').selectOption('saved:v5 on 6.12');
      await page.getByTestId('kb-build').click();
      const result = page.getByTestId('kb-result');
      await result.waitFor({ timeout: 120_000 });
      expect(await result.textContent()).toContain(`key ${v5.key}`);
      expect(await result.textContent()).toContain('model v5 on 6.12');
      await page.screenshot({ path: join(ARTIFACTS, 'kernel-build-1400x1000.png') });
      await page.getByTestId('kb-boot').click();
      await expect.poll(() => booted().filter((b) => b.running).length, { timeout: 120_000 }).toBe(1);
      await expect.poll(async () => (await page.getByTestId('tb-list').textContent()) ?? '', { timeout: 20_000 }).toContain('v5 on 6.12');

      // A/B from the Experiments view: the same numa-touch spec on the base build and on the patched one.
      await page.getByTestId('tab-experiments').click();
      await page.getByTestId('exp-workload').selectOption('numa-touch');
      await page.getByTestId('sim-param-thps').fill('1');
      await page.getByTestId('sim-param-unmap').fill('0.5');
      await page.getByTestId('ab-a').selectOption(`build:${plain.key}`);
      await page.getByTestId('ab-b').selectOption(`build:${v5.key}`);
      await page.getByTestId('ab-go').click();
      const sideB = page.getByTestId('ab-side-B');
      await sideB.waitFor({ timeout: 400_000 });
      expect(await sideB.textContent()).toMatch(/model v5 on 6\.12 .*crash as predicted/);
      expect(await sideB.textContent()).toMatch(/crashed: kernel BUG at mm\/migrate\.c:\d+! at migrate_misplaced_folio\+0x/);
      expect(await page.getByTestId('ab-side-A').textContent()).toMatch(/model linux-6\.12\+ .*agrees/);
      await page.getByTestId('ab').scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(ARTIFACTS, 'experiments-ab-1400x1000.png') });
    } finally {
      await ui.close();
      for (const b of booted()) await testboxDown(b.name).catch(() => undefined);
    }
  }, 700_000);
});
