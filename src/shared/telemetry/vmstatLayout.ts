/**
 * Which /proc/vmstat names are levels and which are events, as the kernel defines them.
 *
 * mm/vmstat.c prints `vmstat_text[]` in the order of the enums it is built from:
 *   1. enum zone_stat_item       (levels: nr_free_pages, nr_zone_*, nr_mlock, …)
 *   2. enum numa_stat_item       (numa_hit … numa_other: per-cpu EVENT counters since 5.14,
 *                                 `__count_numa_event`, still printed in this place)
 *   3. enum node_stat_item       (levels: nr_inactive_anon, nr_isolated_anon, workingset_nodes, …)
 *   4. enum writeback_stat_item  (nr_dirty_threshold, nr_dirty_background_threshold)
 *   5. enum vm_stat_item         (6.12+: nr_memmap_pages, nr_memmap_boot_pages; levels)
 *   6. enum vm_event_item        (events, from `pgpgin` on: `count_vm_event(s)` only adds)
 * and then `vmstat_show()` appends the deprecated `nr_unstable 0`.
 *
 * Stat items are signed atomics that `mod_*_page_state()` moves both ways: levels. A few
 * node_stat_items are only ever added to (refaults, dirtied/written pages, FOLL_PIN pins,
 * promotions and demotions: `mod_node_page_state(…, +nr)` and nothing subtracts): the kernel
 * keeps them with the levels for the per-node and per-memcg accounting, but they are
 * cumulative, so they are charted and reset-checked like events; INCREMENT_ONLY_NODE_STATS
 * names them.
 *
 * Two ways to classify a name, which the tests check against each other on real kernels:
 * - `vmstatSections(names)`: from the order the kernel printed them (works for names this
 *   file has never heard of, e.g. a newer kernel's);
 * - `staticSection(name)`: from the lists below (the union of 5.x–6.18, for a single name).
 */

export const VMSTAT_SECTIONS = ['zone_stat', 'numa_event', 'node_stat', 'writeback_stat', 'vm_stat', 'vm_event', 'deprecated'] as const;
export type VmstatSection = (typeof VMSTAT_SECTIONS)[number];

/** The first vm_event_item in every kernel since 2.6: everything the kernel prints from here on is an event. */
export const FIRST_VM_EVENT = 'pgpgin';

/** enum numa_stat_item (include/linux/mmzone.h): allocation events, counted per call. */
export const NUMA_EVENT_ITEMS = ['numa_hit', 'numa_miss', 'numa_foreign', 'numa_interleave', 'numa_local', 'numa_other'] as const;

export const ZONE_STAT_ITEMS = [
  'nr_free_pages',
  'nr_free_pages_blocks',
  'nr_zone_inactive_anon',
  'nr_zone_active_anon',
  'nr_zone_inactive_file',
  'nr_zone_active_file',
  'nr_zone_unevictable',
  'nr_zone_write_pending',
  'nr_mlock',
  'nr_bounce',
  'nr_zspages',
  'nr_free_cma',
  'nr_unaccepted',
] as const;

/** enum node_stat_item entries that `mod_node_page_state()` moves both ways: levels. */
export const NODE_STAT_LEVELS = [
  'nr_inactive_anon',
  'nr_active_anon',
  'nr_inactive_file',
  'nr_active_file',
  'nr_unevictable',
  'nr_slab_reclaimable',
  'nr_slab_unreclaimable',
  'nr_isolated_anon',
  'nr_isolated_file',
  'workingset_nodes',
  'nr_anon_pages',
  'nr_mapped',
  'nr_file_pages',
  'nr_dirty',
  'nr_writeback',
  'nr_writeback_temp',
  'nr_shmem',
  'nr_shmem_hugepages',
  'nr_shmem_pmdmapped',
  'nr_file_hugepages',
  'nr_file_pmdmapped',
  'nr_anon_transparent_hugepages',
  'nr_kernel_misc_reclaimable',
  'nr_kernel_stack',
  'nr_shadow_call_stack',
  'nr_page_table_pages',
  'nr_sec_page_table_pages',
  'nr_iommu_pages',
  'nr_swapcached',
  'nr_hugetlb',
  'nr_balloon_pages',
  'nr_kernel_file_pages',
  // 6.11 had these as node_stat_items; 6.12+ moved them to enum vm_stat_item (section 5).
  'nr_memmap',
  'nr_memmap_boot',
] as const;

