import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lab } from '../../src/main/lab';
import { repoRoot } from '../../src/main/repoRoot';
import { numaLab } from '../support/numaLabCli';
import { buildCompactor } from '../support/compactor';
import { until } from '../support/until';

// The kernel's migrate:mm_migrate_pages trace of this machine, through a real pty and the real
// tracefs: compaction of a fragmented region makes real migrate_pages() calls here, one node or not.
const dir = mkdtempSync(join(tmpdir(), 'numalab-trace-'));
/**
 * Where the lab finds tracefs, in its probe's order: /sys/kernel/tracing when mounted there, else
 * the view of it under debugfs (mounted here by any lab that mounts debugfs for its knobs).
 */
const tracing = () => (existsSync('/sys/kernel/tracing/instances') ? '/sys/kernel/tracing' : '/sys/kernel/debug/tracing');
const topEnable = () => `${tracing()}/events/migrate/mm_migrate_pages/enable`;
const labInstances = () => (existsSync(`${tracing()}/instances`) ? readdirSync(`${tracing()}/instances`).filter((n) => n.startsWith('numa-lab-')) : []);

let compact: (mib: number) => number;
let lab: Lab;

beforeAll(() => {
  // tracefs mounted as the lab would mount it, so the top-level state can be read before the lab's first trace.
  if (!existsSync('/sys/kernel/tracing/instances') && !existsSync('/sys/kernel/debug/tracing/instances')) execFileSync('mount', ['-t', 'tracefs', 'nodev', '/sys/kernel/tracing']);
  compact = buildCompactor(dir);
  lab = new Lab({ dbPath: join(dir, 'lab.db'), shell: 'headless', knobs: { autoRestore: false, mountDebugfs: false } });
});
afterAll(async () => {
  await lab?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the migrate_pages() trace of this machine', () => {
  it("stores each call of a compaction with its task, on the run's clock, and removes the lab's tracefs instance", async () => {
    const topBefore = existsSync(topEnable()) ? readFileSync(topEnable(), 'utf8') : null;
    const startedAt = Date.now();
    const runId = await lab.telemetry.start({ target: 'local', rateHz: 10, trace: true, traceLive: false });
    expect(await lab.telemetry.traceReady(runId)).toEqual({ capturing: true, missing: null });
    // Other labs (parallel tests) may trace this machine too, each in an instance of its own: this run's is in its journal.
    const { instance, tracefs } = lab.telemetry.traces.open('local').find((e) => e.runId === runId)!;
    expect(tracefs).toBe(tracing());
    expect(readFileSync(`${tracefs}/instances/${instance}/events/migrate/mm_migrate_pages/enable`, 'utf8').trim()).toBe('1');
    expect(readFileSync(`${tracefs}/instances/${instance}/trace_clock`, 'utf8')).toContain('[mono]');
    await until('5 stored samples', () => lab.telemetry.repo.get(runId).samples >= 5);
    const pid = compact(128);
    await lab.telemetry.stop(runId);
    const runSeconds = (Date.now() - startedAt) / 1000;

    const capture = lab.telemetry.traceOf(runId)!;
    expect(capture).toMatchObject({ status: 'captured', reason: null, overrun: 0, dropped: 0, malformed: 0, runId });
    expect(capture.events).toContain('migrate/mm_migrate_pages');
    const reply = (await lab.dispatch('runs.migrateCalls', { runId })) as { calls: Array<Record<string, unknown>>; capture: unknown };
    expect(reply.capture).toEqual(capture);
    const mine = reply.calls.filter((c) => c.pid === pid);
    expect(mine.length, `calls of the compacting process ${pid} among ${reply.calls.length}`).toBeGreaterThan(0);
    for (const c of mine) expect(c).toMatchObject({ reason: 'compaction', mode: expect.stringMatching(/^MIGRATE_(SYNC|SYNC_LIGHT|ASYNC)$/) });
    expect(mine.reduce((n, c) => n + Number(c.succeeded) + Number(c.failed), 0)).toBeGreaterThan(0);
    // On the run's clock (seconds from its start), not the host's monotonic clock: within the run as
    // the test timed it. Not bounded by the last sample: a compaction can starve the sampler.
    for (const c of reply.calls) expect(Number(c.t)).toBeGreaterThanOrEqual(0), expect(Number(c.t)).toBeLessThanOrEqual(runSeconds);

    expect(labInstances()).not.toContain(instance);
    expect(existsSync(topEnable()) ? readFileSync(topEnable(), 'utf8') : null).toBe(topBefore);
    expect(lab.telemetry.traces.open('local')).toEqual([]);
  }, 60_000);

  it('after a kill -9 of the lab mid-trace, the next start puts the tracing state back', async () => {
    const db = join(dir, 'killed.db');
    const env = { ...process.env, NUMA_LAB_KNOBS_AUTORESTORE: '1' };
    const before = labInstances();
    const child = spawn(process.execPath, [join(repoRoot(), 'bin', 'numa-lab.mjs'), 'sample', 'local', '--trace', '--duration', '120', '--db', db], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    try {
      await until('the lab tracing', () => /tracing migrate:mm_migrate_pages/.test(err), 30_000);
      const [instance] = labInstances().filter((n) => !before.includes(n));
      const enable = `${tracing()}/instances/${instance}/events/migrate/mm_migrate_pages/enable`;
      expect(readFileSync(enable, 'utf8').trim()).toBe('1');
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      // Dead lab, live kernel state: the instance, its enabled events and its reader are still there.
      expect(readFileSync(enable, 'utf8').trim()).toBe('1');

      const next = await numaLab('runs', 'list', '--db', db);
      expect(next.code, next.stderr).toBe(0);
      expect(existsSync(enable)).toBe(false);
      expect(labInstances()).not.toContain(instance);
      const readers = readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
        try {
          return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(`${instance}/trace_pipe`);
        } catch {
          return false;
        }
      });
      expect(readers).toEqual([]);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 90_000);
});
