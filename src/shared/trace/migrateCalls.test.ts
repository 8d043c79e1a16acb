import { describe, expect, it } from 'vitest';
import { markerPhaseStarts, onRunClock, phaseStarts, successByReasonOver, traceIncomplete, type MigrateCall } from './migrateCalls';

const call = (t: number, reason: string, succeeded: number): MigrateCall => ({ t, reason, mode: 'MIGRATE_SYNC', succeeded, failed: 0, thp_succeeded: 0, thp_failed: 0, thp_split: 0 });

describe("the model's calls on a run's clock", () => {
  it('reads phase starts from the model (data.phase) and from a run ("<phase> begins")', () => {
    expect(phaseStarts([{ t: 0, kind: 'phase', data: { phase: 'setup' } }, { t: 0.02, kind: 'phase', data: { phase: 'migrate' } }, { t: 0.5, kind: 'fault' }])).toEqual({ setup: 0, migrate: 0.02 });
    expect(phaseStarts([{ t: 1.2, kind: 'phase', text: 'baseline begins' }, { t: 1.5, kind: 'phase', text: 'setup begins' }, { t: 2.75, kind: 'phase', text: 'migrate begins' }, { t: 3, kind: 'phase', text: 'migrate ends' }])).toEqual({ baseline: 1.2, setup: 1.5, migrate: 2.75 });
  });

  it("reads phase starts from the lab's markers in the trace stream", () => {
    expect(markerPhaseStarts([{ t: 0.8, text: 'phase setup' }, { t: 1.9, text: 'phase migrate' }, { t: 2.5, text: 'phase teardown' }, { t: 3, text: 'note x' }])).toEqual({ setup: 0.8, migrate: 1.9, teardown: 2.5 });
  });

  it('keeps each call at its time into its phase, the phase starting where the run began it', () => {
    const model = { setup: [], migrate: [call(0.02, 'syscall_or_cpuset', 512), call(0.03, 'syscall_or_cpuset', 512)] };
    const placed = onRunClock(model, { setup: 0, migrate: 0.02 }, { setup: 1.5, migrate: 2.75 });
    expect(placed.map((c) => c.t)).toEqual([2.75, 2.76]);
  });

  it('stacks pgmigrate_success by reason over time, cumulatively', () => {
    const calls = [call(2, 'compaction', 32), call(1, 'numa_misplaced', 1), call(3, 'numa_misplaced', 2)];
    expect(successByReasonOver(calls, [0, 1, 2.5, 4])).toEqual({
      reasons: ['compaction', 'numa_misplaced'],
      rows: [
        { t: 0, compaction: 0, numa_misplaced: 0 },
        { t: 1, compaction: 0, numa_misplaced: 1 },
        { t: 2.5, compaction: 32, numa_misplaced: 1 },
        { t: 4, compaction: 32, numa_misplaced: 3 },
      ],
    });
  });
});

describe('a trace that cannot be judged call by call', () => {
  const whole = { status: 'captured' as const, overrun: 0, dropped: 0, complete: true, reason: null };
  it('is one that lost records in the ring buffer or was not read to its end; a whole one, or one stored before completeness was recorded, is not', () => {
    expect(traceIncomplete(whole)).toBeNull();
    expect(traceIncomplete({ ...whole, complete: undefined })).toBeNull();
    expect(traceIncomplete({ ...whole, overrun: 3 })).toBe('the trace buffer lost records (overrun 3, dropped 0)');
    expect(traceIncomplete({ ...whole, complete: false, reason: 'the trace reader did not reach the end marker in time: the last records may be missing' })).toMatch(/did not reach the end marker/);
    expect(traceIncomplete({ ...whole, status: 'missing', complete: false })).toBeNull();
  });
});
