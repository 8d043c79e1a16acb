/**
 * thp-move predictions for any N, unmap fraction, data pattern and addressing mode, derived
 * from the kernel code paths (see the comments in migrate.ts, move_pages.ts, huge_memory.ts).
 */
import { describe, expect, it } from 'vitest';
import { HPAGE_PMD_NR } from './constants';
import { d, sim } from './test_helpers';

const OLD = ['linux-6.1', 'linux-6.3..6.9'];
const SPLITTING = ['linux-6.10..6.11', 'linux-6.12+'];

describe('thp-move: full THPs (case a) for any N', () => {
  for (const kernel of [...OLD, ...SPLITTING, 'v5-posted']) {
    for (const n of [1, 3, 17]) {
      it(`${kernel} N=${n}: whole-THP migration, one -EBUSY per THP in pages=all`, () => {
        const all = sim(kernel, 'thp-move', { thps: n, pages: 'all' });
        expect(d(all.phases.setup, 'thp_fault_alloc')).toBe(n);
        expect(d(all.phases.migrate, 'pgmigrate_success')).toBe(n * HPAGE_PMD_NR);
        expect(d(all.phases.migrate, 'thp_migration_success')).toBe(n);
        expect(d(all.phases.migrate, 'thp_migration_fail')).toBe(0);
        expect(d(all.phases.migrate, 'thp_split_page')).toBe(0);
        // one THP allocation per call on node 1 from a CPU of node 0: numa_hit + numa_other
        expect(d(all.phases.migrate, 'numa_other')).toBe(n);
        expect(all.movePages).toEqual({ ret: 0, errno: 0, addresses: n * 512, status: { node1: n * 511, '-EBUSY': n } });
        // one migrate_pages() per THP: each flush happens at its second subpage
        expect(all.trace).toHaveLength(n);
        const head = sim(kernel, 'thp-move', { thps: n, pages: 'head' });
        expect(head.phases.migrate).toEqual(all.phases.migrate);
        expect(head.movePages?.status).toEqual({ node1: n });
        // head mode queues every THP then flushes once
        expect(head.trace).toHaveLength(1);
        expect(head.trace[0]).toMatchObject({ succeeded: n * 512, thp_succeeded: n, mode: 'MIGRATE_SYNC', reason: 'MR_SYSCALL' });
      });
    }
  }
});

describe('thp-move: partially mapped THPs (case b) for any N and unmap fraction', () => {
  for (const unmap of [0.25, 0.5, 0.75]) {
    const k = Math.round(unmap * 512);
    const mapped = 512 - k;
    for (const n of [1, 3, 17]) {
      for (const kernel of OLD) {
        it(`${kernel} N=${n} unmap=${unmap}: migrated whole, unmapped memory stranded`, () => {
          const r = sim(kernel, 'thp-move', { thps: n, unmap, pages: 'all' });
          expect(d(r.phases.setup, 'thp_split_pmd')).toBe(n);
          expect(d(r.phases.setup, 'thp_deferred_split_page')).toBe(n);
          expect(d(r.phases.migrate, 'pgmigrate_success')).toBe(n * 512);
          expect(d(r.phases.migrate, 'thp_migration_success')).toBe(n);
          expect(d(r.phases.migrate, 'thp_migration_split')).toBe(0);
          expect(r.movePages?.status).toEqual({ node1: n * (mapped - 1), '-EBUSY': n });
        });
      }
      for (const kernel of [...SPLITTING, 'v5-posted']) {
        it(`${kernel} N=${n} unmap=${unmap}: split first, unmapped subpages count as migrated`, () => {
          for (const pages of ['all', 'head']) {
            const r = sim(kernel, 'thp-move', { thps: n, unmap, pages });
            expect(d(r.phases.setup, 'thp_split_pmd')).toBe(n);
            expect(d(r.phases.setup, 'thp_deferred_split_page')).toBe(n);
            expect(d(r.phases.migrate, 'thp_split_page')).toBe(n);
            expect(d(r.phases.migrate, 'thp_migration_split')).toBe(n);
            // migrate_pages_sync(): stats->nr_thp_failed += astats.nr_thp_split
            expect(d(r.phases.migrate, 'thp_migration_fail')).toBe(n);
            expect(d(r.phases.migrate, 'thp_migration_success')).toBe(0);
            expect(d(r.phases.migrate, 'pgmigrate_success')).toBe(n * 512);
            expect(d(r.phases.migrate, 'pgmigrate_fail')).toBe(0);
            // only the mapped subpages need a new page
            expect(d(r.phases.migrate, 'numa_hit')).toBe(n * mapped);
            expect(r.movePages?.ret).toBe(0);
            if (pages === 'all') expect(r.movePages?.status).toEqual({ node1: n * (mapped - 1), '-EBUSY': n });
            else expect(r.movePages?.status).toEqual({ node1: n });
          }
        });
      }
    }
  }

  it('6.1 and 6.12 differ on case b exactly as the ground truth says', () => {
    const a = sim('6.1.0-56-amd64', 'thp-move', { thps: 8, unmap: 0.5 });
    const b = sim('6.12.117+deb13-amd64', 'thp-move', { thps: 8, unmap: 0.5 });
    expect(a.phases.migrate).toMatchObject({ pgmigrate_success: 4096, thp_migration_success: 8 });
    expect(b.phases.migrate).toMatchObject({ pgmigrate_success: 4096, thp_migration_fail: 8, thp_migration_split: 8, thp_split_page: 8 });
    expect(d(a.phases.migrate, 'thp_split_page')).toBe(0);
    expect(d(b.phases.migrate, 'thp_migration_success')).toBe(0);
  });

  it('unmap=1 frees whole THPs: no PMD split, no deferred split, nothing to move', () => {
    const r = sim('linux-6.12+', 'thp-move', { thps: 3, unmap: 1, pages: 'head' });
    expect(d(r.phases.setup, 'thp_split_pmd')).toBe(0);
    expect(d(r.phases.setup, 'thp_deferred_split_page')).toBe(0);
    expect(d(r.phases.migrate, 'pgmigrate_success')).toBe(0);
    expect(r.movePages?.status).toEqual({ '-ENOENT': 3 });
    const old = sim('linux-6.1', 'thp-move', { thps: 3, unmap: 1, pages: 'head' });
    expect(old.movePages?.status).toEqual({ '-EFAULT': 3 });
  });

  it('6.10..6.11 does not split an intact THP (fault THPs are not queued before 6.12)', () => {
    const r = sim('linux-6.10..6.11', 'thp-move', { thps: 3 });
    expect(d(r.phases.migrate, 'thp_migration_success')).toBe(3);
  });
});

