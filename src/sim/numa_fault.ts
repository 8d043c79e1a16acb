/**
 * NUMA hint faults (mm/memory.c, mm/huge_memory.c, mm/mempolicy.c, mm/migrate.c):
 * do_numa_page(), do_huge_pmd_numa_page(), numa_migrate_prep()/numa_migrate_check(),
 * mpol_misplaced() → should_numa_migrate_memory() (the two-stage last_cpupid filter), and
 * migrate_misplaced_folio() with its BUG_ON(!list_empty(&migratepages)).
 */
import { HPAGE_PMD_NR, NUMA_NO_NODE } from './constants';
import type { Folio } from './folio';
import type { Kernel } from './kernel';
import { KernelBug } from './kernel';
import { ListHead, listAdd, listDel, listEmpty } from './list';
import { migratePages } from './migrate';
import { putbackMovablePages } from './migrate_folio';
import type { PmdSlot } from './mm';
import { PTE_LARGE, PTE_PAGE } from './mm';
import { vmaSetAccessPid } from './numa_scan';
import type { Task, TaskSet } from './sched_numa';
import {
  TNF_FAULT_LOCAL,
  TNF_MIGRATE_FAIL,
  TNF_MIGRATED,
  cpuPidToCpupid,
  cpupidPidUnset,
  cpupidToCpu,
  cpupidToPid,
  taskNumaFault,
} from './sched_numa';

/**
 * should_numa_migrate_memory(p, folio, src_nid, dst_cpu): exchanges the folio's last_cpupid.
 * Early in a task's life a first or private fault migrates at once; otherwise the two-stage
 * filter needs two consecutive faults from the destination node, then private faults migrate,
 * and shared ones follow the group's CPU/memory fault ratios (3/4 hysteresis).
 */
export function shouldNumaMigrateMemory(k: Kernel, p: Task, lastCpupid: number, srcNid: number): boolean {
  const dstNid = p.nid(k);
  const ng = p.group;
  if ((p.numaPreferredNid === NUMA_NO_NODE || p.numaScanSeq <= 4) && (cpupidPidUnset(lastCpupid) || cpupidToPid(lastCpupid) === p.pid)) {
    return true;
  }
  if (!cpupidPidUnset(lastCpupid) && (k.cpuNode.get(cpupidToCpu(lastCpupid)) ?? -1) !== dstNid) return false;
  if (cpupidToPid(lastCpupid) === p.pid) return true;
  if (!ng) return true;
  const cpuDst = ng.faultsCpu[dstNid]!;
  const cpuSrc = ng.faultsCpu[srcNid]!;
  if (cpuDst > cpuSrc * 3) return true;
  const memSrc = ng.faults[srcNid]![0]! + ng.faults[srcNid]![1]!;
  const memDst = ng.faults[dstNid]![0]! + ng.faults[dstNid]![1]!;
  return cpuDst * memSrc * 3 > cpuSrc * memDst * 4;
}

/**
 * numa_migrate_prep() (≤6.10) / numa_migrate_check() (6.11+): count the hint fault, then
 * mpol_misplaced() with the default MPOL_F_MORON policy. Returns the target node or NUMA_NO_NODE.
 */
function numaMigratePrep(k: Kernel, p: Task, folioNid: number, getSetCpupid: (v: number) => number, flags: { v: number }): number {
  k.vmstat.count('numa_hint_faults');
  const thisNid = p.nid(k);
  if (folioNid === thisNid) {
    k.vmstat.count('numa_hint_faults_local');
    flags.v |= TNF_FAULT_LOCAL;
  }
  const last = getSetCpupid(cpuPidToCpupid(p.cpu, p.pid));
  if (!shouldNumaMigrateMemory(k, p, last, folioNid)) return NUMA_NO_NODE;
  return folioNid !== thisNid ? thisNid : NUMA_NO_NODE;
}

/**
 * numamigrate_isolate_folio(): ≤6.9 refuses a THP mapped more than once (total_mapcount > 1,
 * i.e. also a PTE-mapped one); every version refuses when the target would drop below its high
 * watermark (migrate_balanced_pgdat) or the folio is already isolated.
 */
function numamigrateIsolateFolio(k: Kernel, folio: Folio, node: number): boolean {
  if (folio.isLarge() && k.behaviours.numa_pte_mapped_large_folios === 'no' && folio.mapcount() > 1) return false;
  if (!k.migrateBalancedPgdat(node, folio.nrPages)) return false;
  if (folio.isolated) return false;
  folio.isolated = true;
  if (!folio.isLarge() && folio.pt && folio.idx >= 0) folio.pt.isolated[folio.idx] = 1;
  return true;
}

/**
 * migrate_misplaced_folio() (migrate_misplaced_page() in 6.1): MIGRATE_ASYNC, MR_NUMA_MISPLACED,
 * one folio on `migratepages`. Counts NUMA_PAGE_MIGRATE += nr_succeeded (split pages that were
 * "freed from under us" included) and PGPROMOTE_SUCCESS for a slow→top-tier move. Then
 * BUG_ON(!list_empty(&migratepages)): the posted v5 left the split pages there.
 */
