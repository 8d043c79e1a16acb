/**
 * The extent-batched hint-fault engine says what the per-page one says: same counters per
 * phase, same events, same trace records and dropped count, same sampled series, on base-page
 * and THP workloads, 2 and 4 nodes, 6.1 and 6.12, a slow (tiered) node, and memory so tight that
 * migrations meet the watermark. A small trace limit makes most migrations take the batched path.
 */
import { describe, expect, it } from 'vitest';
import { simulate } from './simulate';
import type { SimSpec } from './spec';

function topology(nodes: number, cpus: number, memMiB: number, slow: number[] = []): SimSpec['topology'] {
  return { nodes: Array.from({ length: nodes }, (_, id) => ({ id, cpus: Array.from({ length: cpus }, (_, c) => id * cpus + c), memMiB, ...(slow.includes(id) ? { slow: true } : {}) })) };
}

const CASES: Array<{ name: string; spec: SimSpec; traceLimit: number; faults?: number; migrates?: boolean }> = [
  { name: 'numa01 base pages, 6.12', spec: { topology: topology(2, 4, 2048), kernel: 'linux-6.12+', workload: 'numa01', params: { thp: 0, size_mib: 256, loops: 20 } }, traceLimit: 50 },
  { name: 'numa01 base pages, 6.1', spec: { topology: topology(2, 4, 2048), kernel: 'linux-6.1', workload: 'numa01', params: { thp: 0, size_mib: 256, loops: 20 } }, traceLimit: 50 },
  { name: 'numa02 base pages, 6.12', spec: { topology: topology(2, 2, 2048), kernel: 'linux-6.12+', workload: 'numa02', params: { thp: 0, size_mib: 256, loops: 200 } }, traceLimit: 10, migrates: false },
  { name: 'numa01 base pages, 4 nodes', spec: { topology: topology(4, 2, 1024), kernel: 'linux-6.12+', workload: 'numa01', params: { thp: 0, size_mib: 256, loops: 10 } }, traceLimit: 100 },
  { name: 'numa01 THP, 6.12', spec: { topology: topology(2, 4, 2048), kernel: 'linux-6.12+', workload: 'numa01', params: { size_mib: 512, loops: 20 } }, traceLimit: 20, faults: 100 },
  {
    name: 'numa01 base pages, node 1 slow (promotion counted)',
    spec: { topology: topology(2, 2, 2048, [1]), kernel: 'linux-6.12+', workload: 'numa01', params: { thp: 0, size_mib: 256, loops: 20 }, knobs: { numa_balancing: 2 } },
    traceLimit: 50,
  },
  // 2 × 680 MiB in 2 × 736 MiB usable: a window's migrations may not all fit above the watermark.
  { name: 'numa01 base pages, memory nearly full', spec: { topology: topology(2, 2, 800), kernel: 'linux-6.12+', workload: 'numa01', params: { thp: 0, size_mib: 680, loops: 10 } }, traceLimit: 50 },
];

const SAMPLES = Array.from({ length: 40 }, (_, i) => i * 0.37);

describe('batched hint faults match the per-page engine', () => {
  for (const c of CASES) {
    it(c.name, { timeout: 120_000 }, () => {
      const run = (batchFaults: boolean) => simulate(c.spec, { seed: 1, batchFaults, traceLimit: c.traceLimit, sampleTimes: SAMPLES, audit: true });
      const exact = run(false);
      const batched = run(true);
      // Something happened: a comparison of two empty runs would pass whatever the engine did.
      expect(exact.deltas.numa_hint_faults ?? 0).toBeGreaterThan(c.faults ?? 1000);
      if (c.migrates !== false) expect(exact.traceDropped).toBeGreaterThan(0);
      expect(batched.phases).toEqual(exact.phases);
      expect(Object.keys(batched.deltas)).toEqual(Object.keys(exact.deltas));
      expect(batched.events).toEqual(exact.events);
      expect(batched.trace).toEqual(exact.trace);
      expect(batched.traceDropped).toBe(exact.traceDropped);
      expect(batched.series).toEqual(exact.series);
      expect(batched.bug).toEqual(exact.bug);
    });
  }
});
