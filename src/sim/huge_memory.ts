/**
 * mm/huge_memory.c and the rmap side of THPs: PMD splits, the deferred split queue,
 * split_huge_page_to_list_to_order(), deferred_split_scan() and thp_underused().
 */
import { EAGAIN, HPAGE_PMD_NR } from './constants';
import type { Folio } from './folio';
import type { Kernel } from './kernel';
import type { ListHead } from './list';
import { listAddTail } from './list';
import { PTE_LARGE, PTE_NONE, PTE_PAGE, PTE_ZERO, PteTable } from './mm';
import type { PmdSlot } from './mm';

/**
 * deferred_split_folio(folio, partially_mapped) (6.12) / deferred_split_folio(folio) (6.3–6.11) /
 * deferred_split_huge_page(page) (6.1).
 * ≤6.11: THP_DEFERRED_SPLIT_PAGE counts when the folio is first queued.
 * 6.12+: it counts when PG_partially_mapped is first set; fault-time queueing
 * (partially_mapped=false, only with shrink_underused=1) is not counted.
 */
export function deferredSplitFolio(k: Kernel, folio: Folio, partiallyMapped: boolean): void {
  if (folio.order < 2 || folio.freed) return;
  if (k.behaviours.partially_mapped_flag === 'yes') {
    if (!partiallyMapped && !k.knobs.shrinkUnderused) return;
    if (partiallyMapped && !folio.partiallyMapped) {
      folio.partiallyMapped = true;
      if (folio.isPmdMappable()) {
        k.vmstat.count('thp_deferred_split_page');
        k.event('deferred_split', `THP on node ${folio.nid} marked partially mapped (deferred split queue)`);
      }
    }
    queue(k, folio);
    return;
  }
  if (!folio.onDeferredList) {
    k.vmstat.count('thp_deferred_split_page');
    k.event('deferred_split', `THP on node ${folio.nid} queued for deferred split`);
    queue(k, folio);
  }
}

function queue(k: Kernel, folio: Folio): void {
  if (folio.onDeferredList) return;
  folio.onDeferredList = true;
  k.deferredSplitQueue[folio.nid]!.add(folio);
}

/** list_del_init(&folio->_deferred_list), clearing PG_partially_mapped (split or free). */
export function undeferFolio(k: Kernel, folio: Folio): void {
  if (folio.onDeferredList) {
    k.deferredSplitQueue[folio.nid]?.delete(folio);
    folio.onDeferredList = false;
  }
  folio.partiallyMapped = false;
}

/** The last reference went away: give the memory back. */
export function freeFolio(k: Kernel, folio: Folio): void {
  if (folio.freed) throw new Error(`folio ${folio.id} freed twice`);
  undeferFolio(k, folio);
  folio.freed = true;
  k.freePages(folio.nid, folio.nrPages);
}

/**
 * __split_huge_pmd_locked(): the PMD mapping of a THP becomes a page table mapping all 512
 * subpages (the deposited table is withdrawn, no allocation). Counts THP_SPLIT_PMD.
 */
export function splitHugePmd(k: Kernel, slot: PmdSlot): void {
  const folio = slot.thp;
  if (!folio) return;
  k.vmstat.count('thp_split_pmd');
  const pt = new PteTable(slot.depositedTableNid >= 0 ? slot.depositedTableNid : folio.nid);
  slot.depositedTableNid = -1;
  pt.large = folio;
  for (let i = 0; i < HPAGE_PMD_NR; i++) {
    pt.kind[i] = PTE_LARGE;
    pt.nid[i] = folio.nid;
    // A prot-none PMD's protection is carried into its PTEs (change_huge_pmd() semantics kept).
    pt.protnone[i] = slot.protnone ? 1 : 0;
  }
  slot.thp = null;
  slot.protnone = false;
  slot.pt = pt;
  folio.pmdMapped = false;
  folio.nrPagesMapped = HPAGE_PMD_NR;
}

/**
 * Remove the PTE mapping of subpage `idx` of a PTE-mapped large folio (zap_pte_range →
 * folio_remove_rmap_pte / page_remove_rmap). `batchedRmap`: 6.8+ folio_remove_rmap_ptes() looks
 * at the whole batch, so a zap of every PTE does not queue the folio; before, every PTE removal
 * queued it (deferred_split_huge_page in page_remove_rmap()).
 */
export function zapLargeSubpages(k: Kernel, pt: PteTable, indices: number[]): void {
  const folio = pt.large;
  if (!folio) return;
  let nr = 0;
  for (const i of indices) {
    if (pt.kind[i] !== PTE_LARGE) continue;
    pt.kind[i] = PTE_NONE;
    pt.protnone[i] = 0;
    folio.nrPagesMapped--;
    nr++;
  }
  if (nr === 0) return;
  const perPteQueueing = k.behaviours.numa_pte_mapped_large_folios === 'no' && k.behaviours.partially_mapped_flag === 'no';
  if (folio.nrPagesMapped > 0 || perPteQueueing) {
    if (folio.isLarge() && !folio.freed) deferredSplitFolio(k, folio, true);
  }
  if (folio.nrPagesMapped === 0) {
    pt.large = null;
    folio.slot = null;
    if (!folio.isolated) freeFolio(k, folio);
  }
}

