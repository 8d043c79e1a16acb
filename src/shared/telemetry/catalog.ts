import { isCumulative, staticSection, type VmstatSection } from './vmstatLayout';

/**
 * The counter catalog: what each sampled value counts, in which unit, and whether it is
 * cumulative (an event counter, charted as a rate, a per-interval count or a delta) or a level
 * (charted as itself).
 *
 * Kinds come from the kernel's own definitions (vmstatLayout.ts: which enum of mm/vmstat.c a
 * name belongs to), never from name patterns; a name the kernel's lists do not hold is marked
 * `kindFrom: 'inferred'` and the run classifies it by what it did (see RunWriter).
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

export const COUNTER_UNITS = ['pages', 'thps', 'faults', 'events', 'allocations', 'pmds', 'ptes', 'kB', 'bytes', 'count', 'unknown'] as const;
export type CounterUnit = (typeof COUNTER_UNITS)[number];
/** PCP's "counter" and "instant": cumulative events, and levels. */
export const COUNTER_KINDS = ['counter', 'gauge'] as const;
export type CounterKind = (typeof COUNTER_KINDS)[number];
/** Where a kind comes from: the kernel's definition, or the run's own values (a name no list holds). */
export const KIND_SOURCES = ['kernel', 'inferred'] as const;
export type KindSource = (typeof KIND_SOURCES)[number];
/** The kernel's home of a name: a vmstat section, or the per-node and per-size files. */
export const COUNTER_SOURCES = ['zone_stat', 'numa_event', 'node_stat', 'writeback_stat', 'vm_stat', 'vm_event', 'deprecated', 'numastat', 'meminfo', 'mthp_stat', 'unknown'] as const;
export type CounterSource = (typeof COUNTER_SOURCES)[number];
/** Charted families first; the rest are recorded and exportable. */
export const COUNTER_FAMILIES = ['numa', 'migration', 'thp', 'compaction', 'mthp', 'node', 'memory', 'reclaim', 'other'] as const;
export type CounterFamily = (typeof COUNTER_FAMILIES)[number];
export const CHARTED_FAMILIES: readonly CounterFamily[] = ['numa', 'migration', 'thp', 'compaction'];

export interface CounterInfo {
  name: string;
  family: CounterFamily;
  unit: CounterUnit;
  kind: CounterKind;
  /** 'kernel': the kind is the kernel's definition; 'inferred': a guess the run may correct. */
  kindFrom: KindSource;
  source: CounterSource;
  /** One line: what one count means. */
  meaning: string;
  /** Which kernels have it, as far as the reference says ('' = long-standing). */
  kernels: string;
  /** True when the name matched no catalog entry or rule (its unit is not known). */
  unknown?: boolean;
}

type Entry = [name: string, family: CounterFamily, unit: CounterUnit, meaning: string, kernels?: string];

