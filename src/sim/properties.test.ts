/**
 * Property-based tests under randomized specs: pages are neither lost nor duplicated across
 * nodes (the allocator's books equal what the page tables hold, the set of present addresses
 * only changes where the kernel would change it), and counters never decrease.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { auditMemory } from './audit';
import { HPAGE_PMD_NR } from './constants';
import { setupRegions } from './drivers/region_setup';
import { Kernel } from './kernel';
import { normalizeKnobs } from './knobs';
import { Mm } from './mm';
import { doPagesMove, queuePagesAndMigrate } from './move_pages';
import { simulate } from './simulate';
import { TWO_NODE_GUEST } from './test_helpers';
import { VARIANTS, VARIANT_NAMES } from './variants';
import type { VariantName } from './variants';

const arbParams = fc.record({
  thps: fc.integer({ min: 1, max: 6 }),
  unmap: fc.oneof(fc.constant(0), fc.constant(0.5), fc.double({ min: 0, max: 1, noNaN: true })),
  thp: fc.integer({ min: 0, max: 1 }),
  zero: fc.integer({ min: 0, max: 1 }),
  pages: fc.constantFrom('all', 'head'),
});

describe('conservation of pages', () => {
  it('move_pages/mbind/migrate_pages: allocator books == page tables, present addresses unchanged', () => {
    fc.assert(
      fc.property(fc.constantFrom(...VARIANT_NAMES), arbParams, fc.constantFrom('thp-move', 'mbind-move', 'migrate-pages'), fc.integer({ min: 40, max: 1024 }), (variant: VariantName, p, workload, targetMiB) => {
        const k = new Kernel(VARIANTS[variant], normalizeKnobs({}), [
          { id: 0, cpus: [0], memMiB: 1024 },
          { id: 1, cpus: [1], memMiB: 64 + targetMiB / 16 },
        ]);
        const mm = new Mm(1);
        const regions = setupRegions(k, mm, 0, { ...p, from: 0, to: 1 }, {});
        const a0 = auditMemory(k, [mm]);
        expect(a0.found).toEqual(a0.booked);
        if (workload === 'thp-move') {
          const addrs = p.pages === 'head' ? regions.headVpns() : regions.mappedVpns();
          const o = doPagesMove(k, mm, addrs, 1, 0);
          expect(o.status).toHaveLength(addrs.length);
        } else {
          queuePagesAndMigrate(k, mm, 1, workload === 'migrate-pages' ? 0 : null, 'MR_SYSCALL', 0);
        }
        const a1 = auditMemory(k, [mm]);
        expect(a1.found).toEqual(a1.booked);
        // every mapped address is still mapped (zero-page remaps included), nothing new appears
        expect(a1.presentPages).toBe(a0.presentPages);
        expect(a0.presentPages).toBe(regions.thps * (HPAGE_PMD_NR - regions.unmapped));
        expect(mm.rss()).toBe(mm.recountRss());
        // nothing isolated is left behind
        for (const vma of mm.vmas) for (const s of vma.slots) if (s.pt) expect(s.pt.isolated.every((x) => x === 0)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });
});

describe('conservation under NUMA balancing', () => {
  it('numa-touch, numa01 and numa02 keep the books straight on every variant', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...VARIANT_NAMES),
        fc.oneof(
          arbParams.map((p) => ({ workload: 'numa-touch', params: { thps: p.thps, unmap: p.unmap, thp: p.thp, zero: p.zero, secs: 6 } as Record<string, string | number> })),
          fc.record({ size_mib: fc.constantFrom(8, 16, 30), loops: fc.constantFrom(30, 80), thp: fc.integer({ min: 0, max: 1 }) }).map((p) => ({ workload: 'numa01', params: p as Record<string, string | number> })),
          fc.record({ size_mib: fc.constantFrom(8, 16), loops: fc.constantFrom(50, 200), thp: fc.integer({ min: 0, max: 1 }) }).map((p) => ({ workload: 'numa02', params: p as Record<string, string | number> })),
        ),
        fc.integer({ min: 1, max: 3 }),
        (kernel, w, cpusPerNode) => {
          const topology = { nodes: [0, 1].map((id) => ({ id, cpus: Array.from({ length: cpusPerNode }, (_, c) => id * cpusPerNode + c), memMiB: 512 })) };
          const r = simulate({ topology, kernel, workload: w.workload, params: w.params }, { audit: true });
          // pages the balancer moved are exactly the pages migrate_pages() moved for it
          expect(r.deltas.numa_pages_migrated ?? 0).toBe(r.deltas.pgmigrate_success ?? 0);
        },
      ),
      { numRuns: 30 },
    );
  });
});

describe('counters never decrease', () => {
  it('over the sampled series of randomized runs, including NUMA balancing', () => {
    fc.assert(
      fc.property(fc.constantFrom(...VARIANT_NAMES), arbParams, fc.constantFrom('thp-move', 'numa-touch'), (kernel, p, workload) => {
        const params: Record<string, string | number> = workload === 'numa-touch' ? { thps: p.thps, unmap: p.unmap, thp: p.thp, zero: p.zero, secs: 4 } : p;
        const times = Array.from({ length: 12 }, (_, i) => i * 0.5);
        const r = simulate({ topology: TWO_NODE_GUEST, kernel, workload, params }, { sampleTimes: times });
        expect(r.series).not.toBeNull();
        for (const values of Object.values(r.series!.counters)) {
          for (let i = 1; i < values.length; i++) expect(values[i]!).toBeGreaterThanOrEqual(values[i - 1]!);
        }
        for (const phase of Object.values(r.phases)) for (const v of Object.values(phase)) expect(v).toBeGreaterThan(0);
        // totals are the sum of the phases
        for (const [c, v] of Object.entries(r.deltas)) {
          const sum = Object.values(r.phases).reduce((s, ph) => s + (ph[c] ?? 0), 0);
          expect(sum).toBe(v);
        }
      }),
      { numRuns: 40 },
    );
  });
});

describe('cancellation and progress', () => {
  it('an aborted signal stops a long run', () => {
    const signal = { aborted: false };
    let calls = 0;
    expect(() =>
      simulate(
        { topology: TWO_NODE_GUEST, kernel: 'linux-6.12+', workload: 'numa-touch', params: { thps: 4, secs: 600 } },
        {
          signal,
          onProgress: () => {
            calls++;
            if (calls > 2) signal.aborted = true;
          },
        },
      ),
    ).toThrow(/cancelled/);
  });

  it('results are JSON-serialisable', () => {
    const r = simulate({ topology: TWO_NODE_GUEST, kernel: '6.12.117+deb13-amd64', workload: 'thp-move', params: { thps: 2, unmap: 0.5 } }, { sampleTimes: [0, 1] });
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });
});
