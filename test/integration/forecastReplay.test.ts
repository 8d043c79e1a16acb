import { describe, expect, it } from 'vitest';
import type { HostFacts } from '../../src/shared/hostFacts';
import { ExperimentRequestSchema, type MeasuredRun } from '../../src/shared/experiments/api';
import { totalDeltas } from '../../src/shared/experiment';
import { planExperiment } from '../../src/main/experiments/plan';
import { forecastExperiment } from '../../src/main/experiments/forecast';
import { replayExperiment } from '../../src/main/experiments/replay';
import { judgeOutcome } from '../../src/main/experiments/judgeOutcome';

// The model's two predictions in their worker threads: the forecast before a run, the replay
// after it. numa-touch thps=2 on a 2-node box: scans at 2.0, 4.008 and 8.016 s of CPU time.
const facts: HostFacts = {
  target: 'testbox:b',
  hostname: 'numalab',
  kernelRelease: '6.12.118+deb13-amd64',
  kernelVersion: '#1',
  machine: 'x86_64',
  uid: 0,
  numaConfigured: true,
  nodes: [0, 1].map((id) => ({ id, cpus: [id], memTotalMiB: 1000, memFreeMiB: 900 })),
  thp: { enabled: 'always', enabledAllowed: ['always', 'madvise', 'never'], defrag: 'madvise' } as HostFacts['thp'],
  numaBalancing: 0,
  probedAt: '2026-12-01T00:00:00Z',
};
const knobs = { 'thp.enabled': 'always', 'numa.balancing': '1', 'khugepaged.scan_sleep_millisecs': '3600000' };
const plan = (params: Record<string, string>) => planExperiment(ExperimentRequestSchema.parse({ target: 'testbox:b', workload: 'numa-touch', params }), facts, knobs);

/** A repetition as the box measures it: the migrate-phase counters and the workload's own clocks. */
const measured = (clocks: { task_cpu_s: number; cpu_s: number }): MeasuredRun => ({
  kernel: facts.kernelRelease,
  workload: 'numa-touch',
  params: {},
  phases: { setup: { thp_fault_alloc: 2 } },
  deltas: { thp_fault_alloc: 2 },
  events: [],
  runId: 1,
  workloadStartS: 0,
  status: 'completed',
  error: null,
  refreshed: true,
  output: '',
  result: { info: { move_pages_s: 8, image_nodes: [1, 1, 1, 1], ...clocks } },
});

/** What the kernel did in the window (the setup as predicted). */
const setMigrate = (run: MeasuredRun, migrate: Record<string, number>) => {
  run.phases = { setup: run.phases.setup!, migrate };
  run.deltas = totalDeltas(run.phases);
};

describe('the forecast: the model before the run, with its stated uncertainty', () => {
  it('secs=8: 2 or 3 scans, the third within the uncertainty of the CPU time before the window', async () => {
    const f = await forecastExperiment(plan({ thps: '2', secs: '8' }), knobs);
    expect(f.ranges.phases.migrate!.numa_huge_pte_updates).toEqual({ lo: 4, hi: 6 });
    expect(f.uncertain).toContainEqual(expect.stringMatching(/^numa_huge_pte_updates 4 or 6: the model's answer changes over what the run will measure \(sim\.prewindow_cpu_ms 0–/));
    expect(f.inputs).toContainEqual(expect.objectContaining({ knob: 'numa.balancing', value: '1', source: 'workload' }));
    expect(f.inputs).toContainEqual(expect.objectContaining({ knob: 'sim.cpu_share', source: 'assumed', range: { lo: '0.95', hi: '1' } }));
  });

  it('secs=3: one scan far from the window\'s edges; only where exec put the process\'s own pages is open', async () => {
    const f = await forecastExperiment(plan({ thps: '2', secs: '3' }), knobs);
    const migrate = f.ranges.phases.migrate!;
    expect(f.phases.migrate!.numa_huge_pte_updates).toBe(2);
    expect(migrate.numa_huge_pte_updates).toBeUndefined();
    // 6.12: its start-up pages remote (exec'd on `from`) or local add 11 PTE updates and 9 hint faults.
    expect(migrate.numa_pte_updates!.hi - migrate.numa_pte_updates!.lo).toBe(11);
    expect(migrate.numa_hint_faults!.hi - migrate.numa_hint_faults!.lo).toBe(9);
  });
});

describe('the replay: the model given what each run measured, judged run by run', () => {
  it('a run whose window ended past the third scan: its replay says 3 scans, the one 100 ms of CPU earlier 2 — undecided', async () => {
    const p = plan({ thps: '2', secs: '8' });
    // 8.04 s of CPU at the window's end, 24 ms past the third scan; the kernel saw it late (2 scans).
    const run = measured({ task_cpu_s: 8.04, cpu_s: 7.94 });
    const r = await replayExperiment(p, knobs, [{ repetition: 1, run }]);
    const ranges = r.replays[0]!.ranges.phases.migrate!;
    setMigrate(run, Object.fromEntries(Object.entries(r.replays[0]!.phases.migrate!).map(([k, v]) => [k, ranges[k]?.lo ?? v])));
    expect(r.replays[0]!.inputs).toContainEqual(expect.objectContaining({ knob: 'sim.prewindow_cpu_ms', value: '100', source: 'measured', detail: 'task_cpu_s − cpu_s (CPU time before the window), repetition 1' }));
    expect(r.replays[0]!.phases.migrate!.numa_huge_pte_updates).toBe(6);
    expect(r.replays[0]!.ranges.phases.migrate!.numa_huge_pte_updates).toEqual({ lo: 4, hi: 6 });
    const j = judgeOutcome(p, [run], null, r);
    expect(j.verdictsByPhase.migrate!.find((v) => v.counter === 'numa_huge_pte_updates')).toMatchObject({ verdict: 'undecided', boundary: { lo: 4, hi: 6 } });
    expect(j.judgement!.verdict, j.judgement!.reason).toBe('undecided');
  });

  it('a run far from the edge whose kernel scanned a third time anyway: diverged, not excused by a range', async () => {
    const p = plan({ thps: '2', secs: '8' });
    // 7.80 s of CPU at the window's end: the third scan (8.016 s) is not in it, with or without a late tick.
    const run = measured({ task_cpu_s: 7.8, cpu_s: 7.77 });
    const r = await replayExperiment(p, knobs, [{ repetition: 1, run }]);
    expect(r.replays[0]!.ranges.phases.migrate!.numa_huge_pte_updates).toBeUndefined();
    setMigrate(run, { ...r.replays[0]!.phases.migrate!, numa_huge_pte_updates: 6 });
    const j = judgeOutcome(p, [run], null, r);
    expect(j.verdictsByPhase.migrate!.find((v) => v.counter === 'numa_huge_pte_updates')).toMatchObject({ verdict: 'diverged', measured: 6, predicted: 4 });
    expect(j.judgement!.verdict).toBe('diverged');
    expect(j.diverged).toBe(true);
  });
});
