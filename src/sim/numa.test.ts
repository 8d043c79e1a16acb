/**
 * NUMA balancing: the v5 BUG, the merged split path, the PTE-mapped THP blind spot before 6.10
 * and the scan timing the ground truth implies.
 */
import { describe, expect, it } from 'vitest';
import { numaTouchOwnPages } from './process_image';
import { imageFacts } from './facts';
import { d, sim } from './test_helpers';

/**
 * The workload's own pages in the window, as the 6.1 box traced them (facts/): its move_pages()
 * arrays by the number of addresses (PTE updates, hint faults: 512 → 4/3, 1024 → 6/5, 2048 → 10/8,
 * 4096 → 18/14; 256 addresses span the same 2 heap pages as 512 minus one: 3/2), plus, with the
 * process exec'd on `from` (the model's default), its start-up pages: +8/+6 on 6.1, +11/+9 on 6.12
 * (its 3-page VMA below .data). Kernels never traced use 6.1's.
 */
const ARRAYS: Record<number, [number, number]> = { 256: [3, 2], 512: [4, 3], 1024: [6, 5], 2048: [10, 8], 4096: [18, 14] };
const STARTUP: Record<string, [number, number]> = { 'linux-6.1': [8, 6], 'linux-6.12+': [11, 9] };
const own = (thps: number, unmap = 0, kernel = 'linux-6.1') => {
  const [au, af] = ARRAYS[thps * (512 - Math.round(unmap * 512))]!;
  const [su, sf] = STARTUP[kernel] ?? STARTUP['linux-6.1']!;
  return { updated: au + su, faulted: af + sf };
};

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
      numa_hint_faults: 1 + own(1, 0.5, 'linux-6.10..6.11').faulted,
      thp_split_page: 1,
      thp_migration_split: 1,
      thp_migration_fail: 1,
      numa_pages_migrated: 512 + own(1, 0.5, 'linux-6.10..6.11').faulted,
      pgmigrate_success: 512 + own(1, 0.5, 'linux-6.10..6.11').faulted,
      numa_pte_updates: 256 + own(1, 0.5, 'linux-6.10..6.11').updated,
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
      expect(d(r.phases.migrate, 'numa_pte_updates')).toBe(own(2, 0.5, kernel).updated);
      expect(d(r.phases.migrate, 'numa_hint_faults')).toBe(own(2, 0.5, kernel).faulted);
      expect(d(r.phases.migrate, 'numa_pages_migrated')).toBe(own(2, 0.5, kernel).faulted);
      expect(r.bug).toBeNull();
    }
  });
});

