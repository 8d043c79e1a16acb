import { describe, expect, it } from 'vitest';
import { callsByPhase, madeBy } from './callsByPhase';
import type { StoredTraceRow } from './traceRepo';

const call = (seq: number, pid: number, tgid: number | null, succeeded = 512): StoredTraceRow => ({
  seq,
  tMs: seq * 10,
  kind: 'call',
  record: { comm: 'w', pid, tgid, cpu: 0, ts: seq / 100, event: 'mm_migrate_pages', fields: { succeeded, failed: 0, thp_succeeded: 1, thp_failed: 0, thp_split: 0, mode: 'MIGRATE_SYNC', reason: 'syscall_or_cpuset' } },
});
const marker = (seq: number, text: string): StoredTraceRow => ({ seq, tMs: seq * 10, kind: 'marker', marker: { ts: seq / 100, text } });

describe("a run's calls by phase", () => {
  const rows = [call(0, 5, 5), marker(1, 'phase setup'), call(2, 7, 7), marker(3, 'phase migrate'), call(4, 7, 7), call(5, 8, 7), call(6, 99, 99), marker(7, 'phase teardown'), call(8, 7, 7)];

  it('puts each call in the phase its markers bound, and none before the first or after the last measured one', () => {
    const r = callsByPhase(rows, ['setup', 'migrate'], () => true);
    expect(r.byPhase.setup!.map((c) => c.pid)).toEqual([7]);
    expect(r.byPhase.migrate!.map((c) => c.pid)).toEqual([7, 8, 99]);
    expect(r.kept).toBe(4);
  });

  it("keeps the workload's own calls: its thread group, or the thread where the kernel did not record one", () => {
    expect(callsByPhase(rows, ['migrate'], madeBy(7)).byPhase.migrate!.map((c) => c.pid)).toEqual([7, 8]);
    expect(madeBy(9)({ t: 0, reason: '', mode: '', succeeded: 0, failed: 0, thp_succeeded: 0, thp_failed: 0, thp_split: 0, pid: 9 })).toBe(true);
  });
});