describe('thp-move: data pattern', () => {
  it('6.12+: zero-filled subpages are remapped to the zero page by the split: no allocation, later addresses -EFAULT', () => {
    const r = sim('linux-6.12+', 'thp-move', { thps: 3, unmap: 0.5, zero: 1, pages: 'all' });
    expect(d(r.phases.migrate, 'pgmigrate_success')).toBe(3 * 512);
    expect(d(r.phases.migrate, 'numa_hit')).toBe(0);
    expect(r.movePages?.status).toEqual({ node1: 3, '-EBUSY': 3, '-EFAULT': 3 * 254 });
  });

  it('6.10..6.11 copies zero-filled subpages like any other', () => {
    const r = sim('linux-6.10..6.11', 'thp-move', { thps: 3, unmap: 0.5, zero: 1, pages: 'all' });
    expect(d(r.phases.migrate, 'numa_hit')).toBe(3 * 256);
    expect(r.movePages?.status).toEqual({ node1: 3 * 255, '-EBUSY': 3 });
  });

  it('zero pattern does not change whole-THP migration', () => {
    for (const kernel of ['linux-6.1', 'linux-6.12+']) {
      const r = sim(kernel, 'thp-move', { thps: 3, zero: 1 });
      expect(r.phases.migrate).toMatchObject({ pgmigrate_success: 1536, thp_migration_success: 3 });
    }
  });
});

describe('thp-move: base pages (case c)', () => {
  for (const n of [1, 3, 17]) {
    it(`N=${n}: one page per call, no THP counters`, () => {
      for (const kernel of ['linux-6.1', 'linux-6.12+']) {
        const r = sim(kernel, 'thp-move', { thps: n, thp: 0, pages: 'all' });
        expect(d(r.phases.setup, 'thp_fault_alloc')).toBe(0);
        expect(d(r.phases.migrate, 'pgmigrate_success')).toBe(n * 512);
        expect(d(r.phases.migrate, 'numa_hit')).toBe(n * 512);
        expect(r.movePages?.status).toEqual({ node1: n * 512 });
        const h = sim(kernel, 'thp-move', { thps: n, thp: 0, pages: 'head', unmap: 0.25 });
        expect(d(h.phases.migrate, 'pgmigrate_success')).toBe(n);
      }
    });
  }
});

describe('other migration entry points and failures', () => {
  it('mbind-move and migrate-pages move the same memory with MIGRATE_SYNC', () => {
    for (const w of ['mbind-move', 'migrate-pages']) {
      const r = sim('linux-6.12+', w, { thps: 3, unmap: 0.5 });
      expect(r.phases.migrate).toMatchObject({ pgmigrate_success: 1536, thp_migration_split: 3, thp_migration_fail: 3 });
      expect(r.trace[0]!.reason).toBe(w === 'mbind-move' ? 'MR_MEMPOLICY_MBIND' : 'MR_SYSCALL');
    }
  });

  it('a target without room for a THP: -ENOMEM, split (not NUMA), subpages tried one by one', () => {
    for (const kernel of ['linux-6.1', 'linux-6.12+']) {
      const r = simulateSmallTarget(kernel);
      const m = r.phases.migrate!;
      expect(d(m, 'thp_migration_fail')).toBe(1);
      expect(d(m, 'thp_migration_split')).toBe(1);
      expect(d(m, 'thp_split_page')).toBe(1);
      // a PMD-mapped THP is PMD-split by the split itself
      expect(d(m, 'thp_split_pmd')).toBe(1);
      expect(d(m, 'pgmigrate_success') + d(m, 'pgmigrate_fail')).toBeLessThanOrEqual(512);
      expect(d(m, 'pgmigrate_success')).toBeGreaterThan(0);
    }
  });
});

import { simulate } from './simulate';
function simulateSmallTarget(kernel: string) {
  // node 1: 66 MiB with 64 MiB reserved → ~2 MiB minus the watermark is free: no THP fits.
  return simulate({
    topology: { nodes: [{ id: 0, cpus: [0], memMiB: 1024 }, { id: 1, cpus: [1], memMiB: 66 }] },
    kernel,
    workload: 'thp-move',
    params: { thps: 1, pages: 'head' },
  });
}
