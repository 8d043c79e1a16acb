/**
 * MADV_DONTNEED (zap_page_range): a range that covers a whole PMD frees the THP
 * (zap_huge_pmd); a partial one splits the PMD first (__split_huge_pmd → THP_SPLIT_PMD) and
 * then zaps PTEs, which queues the THP for deferred split (partially mapped).
 */
import { HPAGE_PMD_NR } from './constants';
import { freeFolio, splitHugePmd, zapLargeSubpages } from './huge_memory';
import type { Kernel } from './kernel';
import type { Vma } from './mm';
import { PTE_LARGE, PTE_NONE, PTE_PAGE } from './mm';

export function madviseDontneed(k: Kernel, vma: Vma, startVpn: number, endVpn: number): void {
  const lo = Math.max(startVpn, vma.start);
  const hi = Math.min(endVpn, vma.end);
  for (let base = lo - ((lo - vma.start) % HPAGE_PMD_NR); base < hi; base += HPAGE_PMD_NR) {
    const slot = vma.slotOf(base);
    const from = Math.max(lo, base) - base;
    const to = Math.min(hi, base + HPAGE_PMD_NR) - base;
    if (slot.thp) {
      if (from === 0 && to === HPAGE_PMD_NR) {
        // zap_huge_pmd(): the whole THP goes, with its deposited table.
        const folio = slot.thp;
        vma.mm.rssPages -= HPAGE_PMD_NR;
        slot.thp = null;
        slot.protnone = false;
        folio.pmdMapped = false;
        folio.slot = null;
        if (slot.depositedTableNid >= 0) k.freePages(slot.depositedTableNid, 1);
        slot.depositedTableNid = -1;
        if (!folio.isolated) freeFolio(k, folio);
        continue;
      }
      splitHugePmd(k, slot);
    }
    const pt = slot.pt;
    if (!pt) continue;
    const largeIdx: number[] = [];
    for (let i = from; i < to; i++) {
      if (pt.kind[i] === PTE_LARGE) {
        largeIdx.push(i);
        vma.mm.rssPages--;
      } else if (pt.kind[i] === PTE_PAGE) {
        vma.mm.rssPages--;
        pt.kind[i] = PTE_NONE;
        pt.protnone[i] = 0;
        if (!pt.isolated[i]) k.freePages(pt.nid[i]!, 1);
      } else pt.kind[i] = PTE_NONE;
    }
    if (largeIdx.length) zapLargeSubpages(k, pt, largeIdx);
  }
}
