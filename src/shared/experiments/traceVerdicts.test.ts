import { describe, expect, it } from 'vitest';
import type { MigrateCall } from '../trace/migrateCalls';
import { traceVerdicts } from './traceVerdicts';

const call = (over: Partial<MigrateCall> = {}): MigrateCall => ({ t: 1, reason: 'syscall_or_cpuset', mode: 'MIGRATE_SYNC', succeeded: 512, failed: 0, thp_succeeded: 0, thp_failed: 1, thp_split: 1, large_folio_split: 1, ...over });
const eight = (over: Partial<MigrateCall> = {}) => Array.from({ length: 8 }, (_, i) => call({ t: i, ...over }));

describe('the call-by-call judgement of the deterministic workloads', () => {
  it('is exact when every call matches field by field (times and tasks are not compared)', () => {
    const measured = eight({ comm: 'thp-move', pid: 9 }).map((c) => ({ ...c, t: c.t + 100 }));
    const v = traceVerdicts([{ repetition: 1, measured: { migrate: measured }, predicted: { migrate: eight() } }], { migrate: eight() }, ['migrate'], 'sequence');
    expect(v.byPhase.migrate).toEqual([expect.objectContaining({ counter: 'trace:calls', measured: 8, predicted: 8, verdict: 'exact', key: true })]);
  });

  it('diverges when 6.1 moves the THPs whole where the model split them, naming the fields once for the run of calls', () => {
    const kernel61 = eight({ thp_succeeded: 1, thp_failed: 0, thp_split: 0 }).map(({ large_folio_split: _, ...c }) => c as MigrateCall);
    const [row] = traceVerdicts([{ repetition: 1, measured: { migrate: kernel61 }, predicted: { migrate: eight() } }], { migrate: eight() }, ['migrate'], 'sequence').total;
    expect(row!.verdict).toBe('diverged');
    expect(row!.reason).toBe('8 calls measured, 8 predicted; calls 1–8: thp_succeeded measured 1, predicted 0, thp_failed measured 0, predicted 1, thp_split measured 0, predicted 1, large_folio_split measured (absent), predicted 1');
  });

  it('diverges on a call the model did not make, and is the worst of the repetitions', () => {
    const v = traceVerdicts(
      [
        { repetition: 1, measured: { migrate: eight() }, predicted: { migrate: eight() } },
        { repetition: 2, measured: { migrate: [...eight(), call({ reason: 'compaction' })] }, predicted: { migrate: eight() } },
      ],
      { migrate: eight() },
      ['migrate'],
      'sequence',
    ).total[0]!;
    expect(v.verdict).toBe('diverged');
    expect(v.runs!.map((r) => r.verdict)).toEqual(['exact', 'diverged']);
    expect(v.reason).toMatch(/^repetition 2: 9 calls measured, 8 predicted; call 9: made by the kernel \(compaction, 512 succeeded\), not predicted$/);
  });

  it('has no rows when no repetition has a captured trace: never exact where nothing was compared', () => {
    expect(traceVerdicts([], { migrate: eight() }, ['migrate'], 'sequence')).toEqual({ byPhase: { migrate: [] }, total: [] });
  });
});

describe('the per-reason judgement under NUMA balancing', () => {
  const misplaced = (n: number, pages = 512) => Array.from({ length: n }, (_, i) => call({ t: i, reason: 'numa_misplaced', mode: 'MIGRATE_ASYNC', succeeded: pages, thp_succeeded: 1, thp_failed: 0, thp_split: 0 }));

  it('compares calls and pages per reason within tolerance, in any order', () => {
    const measured = [...misplaced(8)].reverse();
    const rows = traceVerdicts([{ repetition: 1, measured: { migrate: measured }, predicted: { migrate: misplaced(8) } }], { migrate: misplaced(8) }, ['migrate'], 'per-reason').total;
    expect(rows.map((r) => [r.counter, r.measured, r.predicted, r.verdict])).toEqual([
      ['trace:numa_misplaced.calls', 8, 8, 'exact'],
      ['trace:numa_misplaced.pages', 4096, 4096, 'exact'],
    ]);
  });

  it('tolerates a few one-page calls more, and diverges on one THP more (512 pages is beyond the allowance)', () => {
    const few = [...misplaced(8), ...misplaced(2, 1)];
    const within = traceVerdicts([{ repetition: 1, measured: { migrate: few }, predicted: { migrate: misplaced(8) } }], { migrate: misplaced(8) }, ['migrate'], 'per-reason').total;
    expect(within.map((r) => r.verdict)).toEqual(['within tolerance', 'within tolerance']);
    const oneThp = traceVerdicts([{ repetition: 1, measured: { migrate: misplaced(9) }, predicted: { migrate: misplaced(8) } }], { migrate: misplaced(8) }, ['migrate'], 'per-reason').total;
    expect(oneThp.find((r) => r.counter === 'trace:numa_misplaced.pages')).toMatchObject({ verdict: 'diverged', measured: 4608, predicted: 4096 });
  });

  it('allows the calls what it allows the hinting faults that make them: 11 one-page calls more of 259 agree, a dozen where 259 were predicted diverges', () => {
    const pages = (n: number) => misplaced(n, 1);
    const hinted = traceVerdicts([{ repetition: 1, measured: { migrate: pages(270) }, predicted: { migrate: pages(259) } }], { migrate: pages(259) }, ['migrate'], 'per-reason').total;
    expect(hinted.map((r) => [r.counter, r.verdict, r.allowed])).toEqual([
      ['trace:numa_misplaced.calls', 'within tolerance', 27],
      ['trace:numa_misplaced.pages', 'within tolerance', 39],
    ]);
    const few = traceVerdicts([{ repetition: 1, measured: { migrate: pages(12) }, predicted: { migrate: pages(259) } }], { migrate: pages(259) }, ['migrate'], 'per-reason').total;
    expect(few.map((r) => r.verdict)).toEqual(['diverged', 'diverged']);
  });
});
