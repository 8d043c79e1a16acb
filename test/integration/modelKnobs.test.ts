import { describe, expect, it } from 'vitest';
import { labInTempDir } from '../support/labInTempDir';

// `sim.*` knobs in an experiment are the model's inputs: they reach the prediction (and win over
// what the runs calibrate), they are never written to the host, and a wrong one is refused
// before anything runs. Measured on this machine with a THP-fault-only thp-move (one node is enough).
const lab = labInTempDir('modelknobs', { knobs: { autoRestore: false } });
const start = (knobs: Record<string, string>) =>
  lab.experiments.start({ target: 'local', workload: 'thp-move', params: { thps: '2', migrate: '0' }, knobs, repeat: 1, rateHz: 10, baselineS: 0, cooldownS: 0 });

describe('model knobs (sim.*) in an experiment', () => {
  it('go to the model and are recorded with the outcome, and nothing is written to the host', async () => {
    const row = await (await start({ 'sim.reserved_mib_per_node': '7', 'sim.hz': '1000' })).done;
    expect(row.status, String(row.error)).toBe('completed');
    expect(row.outcome!.spec.knobs).toMatchObject({ 'sim.reserved_mib_per_node': '7', 'sim.hz': '1000' });
    expect(row.outcome!.predicted!.phases.setup!.thp_fault_alloc).toBe(2);
    expect(lab.knobs.pending()).toEqual([]);
    expect(lab.knobs.stackDepth('local')).toBe(0);
  });

  it('an unknown or out-of-range one is refused with what is allowed, and nothing is stored', async () => {
    const before = lab.experiments.repo.list().length;
    await expect(start({ 'sim.cpu_shar': '1' })).rejects.toThrow(/unknown model knob "sim.cpu_shar"; allowed: .*sim.cpu_share/);
    await expect(start({ 'sim.cpu_share': '2' })).rejects.toThrow(/sim.cpu_share: given "2"; allowed: a number from 0.01 to 1/);
    expect(lab.experiments.repo.list()).toHaveLength(before);
    expect(lab.knobs.stackDepth('local')).toBe(0);
  });
});
