import { describe, expect, it } from 'vitest';
import { TWO_NODE_GUEST } from '../../sim/test_helpers';
import type { SimSpec } from '../../sim';
import { verdicts } from '../../shared/experiments/verdict';
import { runSim } from '../sim/runSim';
import { scanBoundaryRanges } from './scanBoundaries';

// The model, in its worker, run three times: as calibrated, and with the CPU time before the window
// 100 ms lower and higher. numa-touch thps=8 at 99 % of a CPU: scans at 2.0, 4.008 and 8.016 s of
// CPU time, so an 8 s window with 100 ms before it has its third scan 4 ms before its end.
const spec = (secs: number): SimSpec => ({
  topology: TWO_NODE_GUEST,
  kernel: 'linux-6.12+',
  workload: 'numa-touch',
  params: { thps: 8, secs },
  knobs: { 'sim.prewindow_cpu_ms': '100', 'sim.cpu_share': '0.99' },
});

describe('scan boundaries: a scan predicted near the end of the window', () => {
  it('gives the counters of that scan a range (2 or 3 scans), and leaves the rest alone', async () => {
    const s = spec(8);
    const predicted = await runSim(s);
    expect(predicted.phases.migrate!.numa_huge_pte_updates).toBe(24);
    const b = (await scanBoundaryRanges(s, predicted))!;
    expect(b.shiftedKnobs.map((k) => k['sim.prewindow_cpu_ms'])).toEqual(['0', '200']);
    expect(b.phases.migrate!.numa_huge_pte_updates).toEqual({ lo: 16, hi: 24 });
    expect(b.phases.migrate!.numa_pte_updates.hi - b.phases.migrate!.numa_pte_updates.lo).toBe(4096);
    // The migrations come from the first scan's faults: not on the boundary.
    expect(b.phases.migrate!.thp_migration_success).toBeUndefined();
    expect(b.phases.setup ?? {}).toEqual({});

    // A run without the third scan (the box measured such runs) is within tolerance, not diverged;
    // a run with no scan at all in the window still diverges.
    const two = { ...predicted.phases.migrate!, numa_pte_updates: b.phases.migrate!.numa_pte_updates.lo, numa_huge_pte_updates: 16 };
    const v = verdicts([two], predicted.phases.migrate!, { otherPagesMove: true, boundary: b.phases.migrate });
    expect(v.find((x) => x.counter === 'numa_huge_pte_updates')).toMatchObject({ verdict: 'within tolerance', boundary: { lo: 16, hi: 24 } });
    expect(v.find((x) => x.counter === 'numa_pte_updates')!.verdict).toBe('within tolerance');
    const none = { ...two, numa_pte_updates: 0, numa_huge_pte_updates: 0 };
    const w = verdicts([none], predicted.phases.migrate!, { otherPagesMove: true, boundary: b.phases.migrate });
    expect(w.find((x) => x.counter === 'numa_huge_pte_updates')!.verdict).toBe('diverged');
    // Without the ranges the 2-scan run would be called diverged.
    expect(verdicts([two], predicted.phases.migrate!, { otherPagesMove: true }).find((x) => x.counter === 'numa_huge_pte_updates')!.verdict).toBe('diverged');
  });

  it('finds no boundary when every scan is far from the window\'s edges', async () => {
    const s = spec(3);
    const b = (await scanBoundaryRanges(s, await runSim(s)))!;
    expect(b.phases.migrate).toEqual({});
    expect(b.total).toEqual({});
  });

  it('is not computed for a prediction not calibrated by CPU time', async () => {
    const s = { ...spec(8), knobs: {} };
    expect(await scanBoundaryRanges(s, await runSim(s))).toBeUndefined();
  });
});
