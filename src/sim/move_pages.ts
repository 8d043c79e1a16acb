/**
 * The migration syscalls: move_pages(2) (do_pages_move, add_page_for_migration /
 * add_folio_for_migration, do_move_pages_to_node), and the queue_pages_range() walk shared by
 * mbind(MPOL_MF_MOVE) and migrate_pages(2).
 */
import { EBUSY, EFAULT, ERRNO_NAMES, HPAGE_PMD_NR } from './constants';
import type { MigrateReason } from './constants';
import type { Folio } from './folio';
import type { Kernel } from './kernel';
import { ListHead, listAddTail, listEmpty } from './list';
import { migratePages } from './migrate';
import type { MigrationTarget } from './migrate_folio';
import { putbackMovablePages } from './migrate_folio';
import type { Mm } from './mm';
import { PTE_LARGE, PTE_PAGE, PTE_ZERO } from './mm';

/** The folio mapped at `vpn`, as follow_page()/folio_walk_start() would find it. */
export type Lookup = { kind: 'folio'; folio: Folio } | { kind: 'page'; folio: null; nid: number; isolated: boolean; pt: import('./mm').PteTable; idx: number } | { kind: 'zero' } | { kind: 'none' } | { kind: 'novma' };

export function lookupPage(mm: Mm, vpn: number): Lookup {
  const vma = mm.findVma(vpn);
  if (!vma) return { kind: 'novma' };
  const slot = vma.slotOf(vpn);
  if (slot.thp) return { kind: 'folio', folio: slot.thp };
  const pt = slot.pt;
  if (!pt) return { kind: 'none' };
  const idx = (vpn - vma.start) % HPAGE_PMD_NR;
  switch (pt.kind[idx]) {
    case PTE_LARGE:
      return { kind: 'folio', folio: pt.large! };
    case PTE_PAGE:
      return { kind: 'page', folio: null, nid: pt.nid[idx]!, isolated: pt.isolated[idx] === 1, pt, idx };
    case PTE_ZERO:
      return { kind: 'zero' };
    default:
      return { kind: 'none' };
  }
}

/** Make an isolated order-0 Folio view for a base page (isolate_lru_page). */
function isolateBasePage(k: Kernel, l: Extract<Lookup, { kind: 'page' }>): Folio {
  const f = k.newFolio(0, l.nid);
  f.pt = l.pt;
  f.idx = l.idx;
  f.mapped = true;
  f.contentZero = l.pt.zero[l.idx] === 1;
  f.lastCpupid = l.pt.cpupid[l.idx]!;
  f.isolated = true;
  l.pt.isolated[l.idx] = 1;
  return f;
}

/**
 * add_page_for_migration() (≤6.11) / add_folio_for_migration() (6.12). Returns 1 when queued,
 * 0 when already on `node`, or a negative errno. The whole folio is isolated; a later address in
 * the same folio finds it isolated and gets -EBUSY (folio_isolate_lru fails).
 */
export function addPageForMigration(k: Kernel, mm: Mm, vpn: number, node: number, pagelist: ListHead): number {
  const l = lookupPage(mm, vpn);
  switch (l.kind) {
    case 'novma':
      return -EFAULT;
    case 'zero':
      return -EFAULT;
    case 'none':
      return k.behaviours.move_pages_unmapped_status === 'ENOENT' ? -2 : -EFAULT;
    case 'page': {
      if (l.nid === node) return 0;
      if (l.isolated) return -EBUSY;
      listAddTail(isolateBasePage(k, l), pagelist);
      return 1;
    }
    case 'folio': {
      const folio = l.folio;
      if (folio.nid === node) return 0;
      // page_mapcount(page) > 1 / folio_likely_mapped_shared(): private anon, never shared here.
      if (folio.isolated) return -EBUSY;
      folio.isolated = true;
      listAddTail(folio, pagelist);
      return 1;
    }
  }
}

