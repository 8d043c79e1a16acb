/**
 * Anonymous page faults: do_huge_pmd_anonymous_page() (THP with fallback) and
 * do_anonymous_page(), with the numa_* allocation accounting (one per allocation call).
 */
import { HPAGE_PMD_NR, HPAGE_PMD_ORDER } from './constants';
import { deferredSplitFolio } from './huge_memory';
import type { Kernel } from './kernel';
import type { PmdSlot, Vma } from './mm';
import { PTE_NONE, PTE_PAGE, PteTable } from './mm';

/** thp_vma_allowable_order() for an anonymous VMA: `enabled` and MADV_(NO)HUGEPAGE. */
export function thpEligible(k: Kernel, vma: Vma, slot: PmdSlot): boolean {
  if (vma.advice === 'nohugepage') return false;
  if (k.knobs.thpEnabled === 'never') return false;
  if (k.knobs.thpEnabled === 'madvise' && vma.advice !== 'hugepage') return false;
  // The PMD range must lie inside the VMA.
  return (slot.index + 1) * HPAGE_PMD_NR <= vma.nrPages;
}

/**
 * vma_thp_gfp_mask(): whether the THP allocation may direct-reclaim, which is what lets
 * vma_alloc_folio(..., hugepage=true) retry on remote nodes after the __GFP_THISNODE attempt.
 */
function thpMayUseRemote(k: Kernel, vma: Vma): boolean {
  const madvised = vma.advice === 'hugepage';
  switch (k.knobs.thpDefrag) {
    case 'always':
      return true;
    case 'madvise':
    case 'defer+madvise':
      return madvised;
    default:
      return false;
  }
}

export interface FaultCtx {
  /** numa_node_id() of the faulting CPU. */
  nid: number;
}

/**
 * A write fault on `vpn`, then the write itself (contents zero or not). Returns true when a new
 * page was allocated.
 */
export function handleAnonWriteFault(k: Kernel, ctx: FaultCtx, vma: Vma, vpn: number, writesZero: boolean): void {
  const slot = vma.slotOf(vpn);
  const idx = (vpn - vma.start) % HPAGE_PMD_NR;
  if (slot.thp) {
    slot.thp.zero![idx] = writesZero ? 1 : 0;
    return;
  }
  if (!slot.pt && thpEligible(k, vma, slot)) {
    // do_huge_pmd_anonymous_page(): local node first (__GFP_THISNODE|__GFP_NORETRY), then the
    // whole zonelist when the gfp mask allows direct reclaim.
    let nid = k.allocPages(HPAGE_PMD_ORDER, ctx.nid, ctx.nid, true);
    if (nid < 0 && thpMayUseRemote(k, vma)) nid = k.allocPages(HPAGE_PMD_ORDER, ctx.nid, ctx.nid, false);
    if (nid >= 0) {
      k.vmstat.count('thp_fault_alloc');
      const folio = k.newFolio(HPAGE_PMD_ORDER, nid);
      folio.zero = new Uint8Array(HPAGE_PMD_NR);
      folio.zero[idx] = writesZero ? 1 : 0;
      folio.slot = slot;
      folio.pmdMapped = true;
      slot.thp = folio;
      vma.mm.rssPages += HPAGE_PMD_NR;
      // pte_alloc_one(): the page table deposited for a later PMD split.
      slot.depositedTableNid = k.allocPages(0, ctx.nid, ctx.nid, false);
      // 6.12: every new anon THP goes on the deferred split queue, uncounted, for the
      // underused shrinker (deferred_split_folio(folio, false)).
      if (k.behaviours.underused_shrinker === 'yes') deferredSplitFolio(k, folio, false);
      return;
    }
    k.vmstat.count('thp_fault_fallback');
  }
  if (!slot.pt) {
    const tnid = k.allocPages(0, ctx.nid, ctx.nid, false);
    slot.pt = new PteTable(tnid < 0 ? ctx.nid : tnid);
  }
  const pt = slot.pt;
  if (pt.kind[idx] === PTE_NONE) {
    const nid = k.allocPages(0, ctx.nid, ctx.nid, false);
    if (nid < 0) {
      throw new Error(
        `out of memory: no node can take another page; the workload needs more than the topology's memory (memMiB per node minus sim.reserved_mib_per_node=${k.knobs.reservedMibPerNode} MiB and the watermarks)`,
      );
    }
    pt.kind[idx] = PTE_PAGE;
    pt.nid[idx] = nid;
    pt.cpupid[idx] = -1;
    vma.mm.rssPages++;
  }
  pt.zero[idx] = writesZero ? 1 : 0;
}

/**
 * handleAnonWriteFault() on every page of [vpnLo, vpnHi), in order. The first fault in a PMD
 * range decides between a THP and a page table; the rest of that range's missing base pages
 * are then allocated on the local node n at a time when it has room for all of them above its
 * min watermark (as n one-page allocations would find), and one by one otherwise.
 */
export function handleAnonWriteFaults(k: Kernel, ctx: FaultCtx, vma: Vma, vpnLo: number, vpnHi: number, writesZero: boolean): void {
  let vpn = vpnLo;
  while (vpn < vpnHi) {
    const slot = vma.slotOf(vpn);
    const idx = (vpn - vma.start) % HPAGE_PMD_NR;
    const end = Math.min(vpnHi - vpn, HPAGE_PMD_NR - idx) + idx;
    handleAnonWriteFault(k, ctx, vma, vpn, writesZero);
    const pt = slot.pt;
    if (slot.thp || !pt) {
      for (let i = idx + 1; i < end; i++) handleAnonWriteFault(k, ctx, vma, vma.start + slot.index * HPAGE_PMD_NR + i, writesZero);
      vpn += end - idx;
      continue;
    }
    let missing = 0;
    for (let i = idx + 1; i < end; i++) if (pt.kind[i] === PTE_NONE) missing++;
    const node = k.node(ctx.nid);
    if (missing && node.freePages - missing < node.wmarkMin) {
      for (let i = idx + 1; i < end; i++) handleAnonWriteFault(k, ctx, vma, vma.start + slot.index * HPAGE_PMD_NR + i, writesZero);
      vpn += end - idx;
      continue;
    }
    if (missing) {
      node.freePages -= missing;
      k.vmstat.count('numa_hit', missing);
      k.vmstat.count('numa_local', missing);
      vma.mm.rssPages += missing;
    }
    for (let i = idx + 1; i < end; i++) {
      if (pt.kind[i] === PTE_NONE) {
        pt.kind[i] = PTE_PAGE;
        pt.nid[i] = ctx.nid;
        pt.cpupid[i] = -1;
      }
      pt.zero[i] = writesZero ? 1 : 0;
    }
    vpn += end - idx;
  }
}
