/**
 * Kernel behaviour differences as data. The code paths (migrate.ts, huge_memory.ts, ...) read
 * these fields at the few places where the kernels differ; there is one copy of the code.
 */

export type VariantName = 'linux-6.1' | 'linux-6.3..6.9' | 'v5-posted' | 'linux-6.10..6.11' | 'linux-6.12+';

export interface KernelVariant {
  name: VariantName;
  title: string;
  /** Kernel functions / commits / postings this variant follows. */
  follows: readonly string[];
  /**
   * Releases its predictions were checked against on a running kernel (the ground truth and the
   * virtual NUMA box suite); empty: it follows the cited code, never measured.
   */
  verifiedOn: readonly string[];

  /**
   * 'unmap_and_move': 6.1 migrate_pages() looping over unmap_and_move() for up to 10 passes, split
   * THPs in `thp_split_pages` migrated in a second round (no_subpage_counting).
   * 'batched': 6.3+ migrate_pages() → migrate_pages_batch() (unmap phase, move phase) and
   * migrate_pages_sync() for non-ASYNC modes.
   */
  migrateCore: 'unmap_and_move' | 'batched';

  /**
   * What migrate_pages_batch() does with a large folio found on the deferred split queue:
   * 'migrate-whole' (≤6.9), 'split-into-from' (Zi Yan's v5 as posted: the walk ends early),
   * 'split-into-split_folios' (7262f208ca68 as merged for 6.10).
   */
  deferredSplitOnMigrate: 'migrate-whole' | 'split-into-from' | 'split-into-split_folios';
  /**
   * Hugh Dickins' 6.10-rc hotfix (`nr_failed++`) and Zi Yan's "make migrate_pages_batch() stats
   * consistent" (`stats->nr_thp_failed += is_thp`) on that split path. Both are in v6.11.
   */
  deferredSplitCountsFailure: boolean;
  /** 6.12: the check also needs folio_test_partially_mapped() (every fault THP is queued now). */
  deferredSplitNeedsPartiallyMapped: boolean;
  /** 6.10+: try_split_folio(folio, list, mode) uses folio_trylock() in MIGRATE_ASYNC. */
  trySplitTrylockInAsync: boolean;

  /**
   * 6.12 (Usama Arif, "mm: Introduce a pageflag for partially mapped folios"): every anon THP
   * created at fault time is put on _deferred_list with partially_mapped=false (not counted);
   * thp_deferred_split_page counts when the flag is first set.
   */
  partiallyMappedFlag: boolean;
  /** 6.12: deferred_split_scan() splits not-partially-mapped THPs that thp_underused() judges underused. */
  underusedShrinker: boolean;
  /** 6.12: split_huge_page_to_list_to_order() remaps with RMP_USE_SHARED_ZEROPAGE (try_to_map_unused_to_zeropage). */
  splitRemapsZeroPage: boolean;

