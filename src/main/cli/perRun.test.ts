import { describe, expect, it } from 'vitest';
import type { ExperimentOutcome } from '../experiments/runExperiment';
import { formatPerRun, runJson } from './run';

const run = (migrate: Record<string, number>) => ({ status: 'completed', runId: 1, phases: { migrate }, deltas: migrate }) as unknown as ExperimentOutcome['measured'][number];

describe('`numa-lab run` per-repetition predictions (NUMA-balancing workloads)', () => {
  const o = {
    measured: [run({ numa_huge_pte_updates: 24, numa_pte_updates: 12306 }), run({ numa_huge_pte_updates: 16, numa_pte_updates: 8210 })],
    predictedPerRun: [
      { repetition: 1, knobs: { 'sim.prewindow_cpu_ms': '163', 'sim.cpu_share': '0.99' }, phases: { migrate: { numa_huge_pte_updates: 24, numa_pte_updates: 12310 } }, deltas: {} },
      { repetition: 2, knobs: { 'sim.prewindow_cpu_ms': '28', 'sim.cpu_share': '0.98' }, phases: { migrate: { numa_huge_pte_updates: 16, numa_pte_updates: 8214 } }, deltas: {} },
    ],
    predicted: null,
    verdicts: [],
    verdictsByPhase: {},
  } as unknown as ExperimentOutcome;

  it('prints measured / predicted per repetition with the knobs that repetition gave the model', () => {
    const lines = formatPerRun(o).split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^1 .*12306 \/ 12310.*24 \/ 24.*sim\.prewindow_cpu_ms=163 sim\.cpu_share=0\.99$/);
    expect(lines[2]).toMatch(/^2 .*8210 \/ 8214.*16 \/ 16/);
  });

  it('adds them to the --json result only when there are any', () => {
    expect(runJson(o).predictedPerRun).toHaveLength(2);
    expect('predictedPerRun' in runJson({ ...o, predictedPerRun: undefined })).toBe(false);
  });
});
