/**
 * The counter catalog: what each sampled value counts, in which unit, and whether it is a
 * monotonic counter (charted as a rate or a delta) or a gauge (charted as a level).
 *
 * Honesty first (see shared/reference/kernel-semantics.md §1): `numa_hit` counts allocation
 * CALLS (a 2 MiB THP allocation adds 1), `pgmigrate_success` counts BASE PAGES migrated for any
 * reason (a THP adds 512; compaction included), `thp_migration_*` counts PMD-sized THPs,
 * `numa_pte_updates` counts base PTEs (a huge PMD adds 512). Charts never put two units on one
 * axis, and never add counters of different units.
 *
 * Names the host prints that are not in /proc/vmstat carry a prefix from the sampler:
 *   numastat.node<N>.<key>      /sys/devices/system/node/node<N>/numastat
 *   meminfo.node<N>.<key>       /sys/devices/system/node/node<N>/meminfo (kB)
 *   mthp.<size>kB.<stat>        /sys/kernel/mm/transparent_hugepage/hugepages-<size>kB/stats/<stat>
 */

export const COUNTER_UNITS = ['pages', 'thps', 'events', 'allocations', 'pmds', 'ptes', 'kB', 'bytes', 'count', 'unknown'] as const;
export type CounterUnit = (typeof COUNTER_UNITS)[number];
export const COUNTER_KINDS = ['counter', 'gauge'] as const;
export type CounterKind = (typeof COUNTER_KINDS)[number];
/** Charted families first; the rest are recorded and exportable. */
export const COUNTER_FAMILIES = ['numa', 'migration', 'thp', 'compaction', 'mthp', 'node', 'memory', 'reclaim', 'other'] as const;
export type CounterFamily = (typeof COUNTER_FAMILIES)[number];
export const CHARTED_FAMILIES: readonly CounterFamily[] = ['numa', 'migration', 'thp', 'compaction'];

export interface CounterInfo {
  name: string;
  family: CounterFamily;
  unit: CounterUnit;
  kind: CounterKind;
  /** One line: what one count means. */
  meaning: string;
  /** Which kernels have it, as far as the reference says ('' = long-standing). */
  kernels: string;
  /** True when the name matched no catalog entry or rule. */
  unknown?: boolean;
}

type Entry = [name: string, family: CounterFamily, unit: CounterUnit, kind: CounterKind, meaning: string, kernels?: string];

