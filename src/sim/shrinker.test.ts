/** deferred_split_scan(), thp_underused() and pgpromote_success, through knobs. */
import { describe, expect, it } from 'vitest';
import { ExperimentResultSchema } from '../shared/experiment';
import { simulate } from './simulate';
import { d, sim } from './test_helpers';

describe('deferred split shrinker (sim.shrink_after_setup=1)', () => {
  it('6.12+: zero-filled THPs are underused when max_ptes_none < 511', () => {
    const r = sim('linux-6.12+', 'thp-move', { thps: 3, zero: 1, migrate: 0 }, { 'sim.shrink_after_setup': 1, 'khugepaged/max_ptes_none': 0 });
    expect(d(r.phases.setup, 'thp_underused_split_page')).toBe(3);
    expect(d(r.phases.setup, 'thp_split_page')).toBe(3);
    expect(d(r.phases.setup, 'thp_split_pmd')).toBe(3);
  });

  it('6.12+: the default max_ptes_none=511 disables thp_underused(); filled THPs are just dequeued', () => {
    for (const [zero, knobs] of [[1, {}], [0, { 'khugepaged/max_ptes_none': 0 }]] as const) {
      const r = sim('linux-6.12+', 'thp-move', { thps: 3, zero, migrate: 0 }, { 'sim.shrink_after_setup': 1, ...knobs });
      expect(d(r.phases.setup, 'thp_split_page')).toBe(0);
    }
  });

  it('partially mapped THPs are split by the shrinker on every kernel; migration then moves base pages', () => {
    for (const kernel of ['linux-6.1', 'linux-6.12+']) {
      const r = sim(kernel, 'thp-move', { thps: 2, unmap: 0.5, pages: 'all' }, { 'sim.shrink_after_setup': 1 });
      expect(d(r.phases.setup, 'thp_split_page')).toBe(2);
      expect(d(r.phases.setup, 'thp_underused_split_page')).toBe(0);
      // the 256 unmapped subpages were freed by the split; 256 mapped base pages move
      expect(d(r.phases.migrate, 'pgmigrate_success')).toBe(512);
      expect(d(r.phases.migrate, 'thp_migration_success')).toBe(0);
      expect(r.movePages?.status).toEqual({ node1: 512 });
    }
  });
});

describe('memory tiering', () => {
  const topology = { nodes: [{ id: 0, cpus: [0], memMiB: 1024, slow: true }, { id: 1, cpus: [1], memMiB: 1024 }] };
  it('a slow→top-tier NUMA migration counts pgpromote_success (6.12 only in tiering mode)', () => {
    const run = (kernel: string, mode: number) =>
      simulate({ topology, kernel, workload: 'numa-touch', params: { thps: 2, secs: 8 }, knobs: { 'kernel.numa_balancing': mode } });
    // the region's 1024 pages plus the process's own pages that fault (facts/: its move_pages()
    // arrays, 5, and its start-up pages exec'd on node 0, 6 on 6.1 and 9 on 6.12)
    expect(d(run('linux-6.1', 1).phases.migrate, 'pgpromote_success')).toBe(1024 + 5 + 6);
    expect(d(run('linux-6.12+', 1).phases.migrate, 'pgpromote_success')).toBe(0);
    expect(d(run('linux-6.12+', 3).phases.migrate, 'pgpromote_success')).toBe(1024 + 5 + 9);
  });
});

describe('result shape', () => {
  it('matches the shared experiment schema', () => {
    const r = sim('6.12.117+deb13-amd64', 'thp-move', { thps: 2, unmap: 0.5 });
    expect(() => ExperimentResultSchema.parse(r)).not.toThrow();
    expect(Object.keys(r.phases)).toEqual(['setup', 'migrate']);
  });

  it('bad specs get clear messages', () => {
    expect(() => sim('linux-6.1', 'custom', { cmd: 'x' })).toThrow(/not simulated/);
    expect(() => sim('linux-6.1', 'thp-move', { to: 5 })).toThrow(/needs 6 NUMA nodes/);
    expect(() => sim('linux-6.1', 'thp-move', {}, { 'thp.enabled': 'sometimes' })).toThrow(/knob thp.enabled: given "sometimes"; allowed: always, madvise, never/);
  });

  it('accepts sysfs bracketed knob values', () => {
    const r = sim('linux-6.1', 'thp-move', { thps: 2 }, { '/sys/kernel/mm/transparent_hugepage/enabled': 'always madvise [never]' });
    expect(d(r.phases.setup, 'thp_fault_alloc')).toBe(0);
  });
});
