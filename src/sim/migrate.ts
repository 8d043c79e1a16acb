/**
 * mm/migrate.c: migrate_pages() in its two shapes, selected by the variant:
 * - 6.1: the unmap_and_move() loop (migrate_pages_6_1 below);
 * - 6.3+: batches through migrate_pages_batch() (unmap phase, TLB flush, move phase) and
 *   migrate_pages_sync() for non-ASYNC modes, with the split list migrated after each batch.
 * The deferred-split THP handling of 7262f208ca68 and of the posted v5 is the one hook
 * (behaviour deferred_split_target) inside migrate_pages_batch()'s unmap loop.
 */
import {
  EAGAIN,
  ENOMEM,
  ENOSYS,
  MIGRATEPAGE_SUCCESS,
  MIGRATEPAGE_UNMAP,
  NR_MAX_BATCHED_MIGRATION,
  NR_MAX_MIGRATE_ASYNC_RETRY,
  NR_MAX_MIGRATE_PAGES_RETRY,
  NR_MAX_MIGRATE_SYNC_RETRY,
} from './constants';
import type { MigrateMode, MigrateReason } from './constants';
import type { Folio } from './folio';
import { splitHugePageToListToOrder } from './huge_memory';
import type { Kernel } from './kernel';
import type { ListNode } from './list';
import {
  ListHead,
  listAddTail,
  listCutBefore,
  listEmpty,
  listForEachSafe,
  listMove,
  listMoveTail,
  listSpliceInit,
  listSpliceTailInit,
} from './list';
import type { MigrationTarget } from './migrate_folio';
import { migrateFolioMove, migrateFolioUnmap } from './migrate_folio';

/** struct migrate_pages_stats (6.3+); the 6.1 locals have the same meaning. */
export interface MigratePagesStats {
  nr_succeeded: number;
  nr_failed_pages: number;
  nr_thp_succeeded: number;
  nr_thp_failed: number;
  nr_thp_split: number;
  nr_split: number;
}

export function newStats(): MigratePagesStats {
  return { nr_succeeded: 0, nr_failed_pages: 0, nr_thp_succeeded: 0, nr_thp_failed: 0, nr_thp_split: 0, nr_split: 0 };
}

/** thp_migration_supported(): CONFIG_ARCH_ENABLE_THP_MIGRATION, true on x86-64. */
const THP_MIGRATION_SUPPORTED = true;

/**
 * try_split_folio(folio, list, mode): split, then move the head onto `list` too.
 * 6.10+: folio_trylock() in MIGRATE_ASYNC (nothing else holds folio locks in this model).
 */
export function trySplitFolio(k: Kernel, folio: Folio, list: ListHead, _mode: MigrateMode): number {
  const { rc } = splitHugePageToListToOrder(k, folio, list, true);
  if (rc === 0) listMoveTail(folio, list);
  return rc;
}

/**
 * migrate_pages_batch(): unmap as many folios of `from` as possible, flush the TLB once, then
 * move them. `splitFolios` is null for the pass over split folios themselves.
 */