/**
 * split_huge_page_to_list_to_order(folio, list, 0). The caller holds a reference (isolation for
 * migration, folio_try_get() for the shrinker).
 *
 * With `list` (a split for migration): every tail gets a reference and goes on `list`
 * (lru_add_page_tail), the head stays where the caller has it; an unmapped subpage therefore
 * ends with refcount 1, which migrate_folio_unmap()/unmap_and_move() treat as "freed from under
 * us" and count as migrated (kernel-semantics.md §3, confirmed by the 6.12 ground truth).
 * Without `list` (shrinker): unmapped subpages are freed at once (free_page_and_swap_cache).
 * 6.12+: remap_page(..., RMP_USE_SHARED_ZEROPAGE) maps zero-filled subpages to the shared zero
 * page (try_to_map_unused_to_zeropage), so they become unmapped too.
 * Returns 0, or -EAGAIN when the folio cannot be split (extra references).
 * Returns the order-0 Folio objects (head first) so callers can follow them.
 */
export function splitHugePageToListToOrder(
  k: Kernel,
  folio: Folio,
  list: ListHead | null,
  callerHoldsRef: boolean,
): { rc: number; pages: Folio[] } {
  if (!folio.isLarge() || folio.freed) return { rc: -EAGAIN, pages: [] };
  const slot = folio.slot;
  if (!slot && folio.mapcount() > 0) return { rc: -EAGAIN, pages: [] };
  // unmap_folio(): a still PMD-mapped THP has its PMD split first (TTU_SPLIT_HUGE_PMD).
  if (slot && folio.pmdMapped) splitHugePmd(k, slot);
  const pt = slot ? slot.pt : null;
  undeferFolio(k, folio);
  const nid = folio.nid;
  const zero = folio.zero;
  const lastCpupid = folio.lastCpupid;
  const pages: Folio[] = [];
  let freedNow = 0;
  for (let i = 0; i < HPAGE_PMD_NR; i++) {
    let mapped = pt !== null && pt.large === folio && pt.kind[i] === PTE_LARGE;
    const isZero = zero ? zero[i] === 1 : false;
    if (pt && mapped) {
      if (k.behaviours.split_remaps_zero_page === 'yes' && isZero) {
        pt.kind[i] = PTE_ZERO;
        mapped = false;
        // try_to_map_unused_to_zeropage(): dec_mm_counter()
        if (slot) slot.vma.mm.rssPages--;
      } else {
        pt.kind[i] = PTE_PAGE;
        pt.nid[i] = nid;
        pt.cpupid[i] = lastCpupid;
      }
      // remove_migration_pte() rebuilds the PTE from vma->vm_page_prot: no longer prot-none.
      pt.protnone[i] = 0;
      pt.zero[i] = isZero ? 1 : 0;
    }
    const isHead = i === 0;
    if (list || (isHead && callerHoldsRef)) {
      const page = isHead ? folio : k.newFolio(0, nid);
      page.pt = pt;
      page.idx = i;
      page.mapped = mapped;
      page.contentZero = isZero;
      page.lastCpupid = lastCpupid;
      if (!isHead) {
        page.isolated = list !== null; // the reference lru_add_page_tail() took
        listAddTail(page, list!);
      }
      if (pt && mapped) pt.isolated[i] = page.isolated ? 1 : 0;
      pages.push(page);
    } else if (!mapped) {
      freedNow++;
    }
  }
  // The head's struct folio is reused as the first order-0 page.
  folio.order = 0;
  folio.zero = null;
  folio.pmdMapped = false;
  folio.nrPagesMapped = 0;
  folio.slot = null;
  if (pt) {
    pt.large = null;
    if (folio.mapped) pt.isolated[0] = folio.isolated ? 1 : 0;
  }
  if (freedNow) k.freePages(nid, freedNow);
  // 6.1 counts every split; later kernels only pmd-mappable ones (all PMD-order here).
  k.vmstat.count('thp_split_page');
  k.event('split', `THP split (${list ? 'for migration' : 'shrinker'}) on node ${nid}`);
  return { rc: 0, pages };
}

/**
 * thp_underused() (6.12): true once more than max_ptes_none subpages are zero-filled; the early
 * exit on filled pages gives the same answer. max_ptes_none = 511 disables it.
 */
export function thpUnderused(k: Kernel, folio: Folio): boolean {
  const maxPtesNone = k.knobs.maxPtesNone;
  if (maxPtesNone === HPAGE_PMD_NR - 1) return false;
  let zeroPages = 0;
  let filled = 0;
  for (let i = 0; i < folio.nrPages; i++) {
    if (folio.zero && folio.zero[i] === 1) {
      zeroPages++;
      if (zeroPages > maxPtesNone) return true;
    } else {
      filled++;
      if (filled >= HPAGE_PMD_NR - maxPtesNone) return false;
    }
  }
  return false;
}

/**
 * deferred_split_scan(): the deferred-split shrinker (memory pressure).
 * ≤6.11: split every queued folio. 6.12+: split partially mapped folios; split an unmapped-in-part
 * or underused one and count THP_UNDERUSED_SPLIT_PAGE; otherwise take it off the queue.
 * Returns the number of splits.
 */
export function deferredSplitScan(k: Kernel): number {
  let split = 0;
  for (const q of k.deferredSplitQueue) {
    for (const folio of [...q]) {
      if (folio.freed || folio.isolated) continue;
      let underused = false;
      if (k.behaviours.partially_mapped_flag === 'yes' && !folio.partiallyMapped) {
        underused = k.behaviours.underused_shrinker === 'yes' && thpUnderused(k, folio);
        if (!underused) {
          undeferFolio(k, folio);
          continue;
        }
      }
      const { rc, pages } = splitHugePageToListToOrder(k, folio, null, true);
      if (rc === 0) {
        split++;
        if (underused) {
          k.vmstat.count('thp_underused_split_page');
          k.event('underused_split', 'deferred_split_scan() split an underused THP');
        }
        // folio_put(): the shrinker's reference on the (now order-0) head.
        const head = pages[0];
        if (head && !head.mapped) k.freePages(head.nid, 1);
        if (head) head.freed = !head.mapped;
      }
    }
  }
  return split;
}
