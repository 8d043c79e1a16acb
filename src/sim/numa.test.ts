/**
 * NUMA balancing: the v5 BUG, the merged split path, the PTE-mapped THP blind spot before 6.10
 * and the scan timing the ground truth implies.
 */
import { describe, expect, it } from 'vitest';
import { d, sim } from './test_helpers';

describe('v5-posted vs merged on the NUMA-balancing path (numa-touch, unmap=0.5)', () => {
  it('v5-posted: one partially mapped THP alone on migratepages → BUG_ON in migrate_misplaced_folio', () => {
    const r = sim('v5-posted', 'numa-touch', { thps: 1, unmap: 0.5, secs: 8 });
    expect(r.bug).not.toBeNull();
    expect(r.bug!.message).toBe('kernel BUG at mm/migrate.c: BUG_ON(!list_empty(&migratepages)) in migrate_misplaced_folio');
    expect(r.events.some((e) => e.kind === 'bug')).toBe(true);
    // the split happened (into `from`), nothing was migrated, rc was 0
    expect(r.trace).toHaveLength(1);
    expect(r.trace[0]).toMatchObject({ succeeded: 0, failed: 0, thp_split: 1, thp_failed: 0, rc: 0, mode: 'MIGRATE_ASYNC', reason: 'MR_NUMA_MISPLACED' });
    expect(d(r.phases.migrate, 'numa_pages_migrated')).toBe(0);
  });

  it('linux-6.10..6.11 (split into split_folios) runs the same spec without a BUG', () => {
    const r = sim('linux-6.10..6.11', 'numa-touch', { thps: 1, unmap: 0.5, secs: 8 });
    expect(r.bug).toBeNull();
    expect(r.phases.migrate).toMatchObject({
      numa_hint_faults: 1,
      thp_split_page: 1,
      thp_migration_split: 1,
      thp_migration_fail: 1,
      numa_pages_migrated: 512,
      pgmigrate_success: 512,
      numa_pte_updates: 256,
    });
  });

  it('6.12+ also splits on the NUMA path; v5 on move_pages (MIGRATE_SYNC) does not BUG', () => {
    expect(sim('linux-6.12+', 'numa-touch', { thps: 3, unmap: 0.5 }).bug).toBeNull();
    const v5 = sim('v5-posted', 'thp-move', { thps: 3, unmap: 0.5 });
    expect(v5.bug).toBeNull();
    expect(d(v5.phases.migrate, 'pgmigrate_success')).toBe(1536);
  });

  it('before 6.10 a PTE-mapped THP is invisible to NUMA balancing', () => {
    for (const kernel of ['linux-6.1', 'linux-6.3..6.9']) {
      const r = sim(kernel, 'numa-touch', { thps: 2, unmap: 0.5 });
      expect(d(r.phases.migrate, 'numa_pte_updates')).toBe(0);
      expect(d(r.phases.migrate, 'numa_hint_faults')).toBe(0);
      expect(d(r.phases.migrate, 'numa_pages_migrated')).toBe(0);
      expect(r.bug).toBeNull();
    }
  });
});

describe('scan timing (task_tick_numa / task_numa_work / update_task_scan_period)', () => {
  it('8 s window, full THPs: scans at ≈1, 3, 7 s → 3 PMD updates per THP; first-scan faults migrate', () => {
    for (const kernel of ['linux-6.1', 'linux-6.12+']) {
      for (const n of [1, 8, 17]) {
        const r = sim(kernel, 'numa-touch', { thps: n, secs: 8 });
        const m = r.phases.migrate!;
        expect(d(m, 'numa_huge_pte_updates')).toBe(3 * n);
        expect(d(m, 'numa_pte_updates')).toBe(3 * n * 512);
        expect(d(m, 'numa_hint_faults')).toBe(3 * n);
        expect(d(m, 'numa_hint_faults_local')).toBe(2 * n);
        expect(d(m, 'thp_migration_success')).toBe(n);
        expect(d(m, 'numa_pages_migrated')).toBe(n * 512);
      }
    }
  });

  it('a shorter window sees fewer scans; numa_balancing=0 sees none', () => {
    expect(d(sim('linux-6.1', 'numa-touch', { thps: 2, secs: 2.5 }).phases.migrate, 'numa_huge_pte_updates')).toBe(2);
    const off = sim('linux-6.1', 'numa-touch', { thps: 2, secs: 8 }, { 'numa.balancing': 0 });
    expect(d(off.phases.migrate, 'numa_pte_updates')).toBe(0);
  });

  it('base pages: each page faults once per scan, migrated pages are skipped later (target_node)', () => {
    const r = sim('linux-6.1', 'numa-touch', { thps: 2, thp: 0, secs: 8 });
    const m = r.phases.migrate!;
    expect(d(m, 'numa_pte_updates')).toBe(1024);
    expect(d(m, 'numa_pages_migrated')).toBe(1024);
    expect(d(m, 'numa_hint_faults')).toBe(1024);
  });
});

describe('numa01 / numa02 run and stay consistent', () => {
  it('numa01 on a small 2-node box', () => {
    const r = sim('linux-6.12+', 'numa01', { size_mib: 64, loops: 100, threads: 1 });
    expect(r.bug).toBeNull();
    expect(d(r.phases.setup, 'thp_fault_alloc')).toBe(64);
    expect(d(r.deltas, 'numa_hint_faults')).toBeGreaterThan(0);
    expect(d(r.deltas, 'pgmigrate_success')).toBe(d(r.deltas, 'numa_pages_migrated'));
  });

  it('numa02: slices first-touched locally, little to migrate', () => {
    const r = sim('linux-6.1', 'numa02', { size_mib: 64, loops: 20 });
    expect(d(r.deltas, 'numa_pages_migrated')).toBe(0);
  });
});