export function migratePagesBatch(
  k: Kernel,
  from: ListHead,
  target: MigrationTarget,
  mode: MigrateMode,
  reason: MigrateReason,
  retFolios: ListHead,
  splitFolios: ListHead | null,
  stats: MigratePagesStats,
  nrPass: number,
): number {
  const b = k.behaviours;
  let retry = 1;
  let thpRetry = 1;
  let nrFailed = 0;
  let nrRetryPages = 0;
  let rcSaved = 0;
  const unmapFolios = new ListHead('unmap_folios');
  const dstNids = new Map<Folio, number>();
  const nosplit = reason === 'MR_NUMA_MISPLACED';
  let gotoOut = false;
  let gotoMove = false;

  for (let pass = 0; pass < nrPass && retry; pass++) {
    retry = 0;
    thpRetry = 0;
    nrRetryPages = 0;
    let stop = false;
    listForEachSafe<Folio>(from, (folio) => {
      const isLarge = folio.isLarge();
      const isThp = isLarge && folio.isPmdMappable() ? 1 : 0;
      const nrPages = folio.nrPages;

      // 7262f208ca68 (6.10) / v5 as posted: "The rare folio on the deferred split list should
      // be split now." v5 split into `from`; list_for_each_entry_safe() had already saved the
      // next entry, so when the THP was the last entry the walk ended and the split pages were
      // left on `from` untried. The merged form splits into split_folios; Hugh Dickins' hotfix
      // adds nr_failed++ and Zi Yan's stats fix nr_thp_failed += is_thp. 6.12 also needs
      // folio_test_partially_mapped(), since every fault THP is on the queue there.
      if (
        b.deferred_split_target !== 'none' &&
        nrPages > 2 &&
        folio.onDeferredList &&
        (b.partially_mapped_flag === 'no' || folio.partiallyMapped)
      ) {
        const into = b.deferred_split_target === 'from' ? from : splitFolios;
        if (into && trySplitFolio(k, folio, into, mode) === 0) {
          if (b.deferred_split_counts_as_failure === 'yes') {
            nrFailed++;
            stats.nr_thp_failed += isThp;
          }
          stats.nr_thp_split += isThp;
          stats.nr_split++;
          return;
        }
      }

      if (!THP_MIGRATION_SUPPORTED && isThp) {
        nrFailed++;
        stats.nr_thp_failed++;
        if (splitFolios && trySplitFolio(k, folio, splitFolios, mode) === 0) {
          stats.nr_thp_split++;
          stats.nr_split++;
          return;
        }
        stats.nr_failed_pages += nrPages;
        listMoveTail(folio, retFolios);
        return;
      }

      const { rc, dstNid } = migrateFolioUnmap(k, folio, target);
      switch (rc) {
        case -ENOMEM: {
          // "When memory is low, don't bother to try to migrate other folios, move unmapped
          // folios, then exit." Large folio NUMA faulting doesn't split to retry (nosplit).
          nrFailed++;
          stats.nr_thp_failed += isThp;
          if (isLarge && !nosplit && splitFolios) {
            const ret = trySplitFolio(k, folio, splitFolios, mode);
            if (ret === 0) {
              stats.nr_thp_split += isThp;
              stats.nr_split++;
              return;
            }
          }
          stats.nr_failed_pages += nrPages + nrRetryPages;
          stats.nr_thp_failed += thpRetry;
          rcSaved = rc;
          if (listEmpty(unmapFolios)) gotoOut = true;
          else gotoMove = true;
          stop = true;
          return 'break';
        }
        case -EAGAIN:
          retry++;
          thpRetry += isThp;
          nrRetryPages += nrPages;
          return;
        case MIGRATEPAGE_SUCCESS:
          stats.nr_succeeded += nrPages;
          stats.nr_thp_succeeded += isThp;
          return;
        case MIGRATEPAGE_UNMAP:
          listMoveTail(folio, unmapFolios);
          dstNids.set(folio, dstNid);
          return;
        default:
          nrFailed++;
          stats.nr_thp_failed += isThp;
          stats.nr_failed_pages += nrPages;
          listMoveTail(folio, retFolios);
          return;
      }
    });
    if (stop) break;
  }
  if (!gotoOut && !gotoMove) {
    nrFailed += retry;
    stats.nr_thp_failed += thpRetry;
    stats.nr_failed_pages += nrRetryPages;
  }
  if (gotoOut) return rcSaved;

  // move: try_to_unmap_flush(), then the move phase over unmap_folios.
  retry = 1;
  for (let pass = 0; pass < nrPass && retry; pass++) {
    retry = 0;
    thpRetry = 0;
    nrRetryPages = 0;
    listForEachSafe<Folio>(unmapFolios, (folio) => {
      const isThp = folio.isLarge() && folio.isPmdMappable() ? 1 : 0;
      const nrPages = folio.nrPages;
      const rc = migrateFolioMove(k, folio, dstNids.get(folio)!);
      if (rc === MIGRATEPAGE_SUCCESS) {
        stats.nr_succeeded += nrPages;
        stats.nr_thp_succeeded += isThp;
      } else {
        nrFailed++;
        stats.nr_thp_failed += isThp;
        stats.nr_failed_pages += nrPages;
        listMoveTail(folio, retFolios);
      }
    });
  }
  nrFailed += retry;
  stats.nr_thp_failed += thpRetry;
  stats.nr_failed_pages += nrRetryPages;
  return rcSaved ? rcSaved : nrFailed;
}

/**
 * migrate_pages_sync(): one MIGRATE_ASYNC batch pass (3 tries), then every failed folio alone
 * in `mode` (7 tries). A THP split in the async pass counts as one THP failure
 * (stats->nr_thp_failed += astats.nr_thp_split), which is why 6.12 reports
 * thp_migration_fail = thp_migration_split = 1 per partially mapped THP moved by move_pages().
 */