/** node_stat_items nothing in mm/ ever decrements: cumulative, so kind 'counter'. */
export const INCREMENT_ONLY_NODE_STATS: ReadonlySet<string> = new Set([
  'workingset_refault',
  'workingset_refault_anon',
  'workingset_refault_file',
  'workingset_activate',
  'workingset_activate_anon',
  'workingset_activate_file',
  'workingset_restore',
  'workingset_restore_anon',
  'workingset_restore_file',
  'workingset_nodereclaim',
  'nr_vmscan_write',
  'nr_vmscan_immediate_reclaim',
  'nr_dirtied',
  'nr_written',
  'nr_throttled_written',
  'nr_foll_pin_acquired',
  'nr_foll_pin_released',
  'pgpromote_success',
  'pgpromote_candidate',
  'pgpromote_candidate_nrl',
  'pgdemote_kswapd',
  'pgdemote_direct',
  'pgdemote_khugepaged',
  'pgdemote_proactive',
]);

/** enum node_stat_item (include/linux/mmzone.h): the union over the kernels this file covers. */
export const NODE_STAT_ITEMS: readonly string[] = [...NODE_STAT_LEVELS, ...INCREMENT_ONLY_NODE_STATS];

export const WRITEBACK_STAT_ITEMS = ['nr_dirty_threshold', 'nr_dirty_background_threshold'] as const;
export const VM_STAT_ITEMS = ['nr_memmap_pages', 'nr_memmap_boot_pages'] as const;
/** Printed after the events by vmstat_show() so old tools keep parsing (always 0 since 5.8). */
export const DEPRECATED_ITEMS = ['nr_unstable'] as const;

/** Per-zone event families: FOR_ALL_ZONES(PGALLOC) etc. in include/linux/vm_event_item.h. */
const ZONE_EVENT = /^(pgalloc|allocstall|pgskip|pgrefill|pgsteal_kswapd|pgsteal_direct|pgscan_kswapd|pgscan_direct)_(dma|dma32|normal|high|movable|device)$/;

/** enum vm_event_item names seen in 5.x–6.18 (per-zone families by ZONE_EVENT). */
export const VM_EVENT_ITEMS: ReadonlySet<string> = new Set([
  'pgpgin', 'pgpgout', 'pswpin', 'pswpout',
  'pgfree', 'pgactivate', 'pgdeactivate', 'pglazyfree', 'pgfault', 'pgmajfault', 'pglazyfreed', 'pgrefill', 'pgreuse',
  'pgsteal_kswapd', 'pgsteal_direct', 'pgsteal_khugepaged', 'pgsteal_proactive',
  'pgscan_kswapd', 'pgscan_direct', 'pgscan_khugepaged', 'pgscan_proactive', 'pgscan_direct_throttle',
  'pgscan_anon', 'pgscan_file', 'pgsteal_anon', 'pgsteal_file',
  'zone_reclaim_success', 'zone_reclaim_failed', 'pginodesteal', 'slabs_scanned', 'kswapd_inodesteal',
  'kswapd_low_wmark_hit_quickly', 'kswapd_high_wmark_hit_quickly', 'pageoutrun', 'pgrotated',
  'drop_pagecache', 'drop_slab', 'oom_kill',
  'numa_pte_updates', 'numa_huge_pte_updates', 'numa_hint_faults', 'numa_hint_faults_local', 'numa_pages_migrated',
  'pgmigrate_success', 'pgmigrate_fail', 'thp_migration_success', 'thp_migration_fail', 'thp_migration_split',
  'compact_migrate_scanned', 'compact_free_scanned', 'compact_isolated', 'compact_stall', 'compact_fail', 'compact_success',
  'compact_daemon_wake', 'compact_daemon_migrate_scanned', 'compact_daemon_free_scanned',
  'htlb_buddy_alloc_success', 'htlb_buddy_alloc_fail',
  'cma_alloc_success', 'cma_alloc_fail',
  'unevictable_pgs_culled', 'unevictable_pgs_scanned', 'unevictable_pgs_rescued', 'unevictable_pgs_mlocked',
  'unevictable_pgs_munlocked', 'unevictable_pgs_cleared', 'unevictable_pgs_stranded',
  'thp_fault_alloc', 'thp_fault_fallback', 'thp_fault_fallback_charge', 'thp_collapse_alloc', 'thp_collapse_alloc_failed',
  'thp_file_alloc', 'thp_file_fallback', 'thp_file_fallback_charge', 'thp_file_mapped',
  'thp_split_page', 'thp_split_page_failed', 'thp_deferred_split_page', 'thp_underused_split_page',
  'thp_split_pmd', 'thp_scan_exceed_none_pte', 'thp_scan_exceed_swap_pte', 'thp_scan_exceed_share_pte',
  'thp_split_pud', 'thp_zero_page_alloc', 'thp_zero_page_alloc_failed', 'thp_swpout', 'thp_swpout_fallback',
  'balloon_inflate', 'balloon_deflate', 'balloon_migrate',
  'swap_ra', 'swap_ra_hit', 'swpin_zero', 'swpout_zero', 'ksm_swpin_copy', 'cow_ksm', 'zswpin', 'zswpout', 'zswpwb',
  'nr_tlb_remote_flush', 'nr_tlb_remote_flush_received', 'nr_tlb_local_flush_all', 'nr_tlb_local_flush_one',
  'vmacache_find_calls', 'vmacache_find_hits', 'vma_lock_success', 'vma_lock_abort', 'vma_lock_retry', 'vma_lock_miss',
  'direct_map_level2_splits', 'direct_map_level3_splits', 'direct_map_level2_collapses', 'direct_map_level3_collapses',
  'kstack_1k', 'kstack_2k', 'kstack_4k', 'kstack_8k', 'kstack_16k', 'kstack_32k', 'kstack_64k', 'kstack_128k', 'kstack_rest',
]);

