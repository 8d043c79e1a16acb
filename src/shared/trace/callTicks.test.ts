import { describe, expect, it } from 'vitest';
import type { MigrateCall } from './migrateCalls';
import { callTicks, tickWords } from './callTicks';

const call = (t: number, reason: string, succeeded: number, failed = 0): MigrateCall => ({ t, reason, mode: 'MIGRATE_ASYNC', succeeded, failed, thp_succeeded: 0, thp_failed: 0, thp_split: 0 });

describe('migrate_pages() calls as ticks on a time axis', () => {
  it('gathers the calls of one pixel column into one tick, coloured by the reason that moved the most pages', () => {
    const calls = [call(1.0, 'numa_misplaced', 1), call(1.001, 'numa_misplaced', 1), call(1.002, 'compaction', 32), call(5, 'syscall_or_cpuset', 512, 3)];
    const ticks = callTicks(calls, [0, 10], 300, 3);
    expect(ticks).toHaveLength(2);
    expect(ticks[0]).toMatchObject({ calls: 3, pages: 34, failed: 0, reason: 'compaction', byReason: { numa_misplaced: { calls: 2, pages: 2 }, compaction: { calls: 1, pages: 32 } } });
    expect(ticks[0]!.x).toBeCloseTo(31.5, 6);
    expect(ticks[1]).toMatchObject({ calls: 1, pages: 512, failed: 3, reason: 'syscall_or_cpuset' });
    expect(tickWords(ticks[1]!)).toBe('5.00–5.10 s: 1 call, 512 pages, 3 failed (syscall_or_cpuset 1 call, 512 pages)');
  });

  it('grows with the width, not the number of calls, and leaves out calls outside the window', () => {
    const many = Array.from({ length: 100_000 }, (_, i) => call(i / 10_000, 'numa_misplaced', 1));
    const ticks = callTicks(many, [2, 8], 120, 3);
    expect(ticks).toHaveLength(40);
    expect(ticks.reduce((n, t) => n + t.calls, 0)).toBe(60_001);
    expect(ticks.every((t) => t.from >= 2 && t.to <= 8 + 1e-9)).toBe(true);
  });

  it('draws nothing for an empty window or a zero width', () => {
    expect(callTicks([call(1, 'compaction', 1)], [1, 1], 300)).toEqual([]);
    expect(callTicks([call(1, 'compaction', 1)], [0, 2], 0)).toEqual([]);
  });
});
