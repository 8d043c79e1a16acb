/**
 * The NUMA scanner: task_numa_work() (kernel/sched/fair.c) and change_prot_numa() →
 * change_protection(MM_CP_PROT_NUMA) (mm/mempolicy.c, mm/mprotect.c).
 */
import { HPAGE_PMD_NR, MIB_PAGES, NUMA_NO_NODE, VMA_PID_RESET_FACTOR } from './constants';
import type { Kernel } from './kernel';
import type { PmdSlot, Vma } from './mm';
import { PTE_LARGE, PTE_PAGE } from './mm';
import type { Task, TaskSet } from './sched_numa';
import { taskScanMax, taskScanStart } from './sched_numa';

/** An entry made prot-none by a scan: a PMD (idx = -1) or one PTE of a slot's table. */
export interface ProtNoneEntry {
  slot: PmdSlot;
  idx: number;
  /** Place in the scan's order (address order): faults due at one instant are taken in it. */
  order?: number;
}

/**
 * Consecutive base-page PTEs (PTE_PAGE) made prot-none by one scan: VMA page offsets [lo, hi),
 * possibly across page tables. change_pte_range() walks them one by one; the model keeps them as
 * one extent so that scheduling and faulting them costs per extent, not per page.
 */
export interface ProtNoneRun {
  vma: Vma;
  lo: number;
  hi: number;
  /** Scan order of the first page; page lo + i has order + i. */
  order: number;
}

/** What one change_prot_numa()/task_numa_work() made prot-none. */
export interface ProtNoneSet {
  /** PMDs and PTEs of large folios, one by one. */
  entries: ProtNoneEntry[];
  /** Base pages, as extents. */
  runs: ProtNoneRun[];
  /** Entries in all (the kernel's count of PTEs/PMDs changed). */
  count: number;
}

export function emptyProtNoneSet(): ProtNoneSet {
  return { entries: [], runs: [], count: 0 };
}

/**
 * change_prot_numa(vma, start, end): make present entries prot-none so the next access traps.
 * Counts NUMA_PTE_UPDATES (base PTEs; a huge PMD adds HPAGE_PMD_NR) and NUMA_HUGE_PTE_UPDATES.
 * Skips, as change_pte_range()/change_huge_pmd() do: already prot-none entries, the zero page,
 * shared COW pages (≤6.9: folio_ref_count != 1, which hides every PTE-mapped THP; 6.10+:
 * folio_maybe_dma_pinned || folio_likely_mapped_shared), and for a single-threaded process base
 * pages already on the scanning CPU's node (target_node; huge PMDs have no such check).
 */
export function changeProtNuma(k: Kernel, vma: Vma, start: number, end: number, targetNode: number, out: ProtNoneSet): number {
  let pages = 0;
  let huge = 0;
  for (let base = start - ((start - vma.start) % HPAGE_PMD_NR); base < end; base += HPAGE_PMD_NR) {
    const slot = vma.slotOf(base);
    const from = Math.max(start, base) - base;
    const to = Math.min(end, base + HPAGE_PMD_NR) - base;
    if (slot.thp) {
      if (from !== 0 || to !== HPAGE_PMD_NR) {
        // A range that does not cover the PMD splits it (__split_huge_pmd in change_pmd_range).
        // Chunks are HPAGE-aligned in task_numa_work(), so only odd VMA edges get here.
        continue;
      }
      if (slot.protnone) continue;
      slot.protnone = true;
      pages += HPAGE_PMD_NR;
      huge++;
      out.entries.push({ slot, idx: -1, order: out.count });
      out.count++;
      continue;
    }
    const pt = slot.pt;
    if (!pt) continue;
    const slotOff = slot.index * HPAGE_PMD_NR;
    const { kind: kinds, protnone, isolated, nid: nids } = pt;
    for (let i = from; i < to; i++) {
      const kind = kinds[i];
      if (kind === PTE_PAGE) {
        // change_pte_range() page by page; the model takes the pages it changes as one extent.
        let j = i;
        while (j < to && kinds[j] === PTE_PAGE && !protnone[j] && !isolated[j] && (targetNode === NUMA_NO_NODE || nids[j] !== targetNode)) {
          protnone[j] = 1;
          j++;
        }
        if (j > i) {
          const n = j - i;
          const off = slotOff + i;
          const last = out.runs.length ? out.runs[out.runs.length - 1]! : null;
          if (last && last.vma === vma && last.hi === off && last.order + (off - last.lo) === out.count) last.hi += n;
          else out.runs.push({ vma, lo: off, hi: off + n, order: out.count });
          out.count += n;
          pages += n;
          i = j - 1;
        }
        // Skipped: already prot-none, isolated (refcount 2), or on the scanning CPU's node.
        continue;
      }
      if (kind !== PTE_LARGE) continue;
      if (protnone[i]) continue;
      const folio = pt.large!;
      if (k.behaviours.numa_pte_mapped_large_folios === 'no' && folio.refCount() !== 1) continue;
      if (targetNode !== NUMA_NO_NODE && folio.nid === targetNode) continue;
      protnone[i] = 1;
      pages++;
      out.entries.push({ slot, idx: i, order: out.count });
      out.count++;
    }
  }
  if (pages) k.vmstat.count('numa_pte_updates', pages);
  if (huge) k.vmstat.count('numa_huge_pte_updates', huge);
  return pages;
}