const ENTRIES: Entry[] = [
  // NUMA allocation statistics: one count per allocation call (zone_statistics, nr_account = 1).
  ['numa_hit', 'numa', 'allocations', 'allocation calls satisfied on the preferred node (a THP allocation counts 1, not 512)'],
  ['numa_miss', 'numa', 'allocations', 'allocation calls satisfied on this node although another node was preferred'],
  ['numa_foreign', 'numa', 'allocations', 'allocation calls that preferred this node but were satisfied elsewhere'],
  ['numa_interleave', 'numa', 'allocations', 'interleave-policy allocations that landed on the intended node'],
  ['numa_local', 'numa', 'allocations', 'allocation calls satisfied on the node of the allocating CPU'],
  ['numa_other', 'numa', 'allocations', 'allocation calls satisfied on a node other than the allocating CPU\'s'],
  // NUMA balancing.
  ['numa_pte_updates', 'numa', 'ptes', 'base PTEs made PROT_NONE by the NUMA scanner; a huge PMD adds 512 (mmtests subtracts numa_huge_pte_updates*512)'],
  ['numa_huge_pte_updates', 'numa', 'pmds', 'huge PMDs made PROT_NONE by the NUMA scanner (change_huge_pmd)'],
  ['numa_hint_faults', 'numa', 'faults', 'NUMA hinting faults taken (one per PTE or PMD fault); 6.1 does not count PTE-mapped THPs'],
  ['numa_hint_faults_local', 'numa', 'faults', 'NUMA hinting faults on memory already on the faulting CPU\'s node'],
  ['numa_pages_migrated', 'numa', 'pages', 'base pages migrated by NUMA balancing (nr_succeeded of migrate_misplaced_folio; a THP adds 512)'],
  // Migration, every reason.
  ['pgmigrate_success', 'migration', 'pages', 'base pages migrated by migrate_pages() for ANY reason (compaction, NUMA, syscalls, demotion, CMA); a THP adds 512'],
  ['pgmigrate_fail', 'migration', 'pages', 'base pages migrate_pages() gave up on (untried folios are not counted)'],
  ['thp_migration_success', 'migration', 'thps', 'PMD-sized THPs migrated whole (mTHP never counts here)'],
  ['thp_migration_fail', 'migration', 'thps', 'PMD-sized THPs that failed to migrate whole; a THP that was split counts here too', '6.10+: a deferred-split THP met by migration counts as failed'],
  ['thp_migration_split', 'migration', 'thps', 'THPs split by migrate_pages() so their base pages could be migrated'],
  ['pgpromote_success', 'migration', 'pages', 'base pages promoted to a top-tier node by NUMA balancing (memory tiering)', '6.0+; ~6.11+ only in tiering mode'],
  ['pgpromote_candidate', 'migration', 'pages', 'base pages selected for promotion (tiering mode, before the rate limit)', '6.0+'],
  ['pgpromote_candidate_nrl', 'migration', 'pages', 'promotion candidates not rate-limited', 'recent kernels (merge version unverified)'],
  ['pgdemote_kswapd', 'migration', 'pages', 'base pages demoted to a lower tier by kswapd reclaim', '5.18+'],
  ['pgdemote_direct', 'migration', 'pages', 'base pages demoted to a lower tier by direct reclaim', '5.18+'],
  ['pgdemote_khugepaged', 'migration', 'pages', 'base pages demoted to a lower tier by khugepaged-driven reclaim', '6.x'],
  ['pgdemote_proactive', 'migration', 'pages', 'base pages demoted by proactive reclaim (memory.reclaim)', 'recent kernels'],
  // THP.
  ['thp_fault_alloc', 'thp', 'thps', 'PMD-sized THPs allocated at page fault (one per THP)'],
  ['thp_fault_fallback', 'thp', 'faults', 'page faults that wanted a PMD THP and fell back to smaller pages'],
  ['thp_fault_fallback_charge', 'thp', 'faults', 'THP fault fallbacks because the memcg charge failed', '5.8+'],
  ['thp_collapse_alloc', 'thp', 'thps', 'THPs allocated by khugepaged to collapse a range'],
  ['thp_collapse_alloc_failed', 'thp', 'events', 'khugepaged THP allocations that failed'],
  ['thp_file_alloc', 'thp', 'thps', 'file/shmem THPs allocated'],
  ['thp_file_fallback', 'thp', 'events', 'file/shmem THP allocations that fell back'],
  ['thp_file_fallback_charge', 'thp', 'events', 'file/shmem THP fallbacks for a failed memcg charge'],
  ['thp_file_mapped', 'thp', 'thps', 'file THPs mapped with a PMD'],
  ['thp_split_page', 'thp', 'thps', 'THPs split (split_huge_page); pmd-mappable only since ~6.9/6.10'],
  ['thp_split_page_failed', 'thp', 'thps', 'THP splits that failed'],
  ['thp_deferred_split_page', 'thp', 'thps', 'THPs queued for deferred split (6.12+: only when first marked partially mapped)'],
  ['thp_underused_split_page', 'thp', 'thps', 'underused (mostly zero) THPs split by the deferred-split shrinker', '6.12+'],
  ['thp_split_pmd', 'thp', 'pmds', 'PMD mappings of a THP split into PTE mappings'],
  ['thp_split_pud', 'thp', 'count', 'PUD mappings split (DAX)'],
  ['thp_scan_exceed_none_pte', 'thp', 'events', 'khugepaged scans that stopped at max_ptes_none', '5.11+'],
  ['thp_scan_exceed_swap_pte', 'thp', 'events', 'khugepaged scans that stopped at max_ptes_swap', '5.11+'],
  ['thp_scan_exceed_share_pte', 'thp', 'events', 'khugepaged scans that stopped at max_ptes_shared', '5.11+'],
  ['thp_zero_page_alloc', 'thp', 'events', 'huge zero pages allocated'],
  ['thp_zero_page_alloc_failed', 'thp', 'events', 'huge zero page allocations that failed'],
  ['thp_swpout', 'thp', 'thps', 'THPs swapped out whole'],
  ['thp_swpout_fallback', 'thp', 'thps', 'THPs split before swap-out'],
  // Compaction.
  ['compact_migrate_scanned', 'compaction', 'pages', 'base pages scanned by the compaction migration scanner'],
  ['compact_free_scanned', 'compaction', 'pages', 'base pages scanned by the compaction free scanner'],
  ['compact_isolated', 'compaction', 'pages', 'base pages isolated by compaction (both scanners)'],
  ['compact_stall', 'compaction', 'events', 'direct compaction attempts by allocating tasks'],
  ['compact_fail', 'compaction', 'events', 'direct compaction attempts that did not yield the page'],
  ['compact_success', 'compaction', 'events', 'direct compaction attempts that yielded the page'],
  ['compact_daemon_wake', 'compaction', 'events', 'kcompactd wake-ups'],
  ['compact_daemon_migrate_scanned', 'compaction', 'pages', 'base pages scanned by kcompactd\'s migration scanner'],
  ['compact_daemon_free_scanned', 'compaction', 'pages', 'base pages scanned by kcompactd\'s free scanner'],
  // Memory, reclaim and common gauges.
  ['pgfault', 'memory', 'faults', 'page faults (minor and major)'],
  ['pgmajfault', 'memory', 'faults', 'major page faults (needed I/O)'],
  ['pgfree', 'memory', 'pages', 'base pages freed'],
  ['pgactivate', 'reclaim', 'pages', 'pages moved to an active LRU'],
  ['pgdeactivate', 'reclaim', 'pages', 'pages moved to an inactive LRU'],
  ['pgpgin', 'memory', 'kB', 'kB read in from block devices'],
  ['pgpgout', 'memory', 'kB', 'kB written out to block devices'],
  ['pswpin', 'memory', 'pages', 'pages swapped in'],
  ['pswpout', 'memory', 'pages', 'pages swapped out'],
  ['oom_kill', 'memory', 'events', 'processes killed by the OOM killer'],
  ['nr_free_pages', 'memory', 'pages', 'free base pages'],
  ['nr_anon_pages', 'memory', 'pages', 'anonymous pages mapped'],
  ['nr_mapped', 'memory', 'pages', 'file pages mapped into page tables'],
  ['nr_file_pages', 'memory', 'pages', 'page-cache pages'],
  ['nr_dirty', 'memory', 'pages', 'dirty pages'],
  ['nr_writeback', 'memory', 'pages', 'pages under writeback'],
  ['nr_shmem', 'memory', 'pages', 'shmem/tmpfs pages'],
  ['nr_slab_reclaimable', 'memory', 'pages', 'reclaimable slab pages'],
  ['nr_slab_unreclaimable', 'memory', 'pages', 'unreclaimable slab pages'],
  ['nr_page_table_pages', 'memory', 'pages', 'pages used for page tables'],
  ['nr_kernel_stack', 'memory', 'kB', 'kernel stacks (kB, not pages)'],
  ['nr_active_anon', 'reclaim', 'pages', 'pages on the active anon LRU'],
  ['nr_inactive_anon', 'reclaim', 'pages', 'pages on the inactive anon LRU'],
  ['nr_active_file', 'reclaim', 'pages', 'pages on the active file LRU'],
  ['nr_inactive_file', 'reclaim', 'pages', 'pages on the inactive file LRU'],
  ['nr_unevictable', 'reclaim', 'pages', 'unevictable pages'],
  ['nr_isolated_anon', 'migration', 'pages', 'anon pages isolated from the LRU right now (migration, compaction, reclaim)'],
  ['nr_isolated_file', 'migration', 'pages', 'file pages isolated from the LRU right now'],
  ['nr_anon_transparent_hugepages', 'thp', 'thps', 'anonymous PMD-sized THPs in use (counts THPs, not pages)'],
  ['nr_shmem_hugepages', 'thp', 'thps', 'shmem THPs (counts THPs)'],
  ['nr_shmem_pmdmapped', 'thp', 'thps', 'shmem THPs mapped with a PMD'],
  ['nr_file_hugepages', 'thp', 'thps', 'file THPs in the page cache'],
  ['nr_file_pmdmapped', 'thp', 'thps', 'file THPs mapped with a PMD'],
  ['nr_swapcached', 'memory', 'pages', 'pages in the swap cache'],
  ['nr_mlock', 'memory', 'pages', 'mlocked pages'],
  ['nr_dirty_threshold', 'memory', 'pages', 'dirty-page throttling threshold'],
  ['nr_dirty_background_threshold', 'memory', 'pages', 'background writeback threshold'],
  ['nr_free_cma', 'memory', 'pages', 'free CMA pages'],
  ['nr_foll_pin_acquired', 'memory', 'pages', 'pages pinned with FOLL_PIN (cumulative)', '5.7+'],
  ['nr_foll_pin_released', 'memory', 'pages', 'FOLL_PIN pins released (cumulative)', '5.7+'],
  ['nr_hugetlb', 'memory', 'pages', 'hugetlb pages (in base pages)', 'recent kernels'],
  ['nr_dirtied', 'memory', 'pages', 'pages dirtied (cumulative)'],
  ['nr_written', 'memory', 'pages', 'pages written back (cumulative)'],
  ['htlb_buddy_alloc_success', 'memory', 'events', 'hugetlb pages allocated from the buddy allocator'],
  ['htlb_buddy_alloc_fail', 'memory', 'events', 'hugetlb buddy allocations that failed'],
];

