import { describe, expect, it } from 'vitest';
import { catalogNames, describeCounter } from './catalog';

describe('counter catalog', () => {
  it('says what the §1 counters count: calls, base pages, THPs, PTEs, PMDs', () => {
    const u = (n: string) => [describeCounter(n).unit, describeCounter(n).kind, describeCounter(n).family];
    expect(u('numa_hit')).toEqual(['allocations', 'counter', 'numa']);
    expect(u('numa_pages_migrated')).toEqual(['pages', 'counter', 'numa']);
    expect(u('pgmigrate_success')).toEqual(['pages', 'counter', 'migration']);
    expect(u('thp_migration_success')).toEqual(['thps', 'counter', 'migration']);
    expect(u('thp_migration_split')).toEqual(['thps', 'counter', 'migration']);
    expect(u('numa_pte_updates')).toEqual(['ptes', 'counter', 'numa']);
    expect(u('numa_huge_pte_updates')).toEqual(['pmds', 'counter', 'numa']);
    expect(u('thp_split_pmd')).toEqual(['pmds', 'counter', 'thp']);
    expect(u('thp_fault_alloc')).toEqual(['thps', 'counter', 'thp']);
    expect(u('numa_hint_faults')).toEqual(['faults', 'counter', 'numa']);
    expect(u('pgdemote_kswapd')).toEqual(['pages', 'counter', 'migration']);
    expect(u('pgpromote_success')).toEqual(['pages', 'counter', 'migration']);
    expect(u('compact_stall')).toEqual(['events', 'counter', 'compaction']);
    expect(u('nr_anon_transparent_hugepages')).toEqual(['thps', 'gauge', 'thp']);
    expect(u('nr_free_pages')).toEqual(['pages', 'gauge', 'memory']);
    expect(describeCounter('pgmigrate_success').meaning).toMatch(/ANY reason/);
  });

  it('covers every counter of kernel-semantics.md §1', () => {
    const s1 = 'numa_hit numa_miss numa_foreign numa_local numa_other numa_interleave pgalloc_normal numa_pte_updates numa_huge_pte_updates numa_hint_faults numa_hint_faults_local numa_pages_migrated pgmigrate_success pgmigrate_fail thp_migration_success thp_migration_fail thp_migration_split thp_split_page thp_split_page_failed thp_deferred_split_page thp_underused_split_page thp_split_pmd thp_fault_alloc thp_fault_fallback thp_fault_fallback_charge pgpromote_success pgpromote_candidate pgdemote_kswapd pgdemote_direct pgdemote_khugepaged';
    for (const n of s1.split(' ')) expect(describeCounter(n).unknown, n).toBeUndefined();
    expect(catalogNames().length).toBeGreaterThan(80);
  });

  it('types the per-node, per-size and unknown names', () => {
    expect(describeCounter('numastat.node1.numa_miss')).toMatchObject({ unit: 'allocations', kind: 'counter', family: 'node' });
    expect(describeCounter('meminfo.node0.AnonHugePages')).toMatchObject({ unit: 'kB', kind: 'gauge' });
    expect(describeCounter('mthp.64kB.anon_fault_alloc')).toMatchObject({ unit: 'count', kind: 'counter', family: 'mthp' });
    expect(describeCounter('mthp.2048kB.nr_anon')).toMatchObject({ unit: 'count', kind: 'gauge' });
    expect(describeCounter('thp_something_new')).toMatchObject({ unit: 'unknown', family: 'thp', unknown: true });
    expect(describeCounter('nr_brand_new')).toMatchObject({ unit: 'unknown', kind: 'gauge', kindFrom: 'inferred', unknown: true });
  });
});