function vmaIsAccessed(k: Kernel, tasks: TaskSet, p: Task, vma: Vma): boolean {
  const st = vma.numab!;
  const mm = p.mm;
  // "Allow unconditional access first two times."
  if (mm.numaScanSeq - st.startScanSeq < 2) return true;
  if (st.pidsActive[0].has(p.pid) || st.pidsActive[1].has(p.pid)) return true;
  if (mm.numaScanOffset > vma.start) return true;
  if (mm.numaScanSeq > st.prevScanSeq + tasks.mmUsers(mm)) return true;
  return false;
}

/** vma_set_access_pid_bit() from the hint-fault paths (6.4+). */
export function vmaSetAccessPid(vma: Vma, pid: number): void {
  if (vma.numab) vma.numab.pidsActive[1].add(pid);
}

/**
 * task_numa_work(): scan up to scan_size MB of present pages (or 8× that of address space) from
 * mm->numa_scan_offset, in HPAGE-aligned chunks. Returns the entries made prot-none.
 */
export function taskNumaWork(k: Kernel, tasks: TaskSet, p: Task): ProtNoneSet {
  const mm = p.mm;
  const out = emptyProtNoneSet();
  const now = k.jiffies();
  // "The first time we're called, we need to set up the data structures." An exec'd mm starts
  // with numa_next_scan = 0, so the first call only arms it scan_delay ahead and returns: the
  // first scan comes one period after that (at 2 s of CPU time with the defaults, not 1 s).
  if (mm.numaNextScan === null) mm.numaNextScan = now + Math.floor((k.knobs.scanDelayMs * k.knobs.hz) / 1000);
  if (now < mm.numaNextScan) return out;
  if (p.numaScanPeriod === 0) {
    p.numaScanPeriodMax = taskScanMax(k, p);
    p.numaScanPeriod = taskScanStart(k, p);
  }
  mm.numaNextScan = now + Math.floor((p.numaScanPeriod * k.knobs.hz) / 1000);
  // "Delay this task enough that another task of this mm will likely win the next time around."
  p.nodeStamp += 2 * (1000 / k.knobs.hz);

  let start = mm.numaScanOffset;
  let pages = k.knobs.scanSizeMb * MIB_PAGES;
  let virtpages = pages * 8;
  const vmas = [...mm.vmas].sort((a, b) => a.start - b.start);
  let vi = vmas.findIndex((v) => v.end > start);
  if (vi < 0) {
    resetPtenumaScan(mm);
    start = 0;
    vi = vmas.length ? 0 : -1;
  }
  const targetNode = tasks.mmUsers(mm) === 1 ? p.nid(k) : NUMA_NO_NODE;
  let stoppedInVma = false;
  outer: for (; vi >= 0 && vi < vmas.length; vi++) {
    const vma = vmas[vi]!;
    if (k.behaviours.vma_scan_filter === 'yes') {
      if (!vma.numab) {
        const next = now + Math.floor((k.knobs.scanDelayMs * k.knobs.hz) / 1000);
        vma.numab = {
          startScanSeq: mm.numaScanSeq,
          nextScanJiffies: next,
          pidsActiveResetJiffies: next + Math.floor((VMA_PID_RESET_FACTOR * k.knobs.scanDelayMs * k.knobs.hz) / 1000),
          prevScanSeq: mm.numaScanSeq - 1,
          pidsActive: [new Set(), new Set()],
        };
      }
      const st = vma.numab;
      // "Scanning the VMAs of short lived tasks add more overhead. So delay the scan for new VMAs."
      if (mm.numaScanSeq && now < st.nextScanJiffies) continue;
      if (mm.numaScanSeq && now > st.pidsActiveResetJiffies) {
        st.pidsActiveResetJiffies += Math.floor((VMA_PID_RESET_FACTOR * k.knobs.scanDelayMs * k.knobs.hz) / 1000);
        st.pidsActive = [st.pidsActive[1], new Set()];
      }
      // "Do not rescan VMAs twice within the same sequence."
      if (st.prevScanSeq === mm.numaScanSeq) {
        mm.numaScanOffset = vma.end;
        continue;
      }
      if (!vmaIsAccessed(k, tasks, p, vma)) continue;
    }
    let end = start;
    do {
      start = Math.max(start, vma.start);
      end = Math.ceil((start + pages) / HPAGE_PMD_NR) * HPAGE_PMD_NR;
      end = Math.min(end, vma.end);
      const nrPteUpdates = changeProtNuma(k, vma, start, end, targetNode, out);
      // "Try to scan sysctl_numa_balancing_size worth of hpages that have at least 1 present PTE":
      // the budget shrinks by the chunk's range only if the chunk updated something. The range
      // includes an empty mapping merged onto the VMA's top (mergedAbovePages).
      const range = end - start + (end === vma.end ? vma.mergedAbovePages : 0);
      if (nrPteUpdates) pages -= range;
      virtpages -= range;
      start = end;
      if (pages <= 0 || virtpages <= 0) {
        stoppedInVma = true;
        break outer;
      }
    } while (end !== vma.end);
    if (vma.numab) vma.numab.prevScanSeq = mm.numaScanSeq;
  }
  if (stoppedInVma) mm.numaScanOffset = start;
  else resetPtenumaScan(mm);
  return out;
}

/** reset_ptenuma_scan(): a full pass over the address space is one more numa_scan_seq. */
function resetPtenumaScan(mm: { numaScanSeq: number; numaScanOffset: number }): void {
  mm.numaScanSeq++;
  mm.numaScanOffset = 0;
}
