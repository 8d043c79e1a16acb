import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { labInTempDir } from '../support/labInTempDir';
import { numaLab } from '../support/numaLabCli';

// The `custom` workload: any command line, measured (one `run` phase between two exact
// /proc/vmstat snapshots) but not simulated. The command is one quoted argument of sh -c.
const lab = labInTempDir('custom');

describe('a custom command as an experiment', () => {
  it('is measured in one run phase, keeps its output, and is not simulated', async () => {
    const cmd = `echo "it's \`printf ok\`; $((6*7))"; head -c 4000000 /dev/zero | wc -c`;
    const { done } = await lab.experiments.start({ target: 'local', workload: 'custom', params: { cmd }, knobs: {}, repeat: 1, rateHz: 10, baselineS: 0, cooldownS: 0 });
    const row = await done;
    expect(row.status).toBe('completed');
    const m = row.outcome!.measured[0];
    expect(Object.keys(m.phases)).toEqual(['run']);
    expect(m.phases.run.pgfault).toBeGreaterThan(0);
    expect(m.output).toContain("it's ok; 42");
    expect(m.output).toContain('4000000');
    expect(row.outcome!.predicted).toBeNull();
    expect(row.outcome!.verdicts).toEqual([]);
    expect(row.outcome!.diverged).toBe(false);
    // Neutral, never green: nothing was compared.
    expect(row.outcome!.judgement).toMatchObject({ verdict: 'not compared' });
    expect(row.outcome!.forecast).toBeNull();
    expect(m.exitCode).toBe(0);
    expect(row.verdict).toBe('not compared');
  });

  it('reports a failing command with its status', async () => {
    const { done } = await lab.experiments.start({ target: 'local', workload: 'custom', params: { cmd: 'echo nope >&2; exit 7' }, knobs: {}, repeat: 1, rateHz: 10, baselineS: 0, cooldownS: 0 });
    const row = await done;
    expect(row.status).toBe('failed');
    expect(row.error).toMatch(/status 7: nope/);
    expect(row.outcome!.measured[0]).toMatchObject({ exitCode: 7, stderr: 'nope\n' });
  });
});

describe('a custom command from `numa-lab run --json`', () => {
  const dir = mkdtempSync(join(tmpdir(), 'numalab-custom-json-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('has its own output and exit status in the JSON: the first repetition beside the mean deltas, and each repetition', { timeout: 120_000 }, async () => {
    const db = join(dir, 'lab.db');
    const r = await numaLab('run', 'local', '--workload', 'custom', '--param', 'cmd=echo to-stdout; echo to-stderr >&2; exit 3', '--baseline', '0', '--cooldown', '0', '--no-trace', '--json', '--db', db);
    // A command that exits non-zero fails the experiment (exit 1), and its result is still printed.
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout) as { status: string; measured: Record<string, unknown>; repetitions: Array<Record<string, unknown>> };
    expect(j.status).toBe('failed');
    expect(j.measured).toMatchObject({ exitCode: 3, output: 'to-stdout\n', stderr: 'to-stderr\n' });
    expect(j.measured.deltas).toBeTypeOf('object');
    expect(j.repetitions[0]).toMatchObject({ exitCode: 3, output: 'to-stdout\n', stderr: 'to-stderr\n' });
  });
});