export function migratePagesSync(
  k: Kernel,
  from: ListHead,
  target: MigrationTarget,
  mode: MigrateMode,
  reason: MigrateReason,
  retFolios: ListHead,
  splitFolios: ListHead,
  stats: MigratePagesStats,
): number {
  let nrFailed = 0;
  const folios = new ListHead('folios');
  const astats = newStats();
  let rc = migratePagesBatch(k, from, target, 'MIGRATE_ASYNC', reason, folios, splitFolios, astats, NR_MAX_MIGRATE_ASYNC_RETRY);
  stats.nr_succeeded += astats.nr_succeeded;
  stats.nr_thp_succeeded += astats.nr_thp_succeeded;
  stats.nr_thp_split += astats.nr_thp_split;
  stats.nr_split += astats.nr_split;
  if (rc < 0) {
    stats.nr_failed_pages += astats.nr_failed_pages;
    stats.nr_thp_failed += astats.nr_thp_failed;
    listSpliceTailInit(folios, retFolios);
    return rc;
  }
  stats.nr_thp_failed += astats.nr_thp_split;
  nrFailed += astats.nr_thp_split;
  // "Fall back to migrate all failed folios one by one synchronously."
  listSpliceTailInit(folios, from);
  while (!listEmpty(from)) {
    listMove(from.next, folios);
    rc = migratePagesBatch(k, folios, target, mode, reason, retFolios, splitFolios, stats, NR_MAX_MIGRATE_SYNC_RETRY);
    listSpliceTailInit(folios, retFolios);
    if (rc < 0) return rc;
    nrFailed += rc;
  }
  return nrFailed;
}

export interface MigratePagesResult {
  rc: number;
  nrSucceeded: number;
  stats: MigratePagesStats;
}

/**
 * migrate_pages(from, get_new_folio, ..., mode, reason, &nr_succeeded). Folios it could not
 * migrate are left on `from` for the caller's putback. Counts PGMIGRATE_* and THP_MIGRATION_*
 * once at the end and records the mm_migrate_pages tracepoint.
 */
export function migratePages(k: Kernel, from: ListHead, target: MigrationTarget, mode: MigrateMode, reason: MigrateReason): MigratePagesResult {
  const r = k.behaviours.migrate_core === 'unmap_and_move' ? migratePages61(k, from, target, mode, reason) : migratePagesBatched(k, from, target, mode, reason);
  const s = r.stats;
  k.vmstat.count('pgmigrate_success', s.nr_succeeded);
  k.vmstat.count('pgmigrate_fail', s.nr_failed_pages);
  k.vmstat.count('thp_migration_success', s.nr_thp_succeeded);
  k.vmstat.count('thp_migration_fail', s.nr_thp_failed);
  k.vmstat.count('thp_migration_split', s.nr_thp_split);
  k.recordTrace({
    t: k.now / 1000,
    succeeded: s.nr_succeeded,
    failed: s.nr_failed_pages,
    thp_succeeded: s.nr_thp_succeeded,
    thp_failed: s.nr_thp_failed,
    thp_split: s.nr_thp_split,
    large_folio_split: k.behaviours.trace_large_folio_split === 'yes' ? s.nr_split : null,
    mode,
    reason,
    rc: r.rc,
  });
  return r;
}

function migratePagesBatched(k: Kernel, from: ListHead, target: MigrationTarget, mode: MigrateMode, reason: MigrateReason): MigratePagesResult {
  const stats = newStats();
  const retFolios = new ListHead('ret_folios');
  const splitFolios = new ListHead('split_folios');
  let rcGather = 0; // migrate_hugetlbs(): no hugetlb folios in this model
  let rc = 0;
  for (;;) {
    // Cut a batch of up to NR_MAX_BATCHED_MIGRATION base pages off `from`.
    const folios = new ListHead('folios');
    let nrPages = 0;
    let cutAt: ListNode | null = null;
    for (let pos = from.next; pos !== from; pos = pos.next) {
      nrPages += (pos as Folio).nrPages;
      if (nrPages >= NR_MAX_BATCHED_MIGRATION) {
        cutAt = pos.next;
        break;
      }
    }
    if (cutAt) listCutBefore(folios, from, cutAt);
    else listSpliceInit(from, folios);
    if (mode === 'MIGRATE_ASYNC') {
      rc = migratePagesBatch(k, folios, target, mode, reason, retFolios, splitFolios, stats, NR_MAX_MIGRATE_PAGES_RETRY);
    } else {
      rc = migratePagesSync(k, folios, target, mode, reason, retFolios, splitFolios, stats);
    }
    listSpliceTailInit(folios, retFolios);
    if (rc < 0) {
      rcGather = rc;
      listSpliceTailInit(splitFolios, retFolios);
      break;
    }
    if (!listEmpty(splitFolios)) {
      // "Failure isn't counted since all split folios of a large folio is counted as 1 failure
      // already. And, we only try to migrate with minimal effort, force MIGRATE_ASYNC mode and
      // retry once."
      migratePagesBatch(k, splitFolios, target, 'MIGRATE_ASYNC', reason, retFolios, null, stats, 1);
      listSpliceTailInit(splitFolios, retFolios);
    }
    rcGather += rc;
    if (listEmpty(from)) break;
  }
  listSpliceInit(retFolios, from);
  // "Return 0 in case all split folios of fail-to-migrate large folios are migrated successfully."
  if (listEmpty(from)) rcGather = 0;
  return { rc: rcGather, nrSucceeded: stats.nr_succeeded, stats };
}

