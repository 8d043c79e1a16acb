/**
 * Consistency checks over the model's state, for tests and debugging: recompute every node's
 * used pages from the page tables and compare with the allocator's books.
 */
import { HPAGE_PMD_NR } from './constants';
import type { Folio } from './folio';
import type { Kernel } from './kernel';
import { MIB_PAGES } from './constants';
import type { Mm } from './mm';
import { PTE_LARGE, PTE_PAGE } from './mm';

export interface AuditResult {
  /** Pages in use per node according to the allocator. */
  booked: number[];
  /** Pages in use per node found in the page tables. */
  found: number[];
  /** Present (mapped) virtual pages, including zero-page mappings. */
  presentPages: number;
}

export function auditMemory(k: Kernel, mms: Mm[]): AuditResult {
  const booked: number[] = [];
  const found: number[] = [];
  for (const id of k.nodeIds()) {
    const n = k.node(id);
    const reserved = Math.min(n.totalPages, Math.floor(k.knobs.reservedMibPerNode * MIB_PAGES));
    booked[id] = n.totalPages - reserved - n.freePages;
    found[id] = 0;
  }
  let present = 0;
  const seen = new Set<Folio>();
  for (const mm of mms) {
    for (const vma of mm.vmas) {
      for (const slot of vma.slots) {
        if (slot.thp) {
          found[slot.thp.nid]! += HPAGE_PMD_NR;
          seen.add(slot.thp);
          present += HPAGE_PMD_NR;
        }
        if (slot.depositedTableNid >= 0) found[slot.depositedTableNid]! += 1;
        const pt = slot.pt;
        if (!pt) continue;
        found[pt.tableNid]! += 1;
        for (let i = 0; i < HPAGE_PMD_NR; i++) {
          const kind = pt.kind[i];
          if (kind !== 0) present++;
          if (kind === PTE_PAGE) found[pt.nid[i]!]! += 1;
          if (kind === PTE_LARGE && pt.large && !seen.has(pt.large)) {
            seen.add(pt.large);
            found[pt.large.nid]! += pt.large.nrPages;
          }
        }
      }
    }
  }
  return { booked, found, presentPages: present };
}