const ENTRIES: Entry[] = [
  // NUMA allocation statistics: one count per allocation call (zone_statistics, nr_account = 1).
  ['numa_hit', 'numa', 'allocations', 'counter', 'allocation calls satisfied on the preferred node (a THP allocation counts 1, not 512)'],
  ['numa_miss', 'numa', 'allocations', 'counter', 'allocation calls satisfied on this node although another node was preferred'],
  ['numa_foreign', 'numa', 'allocations', 'counter', 'allocation calls that preferred this node but were satisfied elsewhere'],
  ['numa_interleave', 'numa', 'allocations', 'counter', 'interleave-policy allocations that landed on the intended node'],
  ['numa_local', 'numa', 'allocations', 'counter', 'allocation calls satisfied on the node of the allocating CPU'],
  ['numa_other', 'numa', 'allocations', 'counter', 'allocation calls satisfied on a node other than the allocating CPU\'s'],
  // NUMA balancing.
  ['numa_pte_updates', 'numa', 'ptes', 'counter', 'base PTEs made PROT_NONE by the NUMA scanner; a huge PMD adds 512 (mmtests subtracts numa_huge_pte_updates*512)'],
  ['numa_huge_pte_updates', 'numa', 'pmds', 'counter', 'huge PMDs made PROT_NONE by the NUMA scanner (change_huge_pmd)'],
  ['numa_hint_faults', 'numa', 'events', 'counter', 'NUMA hinting faults taken (one per PTE or PMD fault); 6.1 does not count PTE-mapped THPs'],
  ['numa_hint_faults_local', 'numa', 'events', 'counter', 'NUMA hinting faults on memory already on the faulting CPU\'s node'],
  ['numa_pages_migrated', 'numa', 'pages', 'counter', 'base pages migrated by NUMA balancing (nr_succeeded of migrate_misplaced_folio; a THP adds 512)'],
  // Migration, every reason.
  ['pgmigrate_success', 'migration', 'pages', 'counter', 'base pages migrated by migrate_pages() for ANY reason (compaction, NUMA, syscalls, demotion, CMA); a THP adds 512'],
  ['pgmigrate_fail', 'migration', 'pages', 'counter', 'base pages migrate_pages() gave up on (untried folios are not counted)'],
  ['thp_migration_success', 'migration', 'thps', 'counter', 'PMD-sized THPs migrated whole (mTHP never counts here)'],
  ['thp_migration_fail', 'migration', 'thps', 'counter', 'PMD-sized THPs that failed to migrate whole; a THP that was split counts here too', '6.10+: a deferred-split THP met by migration counts as failed'],
  ['thp_migration_split', 'migration', 'thps', 'counter', 'THPs split by migrate_pages() so their base pages could be migrated'],
  ['pgpromote_success', 'migration', 'pages', 'counter', 'base pages promoted to a top-tier node by NUMA balancing (memory tiering)', '6.0+; ~6.11+ only in tiering mode'],
  ['pgpromote_candidate', 'migration', 'pages', 'counter', 'base pages selected for promotion (tiering mode, before the rate limit)', '6.0+'],
  ['pgpromote_candidate_nrl', 'migration', 'pages', 'counter', 'promotion candidates not rate-limited', 'recent kernels (merge version unverified)'],
  ['pgdemote_kswapd', 'migration', 'pages', 'counter', 'base pages demoted to a lower tier by kswapd reclaim', '5.18+'],
  ['pgdemote_direct', 'migration', 'pages', 'counter', 'base pages demoted to a lower tier by direct reclaim', '5.18+'],
  ['pgdemote_khugepaged', 'migration', 'pages', 'counter', 'base pages demoted to a lower tier by khugepaged-driven reclaim', '6.x'],
  ['pgdemote_proactive', 'migration', 'pages', 'counter', 'base pages demoted by proactive reclaim (memory.reclaim)', 'recent kernels'],
  // THP.
  ['thp_fault_alloc', 'thp', 'events', 'counter', 'PMD-sized THPs allocated at page fault (one per THP)'],
  ['thp_fault_fallback', 'thp', 'events', 'counter', 'page faults that wanted a PMD THP and fell back to smaller pages'],
  ['thp_fault_fallback_charge', 'thp', 'events', 'counter', 'THP fault fallbacks because the memcg charge failed', '5.8+'],
  ['thp_collapse_alloc', 'thp', 'events', 'counter', 'THPs allocated by khugepaged to collapse a range'],
  ['thp_collapse_alloc_failed', 'thp', 'events', 'counter', 'khugepaged THP allocations that failed'],
  ['thp_file_alloc', 'thp', 'events', 'counter', 'file/shmem THPs allocated'],
  ['thp_file_fallback', 'thp', 'events', 'counter', 'file/shmem THP allocations that fell back'],
  ['thp_file_fallback_charge', 'thp', 'events', 'counter', 'file/shmem THP fallbacks for a failed memcg charge'],
  ['thp_file_mapped', 'thp', 'events', 'counter', 'file THPs mapped with a PMD'],
  ['thp_split_page', 'thp', 'thps', 'counter', 'THPs split (split_huge_page); pmd-mappable only since ~6.9/6.10'],
  ['thp_split_page_failed', 'thp', 'thps', 'counter', 'THP splits that failed'],
  ['thp_deferred_split_page', 'thp', 'thps', 'counter', 'THPs queued for deferred split (6.12+: only when first marked partially mapped)'],
  ['thp_underused_split_page', 'thp', 'thps', 'counter', 'underused (mostly zero) THPs split by the deferred-split shrinker', '6.12+'],
  ['thp_split_pmd', 'thp', 'pmds', 'counter', 'PMD mappings of a THP split into PTE mappings'],
  ['thp_split_pud', 'thp', 'count', 'counter', 'PUD mappings split (DAX)'],
  ['thp_scan_exceed_none_pte', 'thp', 'events', 'counter', 'khugepaged scans that stopped at max_ptes_none', '5.11+'],
  ['thp_scan_exceed_swap_pte', 'thp', 'events', 'counter', 'khugepaged scans that stopped at max_ptes_swap', '5.11+'],
  ['thp_scan_exceed_share_pte', 'thp', 'events', 'counter', 'khugepaged scans that stopped at max_ptes_shared', '5.11+'],
  ['thp_zero_page_alloc', 'thp', 'events', 'counter', 'huge zero pages allocated'],
  ['thp_zero_page_alloc_failed', 'thp', 'events', 'counter', 'huge zero page allocations that failed'],
  ['thp_swpout', 'thp', 'thps', 'counter', 'THPs swapped out whole'],
  ['thp_swpout_fallback', 'thp', 'thps', 'counter', 'THPs split before swap-out'],
  // Compaction.
  ['compact_migrate_scanned', 'compaction', 'pages', 'counter', 'base pages scanned by the compaction migration scanner'],
  ['compact_free_scanned', 'compaction', 'pages', 'counter', 'base pages scanned by the compaction free scanner'],
  ['compact_isolated', 'compaction', 'pages', 'counter', 'base pages isolated by compaction (both scanners)'],
  ['compact_stall', 'compaction', 'events', 'counter', 'direct compaction attempts by allocating tasks'],
  ['compact_fail', 'compaction', 'events', 'counter', 'direct compaction attempts that did not yield the page'],
  ['compact_success', 'compaction', 'events', 'counter', 'direct compaction attempts that yielded the page'],
  ['compact_daemon_wake', 'compaction', 'events', 'counter', 'kcompactd wake-ups'],
  ['compact_daemon_migrate_scanned', 'compaction', 'pages', 'counter', 'base pages scanned by kcompactd\'s migration scanner'],
  ['compact_daemon_free_scanned', 'compaction', 'pages', 'counter', 'base pages scanned by kcompactd\'s free scanner'],
  // Memory, reclaim and common gauges.
  ['pgfault', 'memory', 'events', 'counter', 'page faults (minor and major)'],
  ['pgmajfault', 'memory', 'events', 'counter', 'major page faults (needed I/O)'],
  ['pgfree', 'memory', 'pages', 'counter', 'base pages freed'],
  ['pgactivate', 'reclaim', 'pages', 'counter', 'pages moved to an active LRU'],
  ['pgdeactivate', 'reclaim', 'pages', 'counter', 'pages moved to an inactive LRU'],
  ['pgpgin', 'memory', 'kB', 'counter', 'kB read in from block devices'],
  ['pgpgout', 'memory', 'kB', 'counter', 'kB written out to block devices'],
  ['pswpin', 'memory', 'pages', 'counter', 'pages swapped in'],
  ['pswpout', 'memory', 'pages', 'counter', 'pages swapped out'],
  ['oom_kill', 'memory', 'events', 'counter', 'processes killed by the OOM killer'],
  ['nr_free_pages', 'memory', 'pages', 'gauge', 'free base pages'],
  ['nr_anon_pages', 'memory', 'pages', 'gauge', 'anonymous pages mapped'],
  ['nr_mapped', 'memory', 'pages', 'gauge', 'file pages mapped into page tables'],
  ['nr_file_pages', 'memory', 'pages', 'gauge', 'page-cache pages'],
  ['nr_dirty', 'memory', 'pages', 'gauge', 'dirty pages'],
  ['nr_writeback', 'memory', 'pages', 'gauge', 'pages under writeback'],
  ['nr_shmem', 'memory', 'pages', 'gauge', 'shmem/tmpfs pages'],
  ['nr_slab_reclaimable', 'memory', 'pages', 'gauge', 'reclaimable slab pages'],
  ['nr_slab_unreclaimable', 'memory', 'pages', 'gauge', 'unreclaimable slab pages'],
  ['nr_page_table_pages', 'memory', 'pages', 'gauge', 'pages used for page tables'],
  ['nr_kernel_stack', 'memory', 'kB', 'gauge', 'kernel stacks (kB, not pages)'],
  ['nr_active_anon', 'reclaim', 'pages', 'gauge', 'pages on the active anon LRU'],
  ['nr_inactive_anon', 'reclaim', 'pages', 'gauge', 'pages on the inactive anon LRU'],
  ['nr_active_file', 'reclaim', 'pages', 'gauge', 'pages on the active file LRU'],
  ['nr_inactive_file', 'reclaim', 'pages', 'gauge', 'pages on the inactive file LRU'],
  ['nr_unevictable', 'reclaim', 'pages', 'gauge', 'unevictable pages'],
  ['nr_isolated_anon', 'migration', 'pages', 'gauge', 'anon pages isolated from the LRU right now (migration, compaction, reclaim)'],
  ['nr_isolated_file', 'migration', 'pages', 'gauge', 'file pages isolated from the LRU right now'],
  ['nr_anon_transparent_hugepages', 'thp', 'thps', 'gauge', 'anonymous PMD-sized THPs in use (counts THPs, not pages)'],
  ['nr_shmem_hugepages', 'thp', 'thps', 'gauge', 'shmem THPs (counts THPs)'],
  ['nr_shmem_pmdmapped', 'thp', 'thps', 'gauge', 'shmem THPs mapped with a PMD'],
  ['nr_file_hugepages', 'thp', 'thps', 'gauge', 'file THPs in the page cache'],
  ['nr_file_pmdmapped', 'thp', 'thps', 'gauge', 'file THPs mapped with a PMD'],
  ['nr_swapcached', 'memory', 'pages', 'gauge', 'pages in the swap cache'],
  ['nr_mlock', 'memory', 'pages', 'gauge', 'mlocked pages'],
  ['nr_dirty_threshold', 'memory', 'pages', 'gauge', 'dirty-page throttling threshold'],
  ['nr_dirty_background_threshold', 'memory', 'pages', 'gauge', 'background writeback threshold'],
  ['nr_free_cma', 'memory', 'pages', 'gauge', 'free CMA pages'],
  ['nr_foll_pin_acquired', 'memory', 'pages', 'counter', 'pages pinned with FOLL_PIN (cumulative)', '5.7+'],
  ['nr_foll_pin_released', 'memory', 'pages', 'counter', 'FOLL_PIN pins released (cumulative)', '5.7+'],
  ['nr_hugetlb', 'memory', 'pages', 'gauge', 'hugetlb pages (in base pages)', 'recent kernels'],
  ['nr_dirtied', 'memory', 'pages', 'counter', 'pages dirtied (cumulative)'],
  ['nr_written', 'memory', 'pages', 'counter', 'pages written back (cumulative)'],
  ['htlb_buddy_alloc_success', 'memory', 'events', 'counter', 'hugetlb pages allocated from the buddy allocator'],
  ['htlb_buddy_alloc_fail', 'memory', 'events', 'counter', 'hugetlb buddy allocations that failed'],
];

