import { describe, expect, it } from 'vitest';
import type { HostFacts } from '../../shared/hostFacts';
import { ExperimentRequestSchema } from '../../shared/experiments/api';
import { planExperiment } from './plan';
import { RING4 } from '../../sim/test_helpers';

const box = (release: string, nodes = 2): HostFacts => ({
  target: 'testbox:b',
  hostname: 'numalab',
  kernelRelease: release,
  kernelVersion: '#1 SMP',
  machine: 'x86_64',
  uid: 0,
  numaConfigured: true,
  nodes: Array.from({ length: nodes }, (_, id) => ({ id, cpus: [id], memTotalMiB: 1000, memFreeMiB: 900 })),
  thp: { enabled: 'always', enabledAllowed: ['always', 'madvise', 'never'], defrag: 'madvise' } as HostFacts['thp'],
  numaBalancing: 0,
  probedAt: '2026-12-01T00:00:00Z',
});
const req = (workload: string, knobs: Record<string, string> = {}, extra: Record<string, unknown> = {}) => ExperimentRequestSchema.parse({ target: 'testbox:b', workload, params: {}, knobs, ...extra });
const BOX_KNOBS = { 'thp.enabled': 'always', 'numa.balancing': '0', 'khugepaged.scan_sleep_millisecs': '3600000' };

describe('planning an experiment: the knobs its workload needs, and what the comparison will not cover', () => {
  it('turns NUMA balancing on for a workload that moves memory only through it, and says it did', () => {
    const p = planExperiment(req('numa-touch'), box('6.12.118+deb13-amd64'), BOX_KNOBS);
    expect(p.hostKnobs).toEqual({ 'numa.balancing': '1' });
    expect(p.knobInputs).toEqual([expect.objectContaining({ knob: 'numa.balancing', value: '1', source: 'workload' })]);
    expect(p.mechanismOff).toBeUndefined();
    expect(p.warnings).toEqual([]);
  });

  it('keeps a user value that turns the mechanism off, with a warning and the reason for a neutral verdict', () => {
    const p = planExperiment(req('numa02', { 'numa.balancing': '0' }), box('6.12.118+deb13-amd64'), BOX_KNOBS);
    expect(p.hostKnobs).toEqual({ 'numa.balancing': '0' });
    expect(p.mechanismOff).toMatch(/^numa\.balancing=0 turns the mechanism off: numa02 needs numa\.balancing=1/);
    expect(p.warnings).toEqual([p.mechanismOff]);
    // 3 is NORMAL | MEMORY_TIERING: on.
    expect(planExperiment(req('numa02', { 'numa.balancing': '3' }), box('6.12.118+deb13-amd64'), BOX_KNOBS).mechanismOff).toBeUndefined();
  });

  it('sets nothing for the migration system calls, and keeps sim.* knobs for the model only', () => {
    const p = planExperiment(req('thp-move', { 'sim.hz': '1000', 'thp.enabled': 'madvise' }), box('6.1.0-57-amd64'), BOX_KNOBS);
    expect(p.hostKnobs).toEqual({ 'thp.enabled': 'madvise' });
    expect(p.modelKnobs).toEqual({ 'sim.hz': '1000' });
  });

  it('warns of a release newer than any the model was verified on, a model that is not the host\'s kernel, and knobs it does not model', () => {
    expect(planExperiment(req('thp-move'), box('6.18.44'), BOX_KNOBS).warnings).toEqual(['model 6.18.44 → linux-6.12+, verified only on 6.12.117+deb13-amd64, 6.12.118+deb13-amd64']);
    const v5 = planExperiment(req('numa-touch', {}, { kernel: 'v5-posted' }), box('6.12.118+deb13-amd64'), BOX_KNOBS).warnings;
    expect(v5[0]).toMatch(/^model v5-posted: not verified on a running kernel/);
    expect(v5[1]).toBe("the model (v5-posted) is not the host's kernel (6.12.118+deb13-amd64 → linux-6.12+): the run asks whether the host behaves like that model");
    const local = planExperiment(req('thp-move', {}, { params: { migrate: '0' } }), box('6.12.118+deb13-amd64', 1), { ...BOX_KNOBS, 'khugepaged.scan_sleep_millisecs': '10000' });
    expect(local.warnings).toEqual([expect.stringMatching(/^khugepaged is awake/)]);
    // A custom command is not modelled at all: no model warnings.
    expect(planExperiment(req('custom', {}, { params: { cmd: 'true' } }), box('6.18.44', 1), { ...BOX_KNOBS, 'khugepaged.scan_sleep_millisecs': '10000' }).warnings).toEqual([]);
  });

  it('refuses what the host cannot run before anything is written, with the code the CLI maps to exit 2', () => {
    expect(() => planExperiment(req('numa-touch'), box('6.12.118+deb13-amd64', 1), BOX_KNOBS)).toThrow(expect.objectContaining({ code: 'needs-nodes' }));
    expect(() => planExperiment(req('thp-move', { 'sim.nonsense': '1' }), box('6.12.118+deb13-amd64'), BOX_KNOBS)).toThrow(expect.objectContaining({ code: 'bad-value', message: expect.stringMatching(/^unknown model knob "sim.nonsense"; allowed: /) }));
  });
});

describe('planning an experiment: the host as the model sees it', () => {
  it("passes the host's node distances to the model, and a probe warning to the run's warnings", () => {
    const distance = RING4;
    const p = planExperiment(req('numa02'), { ...box('6.12.118+deb13-amd64', 4), distance }, BOX_KNOBS);
    expect(p.topology.distance).toEqual(distance);
    expect(p.topology.nodes.map((n) => n.id)).toEqual([0, 1, 2, 3]);
    const warned = planExperiment(req('numa02'), { ...box('6.12.118+deb13-amd64'), warnings: ['/sys/devices/system/node/node1/distance: "21 x" is not a line of whole numbers separated by spaces. The model uses the default distances (10 local, 20 remote)'] }, BOX_KNOBS);
    expect(warned.topology.distance).toBeUndefined();
    expect(warned.warnings[0]).toMatch(/^\/sys\/devices\/system\/node\/node1\/distance: /);
  });
});