const BY_NAME = new Map<string, Entry>(ENTRIES.map((e) => [e[0], e]));

const NUMASTAT_KEYS: Record<string, string> = {
  numa_hit: 'allocation calls on this node that it was preferred for',
  numa_miss: 'allocation calls on this node although another was preferred',
  numa_foreign: 'allocation calls preferring this node satisfied elsewhere',
  interleave_hit: 'interleave allocations that landed on this node as intended',
  local_node: 'allocation calls on this node from a CPU of this node',
  other_node: 'allocation calls on this node from a CPU of another node',
};

/**
 * enum mthp_stat_item (mm/huge_memory.c, per order): `count_mthp_stat()` only adds, except
 * MTHP_STAT_NR_ANON and MTHP_STAT_NR_ANON_PARTIALLY_MAPPED, which `mod_mthp_stat()` moves both ways.
 */
const MTHP_STATS: Record<string, [CounterUnit, CounterKind, string]> = {
  anon_fault_alloc: ['count', 'counter', 'anon folios of this size allocated at fault'],
  anon_fault_fallback: ['faults', 'counter', 'anon faults that wanted this size and fell back'],
  anon_fault_fallback_charge: ['faults', 'counter', 'fallbacks for a failed memcg charge'],
  anon_fault_declined: ['faults', 'counter', 'anon faults where this size was declined'],
  swpout: ['count', 'counter', 'folios of this size swapped out whole'],
  swpout_fallback: ['count', 'counter', 'folios of this size split before swap-out'],
  swpin: ['count', 'counter', 'folios of this size swapped in whole'],
  swpin_fallback: ['count', 'counter', 'swap-ins of this size that fell back to smaller folios'],
  swpin_fallback_charge: ['count', 'counter', 'swap-in fallbacks for a failed memcg charge'],
  zswpout: ['count', 'counter', 'folios of this size written to zswap'],
  shmem_alloc: ['count', 'counter', 'shmem folios of this size allocated'],
  shmem_fallback: ['count', 'counter', 'shmem allocations of this size that fell back'],
  shmem_fallback_charge: ['count', 'counter', 'shmem fallbacks for a failed memcg charge'],
  split: ['count', 'counter', 'folios of this size split (per order; the vmstat thp_split_page counts PMD size only)'],
  split_failed: ['count', 'counter', 'splits of this size that failed'],
  split_deferred: ['count', 'counter', 'folios of this size queued for deferred split'],
  nr_anon: ['count', 'gauge', 'anon folios of this size in use'],
  nr_anon_partially_mapped: ['count', 'gauge', 'anon folios of this size partially mapped (on the split queue)'],
};