  /**
   * 6.10 (Baolin Wang, "support multi-size THP numa balancing"): change_pte_range() prot-nones PTEs
   * of large folios unless folio_maybe_dma_pinned || folio_likely_mapped_shared, and do_numa_page()
   * handles them. Before: `folio_ref_count != 1` skips them and do_numa_page() bails out on a
   * compound page before numa_migrate_prep() ("TODO: handle PTE-mapped THP").
   */
  numaPteMappedLargeFolios: boolean;
  /** 6.4+/6.7: per-VMA numab_state (scan delay of new VMAs, PID access filter) in task_numa_work(). */
  vmaScanFilter: boolean;
  /**
   * 6.7 (c4608d1bf7c6, "mm: mmap: map MAP_STACK to VM_NOHUGEPAGE"): thread stacks never get THPs.
   * Before, a glibc thread stack whose top is 2 MiB aligned gets one at its first write (the
   * creator's, of the TCB), split again when the exiting thread's stack is MADV_DONTNEEDed — on
   * the 6.1 box numa02 faulted 129 THPs for a 128-THP region, with one thp_split_pmd at exit.
   * linux-6.3..6.9 is false; variantForKernelRelease() sets it for a release 6.7–6.9.
   */
  mapStackNoHugepage: boolean;
  /** Tracepoint mm_migrate_pages has nr_split / large_folio_split (Zi Yan, Oct 2023, ~6.7). */
  traceHasLargeFolioSplit: boolean;
  /**
   * ~6.11: pgpromote_success also needs numa_balancing & NUMA_BALANCING_MEMORY_TIERING
   * (6.1: whenever the source node is not top tier and the target is).
   */
  promoteNeedsTieringMode: boolean;
  /**
   * move_pages() status of an address with no page: 6.1–6.11 follow_page(FOLL_DUMP) →
   * no_page_table() → -EFAULT for an anonymous VMA; 6.12 folio_walk_start() → NULL → -ENOENT.
   * The shared zero page is -EFAULT in both.
   */
  moveStatusUnmapped: '-EFAULT' | '-ENOENT';
  /**
   * migrate_misplaced_folio() on failure: ≤6.9 and v5 do list_del(&folio->lru) + putback of the
   * one folio; Peter Xu's "mm/migrate: putback split folios when numa hint migration fails"
   * (6.10-rc, Fixes: 7262f208ca68) calls putback_movable_pages(&migratepages).
   */
  misplacedPutbackAll: boolean;
}

const COMMON_SOURCES = ['mm/migrate.c migrate_pages()', 'mm/huge_memory.c split_huge_page_to_list*()', 'kernel/sched/fair.c task_numa_work()'];

