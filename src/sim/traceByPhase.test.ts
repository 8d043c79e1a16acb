import { describe, expect, it } from 'vitest';
import { simulate } from './simulate';
import { modelCallsByPhase, successByReasonOver } from '../shared/trace/migrateCalls';

const topology = { nodes: [{ id: 0, cpus: [0], memMiB: 1024 }, { id: 1, cpus: [1], memMiB: 1024 }] };

describe("the model's mm_migrate_pages trace in the kernel's shape", () => {
  it('thp-move: the calls in the migrate phase, with the reason the kernel prints and nr_split only where the tracepoint has it', () => {
    for (const kernel of ['linux-6.1', 'linux-6.12+']) {
      const r = simulate({ topology, workload: 'thp-move', params: { thps: 8, unmap: 0.5 }, kernel });
      const by = modelCallsByPhase(r.trace, r.events);
      expect(by.setup, kernel).toEqual([]);
      expect(by.migrate!.length, kernel).toBe(8);
      for (const c of by.migrate!) {
        expect(c, kernel).toMatchObject({ reason: 'syscall_or_cpuset', mode: 'MIGRATE_SYNC', succeeded: 512 });
        expect('large_folio_split' in c, kernel).toBe(kernel !== 'linux-6.1');
        expect('rc' in c, 'the return value is not a tracepoint field').toBe(false);
      }
    }
  });

  it('numa-touch: misplaced calls, and pgmigrate_success by reason over time adds up to their pages', () => {
    const r = simulate({ topology, workload: 'numa-touch', params: { thps: 2, secs: 3 }, kernel: 'linux-6.12+', knobs: { 'numa.balancing': 1 } });
    const calls = Object.values(modelCallsByPhase(r.trace, r.events)).flat();
    expect(calls.length).toBeGreaterThan(0);
    expect(new Set(calls.map((c) => c.reason))).toEqual(new Set(['numa_misplaced']));
    const { reasons, rows } = successByReasonOver(calls, [0, r.simulatedSeconds]);
    expect(reasons).toEqual(['numa_misplaced']);
    expect(rows.at(-1)!.numa_misplaced).toBe(calls.reduce((n, c) => n + c.succeeded, 0));
  });
});