const BY_NAME = new Map<string, CounterInfo>(
  ENTRIES.map(([name, family, unit, kind, meaning, kernels]) => [name, { name, family, unit, kind, meaning, kernels: kernels ?? '' }]),
);

const NUMASTAT_KEYS: Record<string, string> = {
  numa_hit: 'allocation calls on this node that it was preferred for',
  numa_miss: 'allocation calls on this node although another was preferred',
  numa_foreign: 'allocation calls preferring this node satisfied elsewhere',
  interleave_hit: 'interleave allocations that landed on this node as intended',
  local_node: 'allocation calls on this node from a CPU of this node',
  other_node: 'allocation calls on this node from a CPU of another node',
};

const MTHP_STATS: Record<string, [CounterUnit, CounterKind, string]> = {
  anon_fault_alloc: ['events', 'counter', 'anon folios of this size allocated at fault'],
  anon_fault_fallback: ['events', 'counter', 'anon faults that wanted this size and fell back'],
  anon_fault_fallback_charge: ['events', 'counter', 'fallbacks for a failed memcg charge'],
  anon_fault_declined: ['events', 'counter', 'anon faults where this size was declined'],
  swpout: ['events', 'counter', 'folios of this size swapped out whole'],
  swpout_fallback: ['events', 'counter', 'folios of this size split before swap-out'],
  swpin: ['events', 'counter', 'folios of this size swapped in whole'],
  zswpout: ['events', 'counter', 'folios of this size written to zswap'],
  shmem_alloc: ['events', 'counter', 'shmem folios of this size allocated'],
  shmem_fallback: ['events', 'counter', 'shmem allocations of this size that fell back'],
  shmem_fallback_charge: ['events', 'counter', 'shmem fallbacks for a failed memcg charge'],
  split: ['events', 'counter', 'folios of this size split (per order; the vmstat thp_split_page counts PMD size only)'],
  split_failed: ['events', 'counter', 'splits of this size that failed'],
  split_deferred: ['events', 'counter', 'folios of this size queued for deferred split'],
  nr_anon: ['count', 'gauge', 'anon folios of this size in use'],
  nr_anon_partially_mapped: ['count', 'gauge', 'anon folios of this size partially mapped (on the split queue)'],
};