export const VARIANTS: Readonly<Record<VariantName, KernelVariant>> = {
  'linux-6.1': {
    name: 'linux-6.1',
    title: 'Linux 6.1: unmap_and_move() loop, partially mapped THPs migrated whole',
    follows: [
      ...COMMON_SOURCES,
      'v6.1 mm/migrate.c migrate_pages() with unmap_and_move(), thp_split_pages, no_subpage_counting',
      'v6.1 do_numa_page(): "TODO: handle PTE-mapped THP" (PTE-mapped THPs invisible to NUMA balancing)',
      'v6.1 add_page_for_migration() (follow_page FOLL_GET|FOLL_DUMP, isolate_lru_page)',
      'v6.1 deferred_split_huge_page(): counts THP_DEFERRED_SPLIT_PAGE when first queued',
    ],
    verifiedOn: ['6.1.0-56-amd64'],
    migrateCore: 'unmap_and_move',
    deferredSplitOnMigrate: 'migrate-whole',
    deferredSplitCountsFailure: false,
    deferredSplitNeedsPartiallyMapped: false,
    trySplitTrylockInAsync: false,
    partiallyMappedFlag: false,
    underusedShrinker: false,
    splitRemapsZeroPage: false,
    numaPteMappedLargeFolios: false,
    vmaScanFilter: false,
    mapStackNoHugepage: false,
    traceHasLargeFolioSplit: false,
    promoteNeedsTieringMode: false,
    moveStatusUnmapped: '-EFAULT',
    misplacedPutbackAll: false,
  },
  'linux-6.3..6.9': {
    name: 'linux-6.3..6.9',
    title: 'Linux 6.3–6.9: batched migrate_pages_batch(), partially mapped THPs migrated whole',
    follows: [
      ...COMMON_SOURCES,
      'Huang Ying, "migrate_pages: batch _unmap and _move" (6.3): migrate_pages_batch(), migrate_pages_sync()',
      'Zi Yan, "mm/migrate: add nr_split to trace_mm_migrate_pages stats" (~6.7)',
      'Raghavendra K T / Mel Gorman, per-VMA numab_state scan filtering (6.4, 6.7)',
    ],
    verifiedOn: [],
    migrateCore: 'batched',
    deferredSplitOnMigrate: 'migrate-whole',
    deferredSplitCountsFailure: false,
    deferredSplitNeedsPartiallyMapped: false,
    trySplitTrylockInAsync: false,
    partiallyMappedFlag: false,
    underusedShrinker: false,
    splitRemapsZeroPage: false,
    numaPteMappedLargeFolios: false,
    vmaScanFilter: true,
    mapStackNoHugepage: false,
    traceHasLargeFolioSplit: true,
    promoteNeedsTieringMode: false,
    moveStatusUnmapped: '-EFAULT',
    misplacedPutbackAll: false,
  },
  'v5-posted': {
    name: 'v5-posted',
    title: 'Zi Yan v5 as posted: deferred-split THP split into `from` (walk ends early; BUG_ON in migrate_misplaced_folio)',
    follows: [
      ...COMMON_SOURCES,
      'Zi Yan, "[PATCH v5] mm/migrate: split source folio if it is on deferred split list" as posted: try_split_folio(folio, from)',
      "Baolin Wang's numa01 report: BUG_ON(!list_empty(&migratepages)) in migrate_misplaced_folio()",
      'Baolin Wang, "support multi-size THP numa balancing" (the mm tree the patch was posted against)',
    ],
    verifiedOn: [],
    migrateCore: 'batched',
    deferredSplitOnMigrate: 'split-into-from',
    deferredSplitCountsFailure: false,
    deferredSplitNeedsPartiallyMapped: false,
    trySplitTrylockInAsync: false,
    partiallyMappedFlag: false,
    underusedShrinker: false,
    splitRemapsZeroPage: false,
    numaPteMappedLargeFolios: true,
    vmaScanFilter: true,
    mapStackNoHugepage: true,
    traceHasLargeFolioSplit: true,
    promoteNeedsTieringMode: false,
    moveStatusUnmapped: '-EFAULT',
    misplacedPutbackAll: false,
  },
  'linux-6.10..6.11': {
    name: 'linux-6.10..6.11',
    title: 'Linux 6.10–6.11: deferred-split THP split into split_folios, counted as a THP failure',
    follows: [
      ...COMMON_SOURCES,
      '7262f208ca68 "mm/migrate: split source folio if it is on deferred split list" (merged for 6.10)',
      'Hugh Dickins, "mm/migrate: fix kernel BUG at mm/compaction.c:2761!" (nr_failed++)',
      'Zi Yan, "mm/migrate: make migrate_pages_batch() stats consistent" (stats->nr_thp_failed += is_thp)',
      'try_split_folio(folio, list, mode): folio_trylock in MIGRATE_ASYNC',
      'Baolin Wang, "support multi-size THP numa balancing" (6.10)',
    ],
    verifiedOn: [],
    migrateCore: 'batched',
    deferredSplitOnMigrate: 'split-into-split_folios',
    deferredSplitCountsFailure: true,
    deferredSplitNeedsPartiallyMapped: false,
    trySplitTrylockInAsync: true,
    partiallyMappedFlag: false,
    underusedShrinker: false,
    splitRemapsZeroPage: false,
    numaPteMappedLargeFolios: true,
    vmaScanFilter: true,
    mapStackNoHugepage: true,
    traceHasLargeFolioSplit: true,
    promoteNeedsTieringMode: true,
    moveStatusUnmapped: '-EFAULT',
    misplacedPutbackAll: true,
  },
  'linux-6.12+': {
    name: 'linux-6.12+',
    title: 'Linux 6.12+: partially_mapped flag, every fault THP queued uncounted, underused shrinker, zero-page remap on split',
    follows: [
      ...COMMON_SOURCES,
      'Usama Arif, "mm: Introduce a pageflag for partially mapped folios" (6.12): deferred_split_folio(folio, partially_mapped)',
      'Usama Arif, "mm: split underused THPs" (6.12): thp_underused(), deferred_split_scan(), THP_UNDERUSED_SPLIT_PAGE',
      'Yu Zhao / Usama Arif, "mm: remap unused subpages to shared zeropage when splitting isolated thp" (RMP_USE_SHARED_ZEROPAGE)',
      'migrate_pages_batch(): nr_pages > 2 && !list_empty(&folio->_deferred_list) && folio_test_partially_mapped(folio)',
      'David Hildenbrand, add_folio_for_migration() via folio_walk (6.12)',
    ],
    verifiedOn: ['6.12.117+deb13-amd64', '6.12.118+deb13-amd64'],
    migrateCore: 'batched',
    deferredSplitOnMigrate: 'split-into-split_folios',
    deferredSplitCountsFailure: true,
    deferredSplitNeedsPartiallyMapped: true,
    trySplitTrylockInAsync: true,
    partiallyMappedFlag: true,
    underusedShrinker: true,
    splitRemapsZeroPage: true,
    numaPteMappedLargeFolios: true,
    vmaScanFilter: true,
    mapStackNoHugepage: true,
    traceHasLargeFolioSplit: true,
    promoteNeedsTieringMode: true,
    moveStatusUnmapped: '-ENOENT',
    misplacedPutbackAll: true,
  },
};

