import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { Lab } from '../../src/main/lab';
import { repoRoot } from '../../src/main/repoRoot';
import { until } from '../support/until';

// The lab (the real CLI, a child process) samples this machine into a temp db and is killed -9
// mid-run: every sample older than one second must be in the file, and the next lab to open the
// file marks the run interrupted, saying why.
const dir = mkdtempSync(join(tmpdir(), 'numalab-kill-'));
const dbPath = join(dir, 'lab.db');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** CLOCK_MONOTONIC now, in seconds: the clock the sampler stamps frames with when root. */
function monotonicNow(): number {
  const m = /now at (\d+) nsecs/.exec(readFileSync('/proc/timer_list', 'utf8').slice(0, 200));
  return Number(m![1]) / 1e9;
}

describe('kill -9 of the lab mid-run', () => {
  it('keeps every sample older than 1 s and marks the run interrupted at the next start', async () => {
    const child = spawn(process.execPath, [join(repoRoot(), 'bin', 'numa-lab.mjs'), 'sample', 'local', '--rate', '10', '--duration', '60s', '--db', dbPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise<void>((r) => child.on('exit', () => r()));
    const runId = Number((await until('the run id', () => /run (\d+): sampling/.exec(out) ?? undefined, 20_000))[1]);
    const ro = () => new Database(dbPath, { readonly: true, fileMustExist: true });
    await until('2.5 s of stored samples', () => {
      if (!existsSync(dbPath)) return false;
      const db = ro();
      try {
        return ((db.prepare('SELECT last_t_ms FROM runs WHERE id = ?').get(runId) as { last_t_ms: number | null }).last_t_ms ?? 0) >= 2500;
      } finally {
        db.close();
      }
    }, 20_000);
    const killedAt = monotonicNow();
    child.kill('SIGKILL');
    await exited;

    const db = ro();
    const run = db.prepare('SELECT status, host_t0, host_clock FROM runs WHERE id = ?').get(runId) as { status: string; host_t0: number; host_clock: string };
    const times = (db.prepare('SELECT t_ms FROM sample_times WHERE run_id = ? ORDER BY t_ms').raw().all(runId) as number[][]).map((r) => r[0]);
    db.close();
    expect(run.status).toBe('running');
    expect(run.host_clock).toMatch(/CLOCK_MONOTONIC/);
    const sinceStartMs = (killedAt - run.host_t0) * 1000;
    // Every sample up to one second before the kill is there, with no hole in between.
    expect(times[times.length - 1]).toBeGreaterThanOrEqual(sinceStartMs - 1000);
    // A hole would be a stored batch missing in the middle: a second or more with no sample (a
    // late tick on a loaded machine is a few hundred ms at most).
    const holes = times.slice(1).map((t, i) => ({ at: times[i], gap: t - times[i] })).filter((x) => x.gap >= 1000);
    expect(holes).toEqual([]);
    expect(times[0]).toBe(0);

    // The host side died with the pty: its kmsg reader and temp files go away.
    await until('the sampler to clean up after itself', () => !readdirSync(process.env.TMPDIR || '/tmp').some((f) => /^\.numalab-(kmsg|tick)-/.test(f)), 5000);

    const lab = new Lab({ dbPath, shell: 'headless', knobs: { autoRestore: false, mountDebugfs: false } });
    try {
      const after = lab.telemetry.repo.get(runId);
      expect(after.status).toBe('interrupted');
      expect(after.statusReason).toMatch(/ended without closing the run/);
      expect(after.statusReason).toMatch(/last stored sample at/);
      expect(lab.telemetry.recovered).toContain(runId);
    } finally {
      await lab.close();
    }
  });
});