const BY_LIST = new Map<string, VmstatSection>([
  ...ZONE_STAT_ITEMS.map((n) => [n, 'zone_stat'] as const),
  ...NUMA_EVENT_ITEMS.map((n) => [n, 'numa_event'] as const),
  ...NODE_STAT_ITEMS.map((n) => [n, 'node_stat'] as const),
  ...WRITEBACK_STAT_ITEMS.map((n) => [n, 'writeback_stat'] as const),
  ...VM_STAT_ITEMS.map((n) => [n, 'vm_stat'] as const),
  ...DEPRECATED_ITEMS.map((n) => [n, 'deprecated'] as const),
  ...[...VM_EVENT_ITEMS].map((n) => [n, 'vm_event'] as const),
]);

/** The section a vmstat name belongs to by the lists above; undefined for a name they do not hold. */
export function staticSection(name: string): VmstatSection | undefined {
  return BY_LIST.get(name) ?? (ZONE_EVENT.test(name) ? 'vm_event' : undefined);
}

/** Whether the kernel's definition makes a vmstat name cumulative (an event) or a level. */
export function isCumulative(name: string, section: VmstatSection): boolean {
  return section === 'vm_event' || section === 'numa_event' || (section === 'node_stat' && INCREMENT_ONLY_NODE_STATS.has(name));
}

/**
 * Sections from the order a kernel printed its /proc/vmstat (names in file order): the
 * boundaries are the first NUMA event, the first node item after them, the writeback pair, and
 * FIRST_VM_EVENT; `nr_unstable` after the events is the deprecated tail. Without CONFIG_NUMA
 * there are no NUMA events, and a zone/node boundary is then taken from the lists. Returns
 * undefined when the order is not the kernel's layout (no `pgpgin`: a truncated or foreign file).
 */
export function vmstatSections(names: readonly string[]): Map<string, VmstatSection> | undefined {
  const firstEvent = names.indexOf(FIRST_VM_EVENT);
  if (firstEvent < 0) return undefined;
  const out = new Map<string, VmstatSection>();
  const numa = new Set<string>(NUMA_EVENT_ITEMS);
  let section: VmstatSection = 'zone_stat';
  for (let i = 0; i < names.length; i++) {
    const n = names[i];
    if (i >= firstEvent) section = n === 'nr_unstable' && i > firstEvent ? 'deprecated' : 'vm_event';
    else if (numa.has(n)) section = 'numa_event';
    else if (n === 'nr_dirty_threshold' || n === 'nr_dirty_background_threshold') section = 'writeback_stat';
    else if (section === 'numa_event') section = 'node_stat';
    else if (section === 'writeback_stat') section = 'vm_stat';
    else if (section === 'zone_stat' && staticSection(n) === 'node_stat') section = 'node_stat'; // !CONFIG_NUMA: no NUMA block between
    out.set(n, section);
  }
  return out;
}