const cache = new Map<string, CounterInfo>();

/** Describes any name the sampler can print; never throws. Unknown names get unit 'unknown'. */
export function describeCounter(name: string): CounterInfo {
  const hit = BY_NAME.get(name) ?? cache.get(name);
  if (hit) return hit;
  const info = byRule(name);
  if (cache.size < 10000) cache.set(name, info);
  return info;
}

function byRule(name: string): CounterInfo {
  const mk = (family: CounterFamily, unit: CounterUnit, kind: CounterKind, meaning: string, kernels = '', unknown?: boolean): CounterInfo => ({
    name,
    family,
    unit,
    kind,
    meaning,
    kernels,
    ...(unknown ? { unknown } : {}),
  });
  let m = /^numastat\.node(\d+)\.(\w+)$/.exec(name);
  if (m) {
    const meaning = NUMASTAT_KEYS[m[2]];
    return meaning ? mk('node', 'allocations', 'counter', `node ${m[1]}: ${meaning}`) : mk('node', 'unknown', 'counter', `node ${m[1]}: ${m[2]} (not in the catalog)`, '', true);
  }
  m = /^meminfo\.node(\d+)\.(\w+)$/.exec(name);
  if (m) {
    const huge = /HugePages_(Total|Free|Surp)/.test(m[2]);
    return mk('node', huge ? 'count' : 'kB', 'gauge', `node ${m[1]}: ${m[2]} from its meminfo${huge ? ' (hugetlb pages)' : ''}`);
  }
  m = /^mthp\.(\d+kB)\.(\w+)$/.exec(name);
  if (m) {
    const s = MTHP_STATS[m[2]];
    return s ? mk('mthp', s[0], s[1], `${m[1]}: ${s[2]}`, '6.9+ (per file; unverified)') : mk('mthp', 'unknown', 'counter', `${m[1]}: ${m[2]} (not in the catalog)`, '', true);
  }
  if ((m = /^pgalloc_(\w+)$/.exec(name))) return mk('memory', 'pages', 'counter', `base pages allocated from zone ${m[1]} (1 << order per call; contrast numa_hit, 1 per call)`);
  if ((m = /^allocstall_(\w+)$/.exec(name))) return mk('reclaim', 'events', 'counter', `direct reclaim entries for zone ${m[1]}`);
  if ((m = /^pg(steal|scan)_(\w+)$/.exec(name))) return mk('reclaim', 'pages', 'counter', `pages ${m[1] === 'steal' ? 'reclaimed' : 'scanned'} (${m[2]})`);
  if ((m = /^pgdemote_(\w+)$/.exec(name))) return mk('migration', 'pages', 'counter', `base pages demoted (${m[1]})`, 'recent kernels');
  if ((m = /^pgpromote_(\w+)$/.exec(name))) return mk('migration', 'pages', 'counter', `base pages, promotion ${m[1]}`, 'recent kernels');
  if ((m = /^nr_zone_(\w+)$/.exec(name))) return mk('reclaim', 'pages', 'gauge', `pages on the zone's ${m[1]} list (all zones summed)`);
  if (/^workingset_/.test(name)) return mk('reclaim', 'events', 'counter', `working-set detection: ${name.slice(11)}`);
  // Names in the known families but not in the catalog: keep the family, admit the unit is unknown.
  const family: CounterFamily = /^numa_/.test(name) ? 'numa' : /^(pgmigrate_|thp_migration_)/.test(name) ? 'migration' : /^thp_/.test(name) ? 'thp' : /^compact_/.test(name) ? 'compaction' : 'other';
  return mk(family, 'unknown', /^nr_/.test(name) ? 'gauge' : 'counter', 'not in the lab\'s counter catalog', '', true);
}

/** Every explicitly catalogued name (rules cover the per-node, per-size and per-zone families). */
export function catalogNames(): string[] {
  return [...BY_NAME.keys()];
}

/** Human label for an axis: the unit and, for a rate, per second. */
export function unitLabel(unit: CounterUnit, mode: 'rate' | 'delta' | 'value'): string {
  return mode === 'rate' ? `${unit}/s` : unit;
}
