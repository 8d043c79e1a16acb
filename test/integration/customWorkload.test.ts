import { describe, expect, it } from 'vitest';
import { labInTempDir } from '../support/labInTempDir';

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