/** do_move_pages_to_node(): migrate_pages(MIGRATE_SYNC, MR_SYSCALL) with __GFP_THISNODE targets. */
export function doMovePagesToNode(k: Kernel, pagelist: ListHead, node: number, cpuNid: number): number {
  const target: MigrationTarget = { nid: node, localNid: cpuNid };
  const { rc } = migratePages(k, pagelist, target, 'MIGRATE_SYNC', 'MR_SYSCALL');
  if (rc) putbackMovablePages(k, pagelist);
  return rc;
}

export interface MovePagesOutcome {
  ret: number;
  errno: number;
  /** Per address: a node id (>= 0), a negative errno, or null when the kernel never wrote it. */
  status: (number | null)[];
}

/**
 * do_pages_move() for one target node (the workloads pass the same node for every address):
 * addresses are queued until one is not, then the queue is flushed (move_pages_and_store_status)
 * and statuses of the flushed range are set to the node. So with pages=all on a THP the second
 * subpage gets -EBUSY and flushes the THP, and the rest already find it on the target node.
 */
export function doPagesMove(k: Kernel, mm: Mm, addresses: number[], node: number, cpuNid: number): MovePagesOutcome {
  const status: (number | null)[] = new Array(addresses.length).fill(null);
  const pagelist = new ListHead('pagelist');
  let currentNode = -1;
  let start = 0;
  let err = 0;
  const flush = (i: number): number => {
    if (listEmpty(pagelist)) return 0;
    let e = doMovePagesToNode(k, pagelist, currentNode, cpuNid);
    if (e) {
      if (e > 0) e += addresses.length - i;
      return e;
    }
    for (let j = start; j < i; j++) status[j] = currentNode;
    return 0;
  };
  let i = 0;
  let aborted = false;
  for (; i < addresses.length; i++) {
    if (currentNode === -1) {
      currentNode = node;
      start = i;
    }
    err = addPageForMigration(k, mm, addresses[i]!, currentNode, pagelist);
    if (err > 0) continue;
    status[i] = err === 0 ? currentNode : err;
    err = flush(i);
    if (err) {
      if (err > 0) err--;
      aborted = true;
      break;
    }
    currentNode = -1;
  }
  if (!aborted) err = flush(i);
  return { ret: err < 0 ? -1 : err, errno: err < 0 ? -err : 0, status };
}

/** Summarise statuses the way the workload prints them: node1, -EBUSY, ... */
export function summariseStatus(o: MovePagesOutcome): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of o.status) {
    const key = s === null ? 'unset' : s >= 0 ? `node${s}` : ERRNO_NAMES[-s] ?? `${s}`;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

/**
 * queue_pages_range() + migrate_pages(): mbind(MPOL_BIND, MPOL_MF_MOVE) and migrate_pages(2).
 * Every folio in the range not already on `node` (or, for migrate_pages(2), on `sourceNode`)
 * is isolated once, then migrated with MIGRATE_SYNC.
 */
export function queuePagesAndMigrate(
  k: Kernel,
  mm: Mm,
  node: number,
  sourceNode: number | null,
  reason: MigrateReason,
  cpuNid: number,
): number {
  const pagelist = new ListHead('pagelist');
  for (const vma of mm.vmas) {
    for (let vpn = vma.start; vpn < vma.end; vpn++) {
      const l = lookupPage(mm, vpn);
      if (l.kind === 'folio') {
        const f = l.folio;
        if (f.isolated || f.nid === node || (sourceNode !== null && f.nid !== sourceNode)) continue;
        f.isolated = true;
        listAddTail(f, pagelist);
      } else if (l.kind === 'page') {
        if (l.isolated || l.nid === node || (sourceNode !== null && l.nid !== sourceNode)) continue;
        listAddTail(isolateBasePage(k, l), pagelist);
      }
    }
  }
  if (listEmpty(pagelist)) return 0;
  const { rc } = migratePages(k, pagelist, { nid: node, localNid: cpuNid }, 'MIGRATE_SYNC', reason);
  if (rc) putbackMovablePages(k, pagelist);
  return rc;
}