describe('scan timing (task_tick_numa / task_numa_work / update_task_scan_period)', () => {
  it('scans at 2.0, 4.008 and 8.016 s of CPU time: the first task_numa_work() of an exec\'d mm only arms numa_next_scan', () => {
    // The third scan sits at the end of an 8 s window: in when the task had more than ~16 ms of
    // CPU before the window (and ran all of it), out otherwise — as on the virtual NUMA box.
    for (const kernel of ['linux-6.1', 'linux-6.12+']) {
      for (const n of [1, 4, 8]) {
        for (const [pre, share, scans] of [
          [30, 1, 3],
          [10, 1, 2],
          [30, 0.99, 2],
        ] as const) {
          const r = sim(kernel, 'numa-touch', { thps: n, secs: 8 }, { 'sim.prewindow_cpu_ms': pre, 'sim.cpu_share': share });
          const m = r.phases.migrate!;
          expect(d(m, 'numa_huge_pte_updates')).toBe(scans * n);
          expect(d(m, 'numa_pte_updates')).toBe(scans * n * 512 + own(n, 0, kernel).updated);
          expect(d(m, 'numa_hint_faults')).toBe(scans * n + own(n, 0, kernel).faulted);
          expect(d(m, 'numa_hint_faults_local')).toBe((scans - 1) * n);
          expect(d(m, 'thp_migration_success')).toBe(n);
          expect(d(m, 'numa_pages_migrated')).toBe(n * 512 + own(n, 0, kernel).faulted);
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

  it('numa02 on 6.1: the region mapping\'s alignment head merges into the first thread stack and costs scan budget', () => {
    // Traced on the 6.1 box (change_prot_numa() per VMA): the first stack's VMA ran 2048 + head
    // pages up to the region; heads of 35–423 pages left 120 region PMDs in the pass, heads of
    // 482 and 503 left 119. Budget: 65536 − 40 (data, heap) − 2048 − (2048 + head) > 119 × 512
    // while head < 472.
    const knobs = { 'sim.bzero_mib_per_sec': 2048, 'sim.prewindow_cpu_ms': 900 };
    const huge = (head: number) => d(sim('linux-6.1', 'numa02', { size_mib: 256, loops: 10 }, { ...knobs, 'sim.region_head_gap_pages': head }).phases.migrate, 'numa_huge_pte_updates');
    for (const head of [0, 35, 423, 471]) expect(huge(head)).toBe(121);
    for (const head of [472, 482, 503, 511]) expect(huge(head)).toBe(120);
    expect(() => sim('linux-6.1', 'numa02', { size_mib: 256, loops: 10 }, { 'sim.region_head_gap_pages': '512' })).toThrow(/sim.region_head_gap_pages: given "512"; allowed: a number from 0 to 511/);
  });

  it('a shorter window sees fewer scans; numa_balancing=0 sees none', () => {
    expect(d(sim('linux-6.1', 'numa-touch', { thps: 2, secs: 2.5 }).phases.migrate, 'numa_huge_pte_updates')).toBe(2);
    const off = sim('linux-6.1', 'numa-touch', { thps: 2, secs: 8 }, { 'numa.balancing': 0 });
    expect(d(off.phases.migrate, 'numa_pte_updates')).toBe(0);
  });

  it('base pages: each page faults once per scan, migrated pages are skipped later (target_node)', () => {
    const r = sim('linux-6.1', 'numa-touch', { thps: 2, thp: 0, secs: 8 });
    const m = r.phases.migrate!;
    expect(d(m, 'numa_pte_updates')).toBe(1024 + own(2).updated);
    expect(d(m, 'numa_pages_migrated')).toBe(1024 + own(2).faulted);
    expect(d(m, 'numa_hint_faults')).toBe(1024 + own(2).faulted);
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

describe("the workload's own pages (thp-move as numa-touch, traced on the 6.1 box)", () => {
  it('its move_pages() arrays: all updated by the first scan, the pages of addrs and status fault at the window\'s end', () => {
    // Traced (kprobes on change_prot_numa and numa_migrate_prep, exec'd on the window's node):
    // PTE updates outside the region / one-page hint faults, thps=1, 2, 4, 8.
    const f = imageFacts('linux-6.1').exec;
    expect(numaTouchOwnPages(f, 512, false)).toEqual({ updated: 4, faulted: 3 });
    expect(numaTouchOwnPages(f, 1024, false)).toEqual({ updated: 6, faulted: 5 });
    expect(numaTouchOwnPages(f, 2048, false)).toEqual({ updated: 10, faulted: 8 });
    expect(numaTouchOwnPages(f, 4096, false)).toEqual({ updated: 18, faulted: 14 });
    // exec'd on `from`: the start-up's stack, data and heap pages are remote too (+8 / +6)
    expect(numaTouchOwnPages(f, 4096, true)).toEqual({ updated: 26, faulted: 20 });
  });

  it('sim.image_nodes: a process that started on the node it then runs on sees only the arrays', () => {
    for (const kernel of ['linux-6.1', 'linux-6.12+']) {
      const at = (nodes: string) => sim(kernel, 'numa-touch', { thps: 2, secs: 3 }, { 'sim.image_nodes': nodes }).phases.migrate!;
      const remote = at('0');
      const local = at('1');
      expect(d(local, 'numa_pte_updates')).toBe(1024 + 6);
      expect(d(local, 'numa_hint_faults')).toBe(2 + 5);
      expect(d(local, 'numa_pages_migrated')).toBe(1024 + 5);
      // exec'd on `from`: 8 more updates and 6 more faults (6.1), 11 and 9 (6.12: its extra 3-page VMA)
      const extra = kernel === 'linux-6.12+' ? 3 : 0;
      expect(d(remote, 'numa_pte_updates') - d(local, 'numa_pte_updates')).toBe(8 + extra);
      expect(d(remote, 'numa_hint_faults') - d(local, 'numa_hint_faults')).toBe(6 + extra);
      expect(at('0,0,0,0')).toEqual(remote);
      // execve() on the other node, the rest after sched_exec() on this one: the 2 argument pages
      // at the stack's top are remote (traced: 1034/8 against 1030/7 and 1038/13)
      const split = at('0,1,1,1');
      expect(d(split, 'numa_pte_updates') - d(local, 'numa_pte_updates')).toBe(2);
      expect(d(split, 'numa_hint_faults') - d(local, 'numa_hint_faults')).toBe(2);
    }
    expect(() => sim('linux-6.1', 'numa-touch', { thps: 2 }, { 'sim.image_nodes': '0,0,5,0' })).toThrow(/knob sim.image_nodes: given node 5; allowed: nodes of the topology \(0, 1\)/);
    expect(() => sim('linux-6.1', 'numa-touch', { thps: 2 }, { 'sim.image_nodes': '0,1' })).toThrow(/a node id, or four \(args,frame,data,tls\)/);
    expect(() => sim('linux-6.1', 'numa-touch', { thps: 2 }, { 'sim.image_nodes': '0.5' })).toThrow(/a node id, or four/);
  });
});

describe('numa01/numa02: the forked children\'s own pages (traced on the boxes)', () => {
  // A run whose first scan falls well inside the window (clocks of runs measured on the boxes).
  const numa02 = (kernel: string) => sim(kernel, 'numa02', { size_mib: 256, loops: 40 }, { 'sim.bzero_mib_per_sec': 3018, 'sim.prewindow_cpu_ms': 176, 'sim.cpu_share': 0.7824 }).phases.migrate!;
  const numa01 = (kernel: string) => sim(kernel, 'numa01', { size_mib: 256, loops: 10 }, { 'sim.bzero_mib_per_sec': 2708, 'sim.prewindow_cpu_ms': 482, 'sim.cpu_share': 0.8 }).phases.migrate!;

  it('numa02: PTE updates and hint faults as every normal run on the box measured them', () => {
    // one-page faults: each worker's stack top, a shared heap page, main's 2 pages after
    // pthread_join(); 6.12 also the 2 pages of its extra small VMA; 6.1's first stack is a THP
    expect([d(numa02('linux-6.1'), 'numa_pte_updates'), d(numa02('linux-6.1'), 'numa_hint_faults')]).toEqual([61958, 125]);
    expect([d(numa02('linux-6.12+'), 'numa_pte_updates'), d(numa02('linux-6.12+'), 'numa_hint_faults')]).toEqual([61450, 127]);
  });

  it('numa01: two processes, the same pages each', () => {
    expect([d(numa01('linux-6.1'), 'numa_pte_updates'), d(numa01('linux-6.1'), 'numa_hint_faults')]).toEqual([128008, 256]);
    expect([d(numa01('linux-6.12+'), 'numa_pte_updates'), d(numa01('linux-6.12+'), 'numa_hint_faults')]).toEqual([126992, 260]);
    // every thread beside its main: every fault local, nothing migrated
    expect(d(numa01('linux-6.12+'), 'numa_hint_faults_local')).toBe(260);
    expect(d(numa01('linux-6.12+'), 'numa_pages_migrated')).toBe(0);
  });
});

describe('per-thread clocks (sim.prewindow_cpu_ms / sim.cpu_share as lists)', () => {
  const numa01 = (pre: string, share = '0.75,0.75') =>
    sim('linux-6.1', 'numa01', { size_mib: 256, loops: 10 }, { 'sim.bzero_mib_per_sec': 2895, 'sim.prewindow_cpu_ms': pre, 'sim.cpu_share': share }).phases.migrate!;

  it('numa01: one process past its first scan by the window\'s end, the other not — as in 2 of 5 runs on each box', () => {
    // the box measured 64005 PTE updates and 125 PMDs in those runs: one process's 250 / 2
    expect(d(numa01('400,100'), 'numa_huge_pte_updates')).toBe(125);
    expect(d(numa01('400,400'), 'numa_huge_pte_updates')).toBe(250);
    expect(d(numa01('100,100'), 'numa_huge_pte_updates')).toBe(0);
    // a list's mean is the scalar: the same prediction as one value for every thread
    expect(numa01('400,400', '0.75,0.75')).toEqual(numa01('400', '0.75'));
  });

  it('refuses a list with a bad member, naming what is allowed', () => {
    expect(() => numa01('400,x')).toThrow(/knob sim.prewindow_cpu_ms: given "400,x"; allowed: a number from 0 to 10000000, or one per task separated by commas/);
    expect(() => numa01('400,100', '0.75,2')).toThrow(/knob sim.cpu_share: given "0.75,2"; allowed: a number from 0.01 to 1, or one per task/);
  });
});

describe('a forked mm is scanned by wall time and CPU time both (sim.prewindow_wall_ms)', () => {
  // numa01 on the 6.12 box, one run's own clocks: the second process's thread passed 1 s of CPU
  // time 0.4 s into the window; the kernel scanned that process (63497 PTE updates, 124 PMDs).
  const numa01 = (wallMs?: number) =>
    sim('linux-6.12+', 'numa01', { size_mib: 256, loops: 10 }, { 'sim.bzero_mib_per_sec': 3269, 'sim.prewindow_cpu_ms': '355.4,624.9', 'sim.cpu_share': '0.4912,0.8447', ...(wallMs ? { 'sim.prewindow_wall_ms': wallMs } : {}) }).phases.migrate!;

  it('before numa_next_scan (fork + 1 s of wall time) a crossing of the scan period queues no work; after it, it scans', () => {
    // Assuming the set-up ran at full speed (wall = CPU, 490 ms): the crossing comes at 0.93 s of wall time, too early.
    expect(d(numa01(), 'numa_huge_pte_updates')).toBe(0);
    // The 700 ms of wall time the set-up took: the crossing comes after numa_next_scan, and one process is scanned.
    expect([d(numa01(700), 'numa_pte_updates'), d(numa01(700), 'numa_huge_pte_updates')]).toEqual([63496, 124]);
  });
});