export const VARIANT_NAMES = Object.keys(VARIANTS) as VariantName[];

/** major × 1000 + minor of a release or variant name (`6.12.117+deb13-amd64` → 6012), or undefined. */
function releaseNumber(release: string): number | undefined {
  const m = /^(?:linux-)?(\d+)\.(\d+)/.exec(release.trim());
  return m ? Number(m[1]) * 1000 + Number(m[2]) : undefined;
}

/**
 * What the model of a release has not been checked on, in words (undefined: it has). A release
 * outside the major.minor range its variant was verified on, or a variant never verified:
 * "6.18.44 → linux-6.12+, verified only on 6.12.117+deb13-amd64".
 */
export function releaseCoverage(release: string): string | undefined {
  const v = variantForKernelRelease(release);
  const r = release.trim();
  const named = r in VARIANTS || !/^(?:linux-)?\d+\.\d+/.test(r) || r.startsWith('linux-');
  const own = v.follows.find((f) => !COMMON_SOURCES.includes(f)) ?? v.follows[0];
  if (!v.verifiedOn.length) return `${named ? v.name : `${r} → ${v.name}`}: not verified on a running kernel (the model follows ${own})`;
  if (named) return undefined;
  const n = releaseNumber(r)!;
  const verified = v.verifiedOn.map((x) => releaseNumber(x)!);
  if (n >= Math.min(...verified) && n <= Math.max(...verified)) return undefined;
  return `${r} → ${v.name}, verified only on ${v.verifiedOn.join(', ')}`;
}

/**
 * Map a `uname -r` string (e.g. `6.1.0-56-amd64`, `6.12.117+deb13-amd64`, `6.8.0-45-generic`)
 * or a variant name to a variant. Throws with the allowed forms when it cannot.
 */
export function variantForKernelRelease(release: string): KernelVariant {
  const r = release.trim();
  if (r in VARIANTS) return VARIANTS[r as VariantName];
  const aliases: Record<string, VariantName> = {
    '6.1': 'linux-6.1',
    'linux-6.10+': 'linux-6.10..6.11',
    'linux-6.12': 'linux-6.12+',
    v5: 'v5-posted',
  };
  if (r in aliases) return VARIANTS[aliases[r]!];
  const m = /^(?:linux-)?(\d+)\.(\d+)/.exec(r);
  if (!m) {
    throw new Error(`kernel "${release}": not a kernel release (like 6.1.0-56-amd64) nor a variant; allowed variants: ${VARIANT_NAMES.join(', ')}`);
  }
  const major = Number(m[1]);
  const minor = Number(m[2]);
  const v = major * 1000 + minor;
  if (v < 6001) {
    throw new Error(`kernel "${release}": releases before 6.1 are not modelled; allowed: 6.1 or later, or a variant (${VARIANT_NAMES.join(', ')})`);
  }
  if (v <= 6002) return VARIANTS['linux-6.1'];
  // A fact that changed inside this range: MAP_STACK implies VM_NOHUGEPAGE from 6.7 on.
  if (v <= 6009) return { ...VARIANTS['linux-6.3..6.9'], mapStackNoHugepage: v >= 6007 };
  if (v <= 6011) return VARIANTS['linux-6.10..6.11'];
  return VARIANTS['linux-6.12+'];
}