export function migrateMisplacedFolio(k: Kernel, p: Task, folio: Folio, node: number, slowNodes: ReadonlySet<number>): boolean {
  let isolated = numamigrateIsolateFolio(k, folio, node);
  if (!isolated) return false;
  const srcNid = folio.nid;
  const migratepages = new ListHead('migratepages');
  listAdd(folio, migratepages);
  const { rc: nrRemaining, nrSucceeded } = migratePages(k, migratepages, { nid: node, localNid: p.nid(k) }, 'MIGRATE_ASYNC', 'MR_NUMA_MISPLACED');
  if (nrRemaining) {
    if (!listEmpty(migratepages)) {
      if (k.behaviours.misplaced_putback === 'list') putbackMovablePages(k, migratepages);
      else {
        listDel(folio);
        const one = new ListHead('one');
        listAdd(folio, one);
        putbackMovablePages(k, one);
      }
    }
    isolated = false;
  }
  if (nrSucceeded) {
    k.vmstat.count('numa_pages_migrated', nrSucceeded);
    const tiering = (k.knobs.numaBalancing & 2) !== 0;
    if (slowNodes.has(srcNid) && !slowNodes.has(node) && (k.behaviours.promote_needs_tiering_mode === 'no' || tiering)) {
      k.vmstat.count('pgpromote_success', nrSucceeded);
    }
  }
  if (!listEmpty(migratepages)) {
    throw new KernelBug('mm/migrate.c', 'BUG_ON(!list_empty(&migratepages))', 'migrate_misplaced_folio');
  }
  return isolated;
}

export interface NumaFaultEnv {
  tasks: TaskSet;
  slowNodes: ReadonlySet<number>;
}

/** do_huge_pmd_numa_page(): a hint fault on a prot-none PMD-mapped THP. */
export function doHugePmdNumaPage(k: Kernel, env: NumaFaultEnv, p: Task, slot: PmdSlot): void {
  const folio = slot.thp;
  if (!folio || !slot.protnone) return;
  slot.protnone = false; // out_map restores the PMD; a migration installs a new one
  vmaSetAccessPid(slot.vma, p.pid);
  const flags = { v: 0 };
  let pageNid = folio.nid;
  const lastCpupid = folio.lastCpupid;
  const target = numaMigratePrep(k, p, pageNid, (v) => {
    const old = folio.lastCpupid;
    folio.lastCpupid = v;
    return old;
  }, flags);
  if (target !== NUMA_NO_NODE) {
    if (migrateMisplacedFolio(k, p, folio, target, env.slowNodes)) {
      flags.v |= TNF_MIGRATED;
      pageNid = target;
    } else {
      flags.v |= TNF_MIGRATE_FAIL;
    }
  }
  taskNumaFault(k, env.tasks, p, lastCpupid, pageNid, HPAGE_PMD_NR, flags.v);
}

/** do_numa_page(): a hint fault on a prot-none PTE. */
export function doNumaPage(k: Kernel, env: NumaFaultEnv, p: Task, slot: PmdSlot, idx: number): void {
  const pt = slot.pt;
  if (!pt || !pt.protnone[idx]) return;
  pt.protnone[idx] = 0; // out_map: restore this PTE
  const kind = pt.kind[idx];
  if (kind === PTE_LARGE) {
    // ≤6.9: "TODO: handle PTE-mapped THP" — bail out before numa_migrate_prep(), nothing counted.
    if (k.behaviours.numa_pte_mapped_large_folios === 'no') return;
    const folio = pt.large!;
    vmaSetAccessPid(slot.vma, p.pid);
    const flags = { v: 0 };
    let nid = folio.nid;
    const lastCpupid = folio.lastCpupid;
    const target = numaMigratePrep(k, p, nid, (v) => {
      const old = folio.lastCpupid;
      folio.lastCpupid = v;
      return old;
    }, flags);
    const nrPages = folio.nrPages;
    let migrated = false;
    if (target !== NUMA_NO_NODE) migrated = migrateMisplacedFolio(k, p, folio, target, env.slowNodes);
    if (migrated) {
      flags.v |= TNF_MIGRATED;
      nid = target;
    } else {
      if (target !== NUMA_NO_NODE) flags.v |= TNF_MIGRATE_FAIL;
      // numa_rebuild_large_mapping(): every PTE of the folio in this table is restored.
      if (pt.large === folio) for (let i = 0; i < HPAGE_PMD_NR; i++) if (pt.kind[i] === PTE_LARGE) pt.protnone[i] = 0;
    }
    taskNumaFault(k, env.tasks, p, lastCpupid, nid, nrPages, flags.v);
    return;
  }
  if (kind !== PTE_PAGE) return;
  vmaSetAccessPid(slot.vma, p.pid);
  const flags = { v: 0 };
  let nid = pt.nid[idx]!;
  const lastCpupid = pt.cpupid[idx]!;
  const target = numaMigratePrep(k, p, nid, (v) => {
    const old = pt.cpupid[idx]!;
    pt.cpupid[idx] = v;
    return old;
  }, flags);
  if (target !== NUMA_NO_NODE) {
    if (pt.isolated[idx]) {
      flags.v |= TNF_MIGRATE_FAIL;
    } else {
      const page = k.newFolio(0, nid);
      page.pt = pt;
      page.idx = idx;
      page.mapped = true;
      page.contentZero = pt.zero[idx] === 1;
      page.lastCpupid = pt.cpupid[idx]!;
      if (migrateMisplacedFolio(k, p, page, target, env.slowNodes)) {
        flags.v |= TNF_MIGRATED;
        nid = target;
      } else flags.v |= TNF_MIGRATE_FAIL;
    }
  }
  taskNumaFault(k, env.tasks, p, lastCpupid, nid, 1, flags.v);
}
