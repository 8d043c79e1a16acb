import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lab } from '../../src/main/lab';
import { parseSysfsChoice } from '../../src/shared/sysfsChoice';
import { repoRoot } from '../../src/main/repoRoot';
import { lockMachineKnobs, restoreKnobFiles, snapshotKnobFiles, type KnobFileSnapshot } from '../support/knobGuard';

// The lab is killed with SIGKILL right after changing THP and NUMA balancing on this machine;
// the next start of the lab must find the journal and put both back.
const THP_ENABLED = '/sys/kernel/mm/transparent_hugepage/enabled';
const NUMA_BALANCING = '/proc/sys/kernel/numa_balancing';
let snap: KnobFileSnapshot | undefined;
let unlock = () => {};
const dir = mkdtempSync(join(tmpdir(), 'numalab-knobcrash-'));
const dbPath = join(dir, 'lab.db');
const labs: Lab[] = [];

beforeAll(async () => {
  unlock = await lockMachineKnobs();
  snap = snapshotKnobFiles();
});

afterAll(async () => {
  try {
    for (const l of labs) await l.close();
  } finally {
    if (snap) restoreKnobFiles(snap, { unmountDebugfs: true });
    unlock();
    rmSync(dir, { recursive: true, force: true });
  }
});

const thpNow = () => parseSysfsChoice(readFileSync(THP_ENABLED, 'utf8'))!.selected;
const nbNow = () => readFileSync(NUMA_BALANCING, 'utf8').trim();

async function runHolderAndKill(values: string[]): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot(), 'test', 'support', 'knobsHolder.ts'), dbPath, ...values], {
    cwd: repoRoot(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<NodeJS.Signals | number | null>((res) => child.on('exit', (code, sig) => res(sig ?? code)));
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`the holder never reported its writes:\n${out}`)), 25000);
    child.stdout!.on('data', () => {
      if (out.includes('SET ')) {
        clearTimeout(t);
        resolve();
      }
    });
    child.on('exit', () => reject(new Error(`the holder exited early:\n${out}`)));
  });
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
  return out;
}

describe('knobs after the lab is killed with SIGKILL', () => {
  it('restores transparent_hugepage/enabled and numa_balancing at the next start', async () => {
    const thp0 = thpNow();
    const nb0 = nbNow();
    const thp1 = thp0 === 'always' ? 'never' : 'always';
    const nb1 = nb0 === '1' ? '0' : '1';
    await runHolderAndKill([`thp.enabled=${thp1}`, `numa.balancing=${nb1}`]);
    // The dead lab's changes are really on the machine.
    expect(thpNow()).toBe(thp1);
    expect(nbNow()).toBe(nb1);

    // A start with auto-restore off only offers the restore, and changes nothing.
    const offering = new Lab({ dbPath, shell: 'headless', knobs: { autoRestore: false } });
    labs.push(offering);
    expect(await offering.knobRecovery).toEqual({ restored: [], offered: ['local'] });
    expect(await offering.dispatch('knobs.pending', {})).toEqual([{ target: 'local', knobIds: ['thp.enabled', 'numa.balancing'], orphaned: true }]);
    expect(thpNow()).toBe(thp1);
    await offering.close();

    // The default start restores the local host.
    const lab = new Lab({ dbPath, shell: 'headless' });
    labs.push(lab);
    const rec = await lab.knobRecovery;
    expect(rec.offered).toEqual([]);
    expect(rec.restored).toHaveLength(1);
    expect(rec.restored[0]).toMatchObject({ target: 'local', restored: 2, failed: 0 });
    // In the safe order: the THP switch before the numa_balancing switch.
    expect(rec.restored[0].results.map((r) => r.id)).toEqual(['thp.enabled', 'numa.balancing']);
    expect(thpNow()).toBe(thp0);
    expect(nbNow()).toBe(nb0);

    const j = lab.knobs.repo.journal('local');
    expect(j.entries.every((e) => e.restoredAt !== null && e.owner === null)).toBe(true);
    expect(j.changes.filter((c) => c.origin === 'recovery').map((c) => [c.knobId, c.newValue, c.outcome])).toEqual(
      expect.arrayContaining([
        ['thp.enabled', thp0, 'ok'],
        ['numa.balancing', nb0, 'ok'],
      ]),
    );
    expect(await lab.dispatch('knobs.pending', {})).toEqual([]);
  });
});
