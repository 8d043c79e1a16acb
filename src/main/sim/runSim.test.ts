/**
 * A prediction at the size of a real NUMA box runs in its worker thread with progress from its
 * first seconds on (the set-up of 16 GiB of base pages included) and ends at once when cancelled.
 */
import { describe, expect, it } from 'vitest';
import type { SimSpec } from '../../sim';
import { SimCancelledError, runSim } from './runSim';

const BIG: SimSpec = {
  topology: { nodes: Array.from({ length: 4 }, (_, id) => ({ id, cpus: [id * 4, id * 4 + 1, id * 4 + 2, id * 4 + 3], memMiB: 16384 })) },
  kernel: 'linux-6.12+',
  workload: 'numa01',
  params: { thp: 0, size_mib: 8192 },
};

describe('runSim at the size of a real box', () => {
  it('reports set-up and migrate progress, then cancels on abort', { timeout: 120_000 }, async () => {
    const seen: Array<{ phase: string; fraction: number }> = [];
    const ac = new AbortController();
    const outcome = runSim(BIG, {
      signal: ac.signal,
      onProgress: (p) => {
        seen.push(p);
        if (p.phase === 'migrate' && p.fraction > 0) ac.abort();
      },
    }).then(
      () => 'finished',
      (e: unknown) => e,
    );
    const result = await outcome;
    expect(result, 'the prediction ran to its end instead of stopping').toBeInstanceOf(SimCancelledError);
    const setup = seen.filter((p) => p.phase === 'setup');
    // The set-up of 2 × 8 GiB of base pages reports as it goes (the worker passes on one report
    // per 100 ms, however fast the machine), and always its end.
    expect(setup.length).toBeGreaterThanOrEqual(1);
    for (let i = 1; i < setup.length; i++) expect(setup[i]!.fraction).toBeGreaterThan(setup[i - 1]!.fraction);
    expect(setup[setup.length - 1]!.fraction).toBe(1);
    expect(seen.some((p) => p.phase === 'migrate')).toBe(true);
    expect(seen.some((p) => p.phase === 'done')).toBe(false);
  });
});
