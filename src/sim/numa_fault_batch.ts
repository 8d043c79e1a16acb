/**
 * do_numa_page() over an extent of identical base pages: the same hint faults as the per-page
 * path in numa_fault.ts, applied n at a time.
 *
 * The kernel takes one fault per page. Most of them change only what adds up: vmstat counters,
 * the task's fault buffers and locality, the pages' own last_cpupid and node, free pages. A
 * fault that changes what the next fault decides — task_numa_placement() after a scan sequence
 * change, task_numa_group() joining or creating a group, an isolated page — is not "steady": the
 * engine runs it through the per-page path at its own time (balancing.ts). Pages that are steady
 * can be faulted in any order within a window without ticks, and n identical ones at once; the
 * tracepoint records of their migrations are put back in time order by the engine.
 */
import { NUMA_NO_NODE } from './constants';
import type { Kernel, MigrateTrace } from './kernel';
import type { PteTable, Vma } from './mm';
import type { NumaFaultEnv } from './numa_fault';
import { shouldNumaMigrateMemory } from './numa_fault';
import { vmaSetAccessPid } from './numa_scan';
import type { Task } from './sched_numa';
import { TNF_FAULT_LOCAL, TNF_MIGRATED, cpuPidToCpupid, cpupidPidUnset, cpupidToCpu, cpupidToPid, taskNumaFault } from './sched_numa';

/** Returned by steadyNumaPageTarget() for a fault that must take the per-page path. */
export const NOT_STEADY = -2;

/**
 * The target node do_numa_page() would pick for a prot-none base page on node `nid` whose
 * last_cpupid is `last`, faulted by `p` now (NUMA_NO_NODE: no migration), or NOT_STEADY when the
 * fault would change more than counters (see the file comment).
 */
export function steadyNumaPageTarget(k: Kernel, env: NumaFaultEnv, p: Task, nid: number, last: number): number {
  // task_numa_fault() → task_numa_placement() folds the buffers once per scan sequence.
  if (k.jiffies() > p.numaMigrateRetry && p.numaScanSeq !== p.mm.numaScanSeq) return NOT_STEADY;
  if (!cpupidPidUnset(last) && cpupidToPid(last) !== p.pid) {
    // A shared fault calls task_numa_group(): steady only where it returns without a change.
    const my = p.group;
    if (!my) return NOT_STEADY;
    const tsk = env.tasks.byPid.get(cpupidToPid(last));
    if (tsk && tsk.cpu === cpupidToCpu(last)) {
      const grp = tsk.group;
      if (grp && grp !== my && !(my.nrTasks > grp.nrTasks) && !(my.nrTasks === grp.nrTasks && my.id > grp.id)) return NOT_STEADY;
    }
  }
  const thisNid = p.nid(k);
  return shouldNumaMigrateMemory(k, p, last, nid) && nid !== thisNid ? thisNid : NUMA_NO_NODE;
}

/**
 * Hint faults by `p` on pt's PTEs [i0, i1): prot-none base pages on node `nid`, all with
 * last_cpupid `last`, none isolated, whose faults are steady with target `target`
 * (steadyNumaPageTarget). The caller has made sure the target node keeps its high watermark for
 * every page (migrate_balanced_pgdat() and the __GFP_THISNODE allocation both succeed).
 */
export function doNumaPagesSteady(
  k: Kernel,
  env: NumaFaultEnv,
  p: Task,
  vma: Vma,
  pt: PteTable,
  i0: number,
  i1: number,
  nid: number,
  last: number,
  target: number,
  /** Each migration's mm_migrate_pages record is the caller's to put in order (else only counted as dropped). */
  traced: boolean,
): void {
  const n = i1 - i0;
  const thisNid = p.nid(k);
  // numa_migrate_prep()/numa_migrate_check(): count the faults and exchange last_cpupid.
  k.vmstat.count('numa_hint_faults', n);
  let flags = 0;
  if (nid === thisNid) {
    k.vmstat.count('numa_hint_faults_local', n);
    flags |= TNF_FAULT_LOCAL;
  }
  vmaSetAccessPid(vma, p.pid);
  // The PTEs restored (out_map, or remove_migration_ptes() for a moved page), the new last_cpupid.
  pt.protnone.fill(0, i0, i1);
  pt.cpupid.fill(cpuPidToCpupid(p.cpu, p.pid), i0, i1);
  let memNid = nid;
  if (target !== NUMA_NO_NODE) {
    migrateMisplacedBasePages(k, p, n, nid, target, env.slowNodes, traced);
    pt.nid.fill(target, i0, i1);
    flags |= TNF_MIGRATED;
    memNid = target;
  }
  taskNumaFault(k, env.tasks, p, last, memNid, n, flags);
}

/** The mm_migrate_pages record of one misplaced base page moved at tMs (what migratePages() records for it). */
export function misplacedBasePageTrace(k: Kernel, tMs: number): MigrateTrace {
  return {
    t: tMs / 1000,
    succeeded: 1,
    failed: 0,
    thp_succeeded: 0,
    thp_failed: 0,
    thp_split: 0,
    large_folio_split: k.behaviours.trace_large_folio_split === 'yes' ? 0 : null,
    mode: 'MIGRATE_ASYNC',
    reason: 'MR_NUMA_MISPLACED',
    rc: 0,
  };
}

/**
 * migrate_misplaced_folio() of n base pages, one call each, every one succeeding: what
 * doNumaPage() → migrateMisplacedFolio() → migrate_pages() does for a mapped, unshared order-0
 * folio with room on the target.
 */
function migrateMisplacedBasePages(k: Kernel, p: Task, n: number, src: number, target: number, slowNodes: ReadonlySet<number>, traced: boolean): void {
  // doNumaPage() builds a folio view of each page it migrates.
  k.skipFolioIds(n);
  // alloc_misplaced_dst_folio(): __GFP_THISNODE on the target, which is the faulting CPU's node.
  k.allocPagesBulk(n, target, p.nid(k));
  k.freePages(src, n);
  k.vmstat.count('pgmigrate_success', n);
  if (!traced) k.traceDropped += n;
  k.vmstat.count('numa_pages_migrated', n);
  const tiering = (k.knobs.numaBalancing & 2) !== 0;
  if (slowNodes.has(src) && !slowNodes.has(target) && (k.behaviours.promote_needs_tiering_mode === 'no' || tiering)) {
    k.vmstat.count('pgpromote_success', n);
  }
}