const cache = new Map<string, CounterInfo>();

/** Describes any name the sampler can print; never throws. Unknown names get unit 'unknown' and an inferred kind. */
export function describeCounter(name: string): CounterInfo {
  const hit = cache.get(name);
  if (hit) return hit;
  const info = describe(name);
  if (cache.size < 10000) cache.set(name, info);
  return info;
}

/**
 * The same with the section a run learned from the kernel's print order (a vmstat name the
 * lists here do not hold): its kind is then the kernel's, not a guess.
 */
export function describeInSection(name: string, section: VmstatSection): CounterInfo {
  const d = describeCounter(name);
  if (d.kindFrom === 'kernel') return d;
  return { ...d, source: section, kind: isCumulative(name, section) ? 'counter' : 'gauge', kindFrom: 'kernel' };
}

/** A kind the run's values showed for a name whose kind was a guess (a level that went down). */
export function withInferredKind(d: CounterInfo, kind: CounterKind): CounterInfo {
  return d.kindFrom === 'kernel' || d.kind === kind ? d : { ...d, kind, kindFrom: 'inferred' };
}

function describe(name: string): CounterInfo {
  const section = staticSection(name);
  const entry = BY_NAME.get(name);
  if (entry) {
    const [, family, unit, meaning, kernels] = entry;
    // Every catalogued vmstat name is in the kernel's lists (a test holds the two together).
    const source: CounterSource = section ?? 'unknown';
    return { name, family, unit, meaning, kernels: kernels ?? '', source, ...kindOf(name, section) };
  }
  const mk = (family: CounterFamily, unit: CounterUnit, kind: CounterKind, kindFrom: KindSource, source: CounterSource, meaning: string, kernels = '', unknown?: boolean): CounterInfo => ({
    name,
    family,
    unit,
    kind,
    kindFrom,
    source,
    meaning,
    kernels,
    ...(unknown ? { unknown } : {}),
  });
  let m = /^numastat\.node(\d+)\.(\w+)$/.exec(name);
  if (m) {
    // node_read_numastat(): the NUMA event counters of one node.
    const meaning = NUMASTAT_KEYS[m[2]];
    return meaning ? mk('node', 'allocations', 'counter', 'kernel', 'numastat', `node ${m[1]}: ${meaning}`) : mk('node', 'unknown', 'counter', 'inferred', 'numastat', `node ${m[1]}: ${m[2]} (not in the catalog)`, '', true);
  }
  m = /^meminfo\.node(\d+)\.(\w+)$/.exec(name);
  if (m) {
    // node_read_meminfo(): levels of one node.
    const huge = /HugePages_(Total|Free|Surp)/.test(m[2]);
    return mk('node', huge ? 'count' : 'kB', 'gauge', 'kernel', 'meminfo', `node ${m[1]}: ${m[2]} from its meminfo${huge ? ' (hugetlb pages)' : ''}`);
  }
  m = /^mthp\.(\d+kB)\.(\w+)$/.exec(name);
  if (m) {
    const s = MTHP_STATS[m[2]];
    return s
      ? mk('mthp', s[0], s[1], 'kernel', 'mthp_stat', `${m[1]}: ${s[2]}`, '6.9+ (per file; unverified)')
      : mk('mthp', 'unknown', /^nr_/.test(m[2]) ? 'gauge' : 'counter', 'inferred', 'mthp_stat', `${m[1]}: ${m[2]} (not in the catalog)`, '', true);
  }
  const k = kindOf(name, section);
  const src: CounterSource = section ?? 'unknown';
  if ((m = /^pgalloc_(\w+)$/.exec(name))) return mk('memory', 'pages', k.kind, k.kindFrom, src, `base pages allocated from zone ${m[1]} (1 << order per call; contrast numa_hit, 1 per call)`);
  if ((m = /^allocstall_(\w+)$/.exec(name))) return mk('reclaim', 'events', k.kind, k.kindFrom, src, `direct reclaim entries for zone ${m[1]}`);
  if ((m = /^pgskip_(\w+)$/.exec(name))) return mk('reclaim', 'pages', k.kind, k.kindFrom, src, `pages reclaim skipped in zone ${m[1]} (not eligible for the allocation)`);
  if ((m = /^pg(steal|scan)_(\w+)$/.exec(name))) return mk('reclaim', 'pages', k.kind, k.kindFrom, src, `pages ${m[1] === 'steal' ? 'reclaimed' : 'scanned'} (${m[2]})`);
  if ((m = /^pgdemote_(\w+)$/.exec(name))) return mk('migration', 'pages', k.kind, k.kindFrom, src, `base pages demoted (${m[1]})`, 'recent kernels');
  if ((m = /^pgpromote_(\w+)$/.exec(name))) return mk('migration', 'pages', k.kind, k.kindFrom, src, `base pages, promotion ${m[1]}`, 'recent kernels');
  if ((m = /^nr_zone_(\w+)$/.exec(name))) return mk('reclaim', 'pages', k.kind, k.kindFrom, src, `pages on the zone's ${m[1]} list (all zones summed)`);
  if (name === 'workingset_nodes') return mk('reclaim', 'count', k.kind, k.kindFrom, src, 'xarray nodes holding shadow entries of evicted pages (a level: the shadow-node shrinker frees them)');
  if ((m = /^workingset_(\w+)$/.exec(name))) return mk('reclaim', 'pages', k.kind, k.kindFrom, src, `working-set detection: pages, ${m[1].replace('_', ' ')}`);
  if ((m = /^unevictable_pgs_(\w+)$/.exec(name))) return mk('reclaim', 'pages', k.kind, k.kindFrom, src, `unevictable LRU: pages ${m[1]}`);
  // Names the kernel lists hold but the catalog does not describe: the kind is known, the unit is not.
  const family: CounterFamily = /^numa_/.test(name) ? 'numa' : /^(pgmigrate_|thp_migration_)/.test(name) ? 'migration' : /^thp_/.test(name) ? 'thp' : /^compact_/.test(name) ? 'compaction' : 'other';
  return mk(family, 'unknown', k.kind, k.kindFrom, src, section ? `in the kernel's ${section} list; its unit is not in the lab's catalog` : "not in the kernel lists the lab knows: its kind is inferred from the run", '', true);
}

/** The kernel's kind for a vmstat name in a known section; a guess (levels are named nr_*) otherwise. */
function kindOf(name: string, section: VmstatSection | undefined): { kind: CounterKind; kindFrom: KindSource } {
  if (section) return { kind: isCumulative(name, section) ? 'counter' : 'gauge', kindFrom: 'kernel' };
  return { kind: /^nr_/.test(name) ? 'gauge' : 'counter', kindFrom: 'inferred' };
}

/** Every explicitly catalogued name (rules cover the per-node, per-size and per-zone families). */
export function catalogNames(): string[] {
  return [...BY_NAME.keys()];
}

/** Human label for an axis: the unit and, for a rate, per second. */
export function unitLabel(unit: CounterUnit, mode: 'rate' | 'delta' | 'value'): string {
  return mode === 'rate' ? `${unit}/s` : unit;
}
