/**
 * The per-folio steps of mm/migrate.c shared by every variant: migrate_folio_unmap(),
 * migrate_folio_move(), putback, and the allocation callbacks (get_new_folio).
 */
import { ENOMEM, MIGRATEPAGE_SUCCESS, MIGRATEPAGE_UNMAP } from './constants';
import type { Folio } from './folio';
import { freeFolio } from './huge_memory';
import type { Kernel } from './kernel';
import type { ListHead } from './list';
import { listDel, listForEachSafe } from './list';
import { PTE_LARGE } from './mm';

/** get_new_folio(): returns the node of the new folio, or -1 (→ -ENOMEM). */
export interface MigrationTarget {
  /** alloc_migration_target() / alloc_misplaced_dst_folio(): __GFP_THISNODE on `nid`. */
  nid: number;
  /** numa_node_id() of the CPU doing the migration (numa_local/numa_other). */
  localNid: number;
}

export function getNewFolio(k: Kernel, src: Folio, target: MigrationTarget): number {
  return k.allocPages(src.order, target.nid, target.localNid, true);
}

/**
 * migrate_folio_unmap() (6.3+), first half of unmap_and_move() (6.1).
 * A folio whose only reference is the isolation one was "freed from under us": it is freed and
 * MIGRATEPAGE_SUCCESS returned, so it counts in nr_succeeded without being copied.
 * Otherwise a destination is allocated (-ENOMEM if none) and the source is unmapped.
 */
export function migrateFolioUnmap(k: Kernel, src: Folio, target: MigrationTarget): { rc: number; dstNid: number } {
  if (src.refCount() === 1) {
    listDel(src);
    releaseIsolated(k, src);
    return { rc: MIGRATEPAGE_SUCCESS, dstNid: -1 };
  }
  const dstNid = getNewFolio(k, src, target);
  if (dstNid < 0) return { rc: -ENOMEM, dstNid };
  return { rc: MIGRATEPAGE_UNMAP, dstNid };
}

/** The source's last reference goes: free it (a base page view or a whole large folio). */
function releaseIsolated(k: Kernel, src: Folio): void {
  src.isolated = false;
  if (src.isLarge()) {
    freeFolio(k, src);
    return;
  }
  if (src.pt && src.idx >= 0) src.pt.isolated[src.idx] = 0;
  src.freed = true;
  k.freePages(src.nid, 1);
}

/**
 * migrate_folio_move(): copy, remap the destination (remove_migration_ptes/pmd rebuild the
 * entries from vma->vm_page_prot, so a prot-none entry becomes normal), free the source.
 * The model has no lock or reference contention, so this always succeeds.
 */
export function migrateFolioMove(k: Kernel, src: Folio, dstNid: number): number {
  listDel(src);
  if (src.isLarge()) {
    const dst = k.newFolio(src.order, dstNid);
    dst.zero = src.zero;
    dst.lastCpupid = src.lastCpupid;
    const slot = src.slot;
    if (slot) {
      dst.slot = slot;
      if (src.pmdMapped) {
        slot.thp = dst;
        slot.protnone = false;
        dst.pmdMapped = true;
      } else if (slot.pt && slot.pt.large === src) {
        const pt = slot.pt;
        pt.large = dst;
        for (let i = 0; i < pt.kind.length; i++) {
          if (pt.kind[i] === PTE_LARGE) {
            pt.nid[i] = dstNid;
            pt.protnone[i] = 0;
          }
        }
        dst.nrPagesMapped = src.nrPagesMapped;
      }
    }
    // The destination is not put on the deferred split queue: a partially mapped THP migrated
    // whole strands its unmapped memory (the waste behind Zi Yan's patch).
    src.slot = null;
    src.pmdMapped = false;
    src.nrPagesMapped = 0;
    src.isolated = false;
    freeFolio(k, src);
    return MIGRATEPAGE_SUCCESS;
  }
  const pt = src.pt;
  if (pt && src.idx >= 0) {
    pt.nid[src.idx] = dstNid;
    pt.protnone[src.idx] = 0;
    pt.isolated[src.idx] = 0;
  }
  src.isolated = false;
  src.freed = true;
  k.freePages(src.nid, 1);
  return MIGRATEPAGE_SUCCESS;
}

/** migrate_folio_undo_dst(): give back a destination we could not use. */
export function undoDst(k: Kernel, dstNid: number, order: number): void {
  k.freePages(dstNid, 1 << order);
}

/** putback_movable_pages(): return what migrate_pages() left on the list to the LRU. */
export function putbackMovablePages(k: Kernel, list: ListHead): void {
  listForEachSafe<Folio>(list, (f) => {
    listDel(f);
    f.isolated = false;
    if (!f.isLarge() && f.pt && f.idx >= 0) f.pt.isolated[f.idx] = 0;
    if (f.refCount() === 0 && !f.freed) {
      if (f.isLarge()) freeFolio(k, f);
      else {
        f.freed = true;
        k.freePages(f.nid, 1);
      }
    }
  });
}
