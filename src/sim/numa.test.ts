/**
 * NUMA balancing: the v5 BUG, the merged split path, the PTE-mapped THP blind spot before 6.10
 * and the scan timing the ground truth implies.
 */
import { describe, expect, it } from 'vitest';
import { PROCESS_IMAGE } from './process_image';
import { d, sim } from './test_helpers';

// The workload's own data/stack pages (process_image.ts): on the first scan after the task moved
// away from them they add `remotePages` PTE updates, `hotPages` hint faults and migrations.
const IMG = PROCESS_IMAGE;

describe('v5-posted vs merged on the NUMA-balancing path (numa-touch, unmap=0.5)', () => {
  it('v5-posted: one partially mapped THP alone on migratepages → BUG_ON in migrate_misplaced_folio', () => {
    const r = sim('v5-posted', 'numa-touch', { thps: 1, unmap: 0.5, secs: 8 });
    expect(r.bug).not.toBeNull();
    expect(r.bug!.message).toBe('kernel BUG at mm/migrate.c: BUG_ON(!list_empty(&migratepages)) in migrate_misplaced_folio');
    expect(r.events.some((e) => e.kind === 'bug')).toBe(true);
    // the split happened (into `from`), nothing of the THP was migrated, rc was 0 — the last call
    // (before it, the process's own data pages may have moved one by one)
    const last = r.trace[r.trace.length - 1]!;
    expect(last).toMatchObject({ succeeded: 0, failed: 0, thp_split: 1, thp_failed: 0, rc: 0, mode: 'MIGRATE_ASYNC', reason: 'MR_NUMA_MISPLACED' });
    expect(r.trace.slice(0, -1).every((t) => t.succeeded === 1 && t.thp_split === 0)).toBe(true);
    expect(d(r.phases.migrate, 'numa_pages_migrated')).toBe(r.trace.length - 1);
  });

  it('linux-6.10..6.11 (split into split_folios) runs the same spec without a BUG', () => {
    const r = sim('linux-6.10..6.11', 'numa-touch', { thps: 1, unmap: 0.5, secs: 8 });
    expect(r.bug).toBeNull();
    expect(r.phases.migrate).toMatchObject({
      numa_hint_faults: 1 + IMG.hotPages,
      thp_split_page: 1,
      thp_migration_split: 1,
      thp_migration_fail: 1,
      numa_pages_migrated: 512 + IMG.hotPages,
      pgmigrate_success: 512 + IMG.hotPages,
      numa_pte_updates: 256 + IMG.remotePages,
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
      // only the process's own pages: none of the THPs' 512 subpages
      expect(d(r.phases.migrate, 'numa_pte_updates')).toBe(IMG.remotePages);
      expect(d(r.phases.migrate, 'numa_hint_faults')).toBe(IMG.hotPages);
      expect(d(r.phases.migrate, 'numa_pages_migrated')).toBe(IMG.hotPages);
      expect(r.bug).toBeNull();
    }
  });
});

describe('scan timing (task_tick_numa / task_numa_work / update_task_scan_period)', () => {
  it('scans at 2.0, 4.008 and 8.016 s of CPU time: the first task_numa_work() of an exec\'d mm only arms numa_next_scan', () => {
    // The third scan sits at the end of an 8 s window: in when the task had more than ~16 ms of
    // CPU before the window (and ran all of it), out otherwise — as on the virtual NUMA box.
    for (const kernel of ['linux-6.1', 'linux-6.12+']) {
      for (const n of [1, 8, 17]) {
        for (const [pre, share, scans] of [
          [30, 1, 3],
          [10, 1, 2],
          [30, 0.99, 2],
        ] as const) {
          const r = sim(kernel, 'numa-touch', { thps: n, secs: 8 }, { 'sim.prewindow_cpu_ms': pre, 'sim.cpu_share': share });
          const m = r.phases.migrate!;
          expect(d(m, 'numa_huge_pte_updates')).toBe(scans * n);
          expect(d(m, 'numa_pte_updates')).toBe(scans * n * 512 + IMG.remotePages);
          expect(d(m, 'numa_hint_faults')).toBe(scans * n + IMG.hotPages);
          expect(d(m, 'numa_hint_faults_local')).toBe((scans - 1) * n);
          expect(d(m, 'thp_migration_success')).toBe(n);
          expect(d(m, 'numa_pages_migrated')).toBe(n * 512 + IMG.hotPages);
        }
      }
    }
  });

  it('a forked child (numa01/numa02) inherits an armed numa_next_scan: its first call scans', () => {
    // 1 s of CPU time with the defaults; numa02 with 2 threads, 8 MiB stacks below the region:
    // the 256 MiB budget reaches 240 MiB of it (120 PMDs), as measured on the 6.1 box.
    // A window from 0.9 s to 1.5 s of CPU time holds exactly the first scan. On 6.1 the first
    // thread's stack has a THP (MAP_STACK gets VM_NOHUGEPAGE only from 6.7): 129 THPs faulted,
    // 121 PMDs updated (as measured on the box), one split at thread exit; 6.12: 128, 120, none.
    const knobs = { 'sim.bzero_mib_per_sec': 2048, 'sim.prewindow_cpu_ms': 900 };
    const old = sim('linux-6.1', 'numa02', { size_mib: 256, loops: 10 }, knobs);
    expect(d(old.phases.setup, 'thp_fault_alloc')).toBe(129);
    expect(d(old.phases.migrate, 'numa_huge_pte_updates')).toBe(121);
    expect(d(old.phases.migrate, 'thp_split_pmd')).toBe(1);
    expect(d(old.phases.migrate, 'thp_deferred_split_page')).toBe(1);
    const cur = sim('6.12.118+deb13-amd64', 'numa02', { size_mib: 256, loops: 10 }, knobs);
    expect(d(cur.phases.setup, 'thp_fault_alloc')).toBe(128);
    expect(d(cur.phases.migrate, 'numa_huge_pte_updates')).toBe(120);
    expect(d(cur.phases.migrate, 'thp_split_pmd')).toBe(0);
    // 6.7..6.9 by release: no stack THP either
    expect(d(sim('6.8.0-45-generic', 'numa02', { size_mib: 256, loops: 10 }, knobs).phases.setup, 'thp_fault_alloc')).toBe(128);
    expect(d(sim('6.5.0-1-amd64', 'numa02', { size_mib: 256, loops: 10 }, knobs).phases.setup, 'thp_fault_alloc')).toBe(129);
  });

  it('a shorter window sees fewer scans; numa_balancing=0 sees none', () => {
    expect(d(sim('linux-6.1', 'numa-touch', { thps: 2, secs: 2.5 }).phases.migrate, 'numa_huge_pte_updates')).toBe(2);
    const off = sim('linux-6.1', 'numa-touch', { thps: 2, secs: 8 }, { 'numa.balancing': 0 });
    expect(d(off.phases.migrate, 'numa_pte_updates')).toBe(0);
  });

  it('base pages: each page faults once per scan, migrated pages are skipped later (target_node)', () => {
    const r = sim('linux-6.1', 'numa-touch', { thps: 2, thp: 0, secs: 8 });
    const m = r.phases.migrate!;
    expect(d(m, 'numa_pte_updates')).toBe(1024 + IMG.remotePages);
    expect(d(m, 'numa_pages_migrated')).toBe(1024 + IMG.hotPages);
    expect(d(m, 'numa_hint_faults')).toBe(1024 + IMG.hotPages);
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