/** 6.1 unmap_and_move(): unmap, allocate, move in one go (-ENOSYS when THP migration is unsupported). */
function unmapAndMove(k: Kernel, folio: Folio, target: MigrationTarget, retPages: ListHead): number {
  if (!THP_MIGRATION_SUPPORTED && folio.isPmdMappable()) return -ENOSYS;
  const { rc, dstNid } = migrateFolioUnmap(k, folio, target);
  if (rc !== MIGRATEPAGE_UNMAP) return rc;
  const moved = migrateFolioMove(k, folio, dstNid);
  if (moved !== MIGRATEPAGE_SUCCESS) listAddTail(folio, retPages);
  return moved;
}

/** 6.1 try_split_thp(): split into thp_split_pages, head moved there too. */
function trySplitThp(k: Kernel, folio: Folio, list: ListHead): number {
  const { rc } = splitHugePageToListToOrder(k, folio, list, true);
  if (rc === 0) listMoveTail(folio, list);
  return rc;
}

/** v6.1 migrate_pages(): up to 10 passes of unmap_and_move(), then the split subpages' round. */
function migratePages61(k: Kernel, from: ListHead, target: MigrationTarget, mode: MigrateMode, reason: MigrateReason): MigratePagesResult {
  let retry = 1;
  let thpRetry = 1;
  let nrFailed = 0;
  let nrFailedPages = 0;
  let nrRetryPages = 0;
  let nrSucceeded = 0;
  let nrThpSucceeded = 0;
  let nrThpFailed = 0;
  let nrThpSplit = 0;
  const retPages = new ListHead('ret_pages');
  const thpSplitPages = new ListHead('thp_split_pages');
  const nosplit = reason === 'MR_NUMA_MISPLACED';
  let noSubpageCounting = false;
  let rc = 0;
  let out = false;
  void mode;

  for (;;) {
    // thp_subpage_migration:
    for (let pass = 0; pass < 10 && (retry || thpRetry); pass++) {
      retry = 0;
      thpRetry = 0;
      nrRetryPages = 0;
      listForEachSafe<Folio>(from, (page) => {
        const isThp = page.isLarge() && page.isPmdMappable();
        const nrSubpages = page.nrPages;
        const r = unmapAndMove(k, page, target, retPages);
        switch (r) {
          case -ENOSYS:
            if (isThp) {
              nrThpFailed++;
              if (trySplitThp(k, page, thpSplitPages) === 0) {
                nrThpSplit++;
                return;
              }
            } else if (!noSubpageCounting) nrFailed++;
            nrFailedPages += nrSubpages;
            listMoveTail(page, retPages);
            return;
          case -ENOMEM:
            // "When memory is low, don't bother to try to migrate other pages, just exit."
            if (isThp) {
              nrThpFailed++;
              // "THP NUMA faulting doesn't split THP to retry."
              if (!nosplit && trySplitThp(k, page, thpSplitPages) === 0) {
                nrThpSplit++;
                return;
              }
            } else if (!noSubpageCounting) nrFailed++;
            nrFailedPages += nrSubpages + nrRetryPages;
            listSpliceInit(thpSplitPages, from);
            nrThpFailed += thpRetry;
            out = true;
            return 'break';
          case -EAGAIN:
            if (isThp) thpRetry++;
            else retry++;
            nrRetryPages += nrSubpages;
            return;
          case MIGRATEPAGE_SUCCESS:
            nrSucceeded += nrSubpages;
            if (isThp) nrThpSucceeded++;
            return;
          default:
            if (isThp) nrThpFailed++;
            else if (!noSubpageCounting) nrFailed++;
            nrFailedPages += nrSubpages;
            return;
        }
      });
      if (out) break;
    }
    if (out) break;
    nrFailed += retry;
    nrThpFailed += thpRetry;
    nrFailedPages += nrRetryPages;
    // "Try to migrate subpages of fail-to-migrate THPs, no nr_failed counting in this round,
    // since all subpages of a THP is counted as 1 failure in the first round."
    if (!listEmpty(thpSplitPages)) {
      listSpliceInit(from, retPages);
      listSpliceInit(thpSplitPages, from);
      noSubpageCounting = true;
      retry = 1;
      continue;
    }
    rc = nrFailed + nrThpFailed;
    break;
  }
  if (out) rc = -ENOMEM;
  listSpliceInit(retPages, from);
  const stats: MigratePagesStats = {
    nr_succeeded: nrSucceeded,
    nr_failed_pages: nrFailedPages,
    nr_thp_succeeded: nrThpSucceeded,
    nr_thp_failed: nrThpFailed,
    nr_thp_split: nrThpSplit,
    nr_split: nrThpSplit,
  };
  return { rc, nrSucceeded, stats };
}
