/**
 * What a workload process maps besides its region, as task_numa_work() sees it: the static
 * binary's writable data/bss/brk heap at the bottom, glibc's thread stacks (mmap()ed after the
 * region, so below it), the main stack at the top.
 *
 * Why it matters: task_numa_work() charges a chunk's whole address range against its
 * scan_size budget as soon as one PTE in it was updated ("Try to scan sysctl_numa_balancing_size
 * worth of hpages that have at least 1 present PTE"). An 8 MiB thread stack with two touched
 * pages costs 2048 pages of budget, so numa02 with 2 threads on a 256 MiB region scans
 * 256 − 2×8 = 240 MiB of it per pass: the 120 (not 128) numa_huge_pte_updates measured on the
 * virtual NUMA box.
 *
 * The small-page numbers come from the box (Debian 6.1, kprobes on change_prot_numa() — PTEs
 * updated per VMA — and numa_migrate_prep() — each hint fault's address and VMA), below per kind
 * of process: an exec'd thp-move (numa-touch) and a forked numa01/numa02 child.
 */
import { handleAnonWriteFault } from './fault';
import type { Kernel } from './kernel';
import { madviseDontneed } from './madvise';
import type { Mm, Vma } from './mm';
import type { ImageNodes } from './knobs';
import type { AccessPattern, Task } from './sched_numa';
import { PAGE_SIZE } from './constants';

/**
 * A forked numa01/numa02 child's data/bss/heap: 40 pages of budget, as the 6.1 box's
 * change_prot_numa() calls show them (.data/bss 6 pages and the brk heap 34, both updated; one
 * VMA here). The child shares the parent's pages copy-on-write, which change_pte_range()
 * skips ("Also skip shared copy-on-write pages"), except the few it wrote: numa02 on the box
 * updated 6 (6.1) to 10 (6.12) base pages outside the region per scan, 4 to 7 of them faulted;
 * thread stacks account for 2 each (below), the child's own data for the rest.
 */
const FORK_DATA = { pages: 40, resident: 4, hot: 1 } as const;
/**
 * Pages of it the child's main thread writes once more when its workers are done (pthread_join()
 * returns, it reports the threads' clocks): numa02 on the 6.12 box, traced, faulted 2 pages (heap
 * and .data), on its own node, at the window's end.
 */
const FORK_MAIN_END_PAGES = 2;
const FORK_STACK = { pages: 33, resident: 1 } as const;
/**
 * Of the variant's extra small VMA (KernelVariant.execImageExtraPages), the pages a forked child
 * writes and keeps using: numa02 on the 6.12 box (kprobes) faulted pages 0 and 1 of that 3-page
 * VMA — the 2 PTE updates and 2 hint faults per run the model lacked (61450 and 127 measured in
 * every run, 61448 and 125 predicted without them).
 */
const FORK_EXTRA_WRITTEN = 2;

/**
 * An exec'd thp-move (numa-touch), traced on the 6.1 box with kprobes on change_prot_numa() (its
 * return value per VMA) and numa_migrate_prep() (the faulting address and its VMA), numa-touch
 * thps=1,2,4,8,16 secs=3. Written at exec and start-up, where exec and the scheduler put the
 * process (`sim.image_nodes`, which experiments read from the workload: mostly one node for all,
 * sometimes execve() on one and the rest, after sched_exec(), on the other):
 * - the static binary's .data (a 5-page VMA): 2 pages, 1 of them written again in the window
 *   (stdio);
 * - bss + brk heap (34 pages): the first 3 (TLS, stdio's buffer), 2 of them in use in the window;
 * - the main stack (33 pages): the top 3 (arguments and environment, main's frames), all in use.
 * Those on the window's `to` node are local to the running task and a single-threaded
 * task's scan skips them (target_node); otherwise the first scan updates those 8 and 6 of them
 * fault in the window: runs on the box measured either +0 or +8 PTE updates, +0 or +5..6 faults.
 */
const EXEC_DATA = { pages: 5, resident: 2, hot: 1 } as const;
const EXEC_HEAP = { pages: 34, resident: 3, hot: 2 } as const;
const EXEC_STACK = { pages: 33, resident: 3, hot: 3 } as const;
/** Of those, the top pages execve() wrote (arguments, environment, auxv); the rest is main()'s. */
const EXEC_STACK_ARGS_PAGES = 2;
/**
 * thp-move's move_pages() arrays, calloc()ed after the set-up, after pinning to `from`: addrs
 * (8 bytes per page moved), nodes and status (4 each), brk-heap chunks with 16-byte headers,
 * right after the start-up's pages. All on `from`, so all updated by the first scan; one more
 * page of the heap on `from` too (the traces: the arrays' pages + 1 in every run). They are
 * touched once more at the window's end, when `where()` asks move_pages(2) where the pages are:
 * the kernel reads `addrs` and writes `status`; `nodes` is not passed. So the pages of `addrs`
 * and `status` fault, those only of `nodes` do not: e.g. thps=8 (4096 pages) faulted heap pages
 * 3..11 and 15..19 — 14, as traced — and updated 3..19 + 1 = 18.
 */
const ARRAYS_HEAP_OFFSET = 3 * PAGE_SIZE + 160;
const CHUNK_HEADER = 16;
const FROM_NODE_HEAP_PAGES = 1;

/** Heap pages [first, last] spanned by bytes [off, off + len). */
function pagesOf(off: number, len: number): [number, number] {
  return [Math.floor(off / PAGE_SIZE), Math.floor((off + Math.max(1, len) - 1) / PAGE_SIZE)];
}

/** Where thp-move's three arrays lie in the heap, for `nrAddrs` pages moved (calloc(n ? n : 1)). */
export function movePagesArrays(nrAddrs: number): { addrs: [number, number]; nodes: [number, number]; status: [number, number] } {
  const n = Math.max(1, nrAddrs);
  const addrsOff = ARRAYS_HEAP_OFFSET;
  const nodesOff = addrsOff + 8 * n + CHUNK_HEADER;
  const statusOff = nodesOff + 4 * n + CHUNK_HEADER;
  return { addrs: pagesOf(addrsOff, 8 * n), nodes: pagesOf(nodesOff, 4 * n), status: pagesOf(statusOff, 4 * n) };
}

/**
 * For tests and reports: the PTE updates and hint faults a numa-touch run's own pages add to its
 * window (any number of scans: later scans find them prot-none or already local).
 * `execImageExtraPages`: the variant's (linux-6.12+: 3).
 */
export function numaTouchOwnPages(nrAddrs: number, execRemote: boolean, execImageExtraPages = 0): { updated: number; faulted: number } {
  const a = movePagesArrays(nrAddrs);
  const spanned = a.status[1] - a.addrs[0] + 1;
  const faulted = new Set<number>();
  for (const [lo, hi] of [a.addrs, a.status]) for (let p = lo; p <= hi; p++) faulted.add(p);
  const extra = execImageExtraPages;
  const exec = { updated: extra + EXEC_DATA.resident + EXEC_HEAP.resident + EXEC_STACK.resident, faulted: extra + EXEC_DATA.hot + EXEC_HEAP.hot + EXEC_STACK.hot };
  return {
    updated: spanned + FROM_NODE_HEAP_PAGES + (execRemote ? exec.updated : 0),
    faulted: faulted.size + (execRemote ? exec.faulted : 0),
  };
}

/** glibc's default pthread stack: RLIMIT_STACK, 8 MiB (its guard page is a PROT_NONE VMA, skipped). */
export const THREAD_STACK_PAGES = 2048;
/**
 * A running thread's stack: 2 pages written (the TCB/TLS at the top and the frames below it), 1
 * of them in use in the loop (numa02 traced on the 6.12 box: one hint fault per thread stack,
 * at its top page).
 */
const THREAD_STACK_WRITTEN_PAGES = 2;
const THREAD_STACK_HOT_PAGES = 1;
/** Touches per ms of a hot page (it is touched on every loop iteration: the fault follows the scan at once). */
const HOT_RATE = 1000;

function hot(vma: Vma, lo: number, hi: number, end: number): AccessPattern {
  return { vma, lo, hi, rate: HOT_RATE * (hi - lo), phase: 0, start: 0, end };
}

/** Pages [lo, hi) of the VMA touched once, in the window's last millisecond. */
function atWindowEnd(vma: Vma, lo: number, hi: number, windowEndMs: number): AccessPattern {
  return { vma, lo, hi, rate: hi - lo, phase: 0, start: windowEndMs - 1, end: windowEndMs };
}

/** Write-faults pages [lo, hi) of the VMA (offsets from its start) on `nid`. */
function writePages(k: Kernel, nid: number, vma: Vma, lo: number, hi: number): void {
  for (let p = lo; p < hi; p++) handleAnonWriteFault(k, { nid }, vma, vma.start + p, false);
}

/** The variant's extra small VMA below .data (none before 6.12), its first `written` pages written on `nid`. */
function mapExtraVma(k: Kernel, mm: Mm, nid: number, written: number): Vma | null {
  const pages = k.variant.execImageExtraPages;
  if (pages <= 0) return null;
  const vma = mm.mapData(pages);
  writePages(k, nid, vma, 0, Math.min(written, pages));
  return vma;
}

export interface ProcessImage {
  data: Vma;
  /** The variant's extra small VMA and the pages of it in use (none before 6.12). */
  extra: { vma: Vma; hot: number } | null;
}

/**
 * A numa01/numa02 child, forked from the workload's parent without exec: only the pages it wrote
 * are its own (first touched on `nid`).
 */
export function mapForkedImage(k: Kernel, mm: Mm, nid: number): ProcessImage {
  const lead = mapExtraVma(k, mm, nid, FORK_EXTRA_WRITTEN);
  const data = mm.mapData(FORK_DATA.pages);
  writePages(k, nid, data, 0, FORK_DATA.resident);
  const stack = mm.mapMainStack(FORK_STACK.pages);
  writePages(k, nid, stack, FORK_STACK.pages - FORK_STACK.resident, FORK_STACK.pages);
  return { data, extra: lead ? { vma: lead, hot: Math.min(FORK_EXTRA_WRITTEN, lead.nrPages) } : null };
}

/**
 * The image pages a running worker keeps touching (globals, the heap): every iteration, until
 * `untilMs`. Which of the threads faults a shared page first after a scan is a race; the model
 * starts worker `i` at the `i`-th page, so the pages are spread over the threads.
 */
export function imageTouches(image: ProcessImage, untilMs: number, worker = 0): AccessPattern[] {
  const at = (a: AccessPattern): AccessPattern => ({ ...a, phase: worker % Math.max(1, a.hi - a.lo) });
  const out = [at(hot(image.data, 0, FORK_DATA.hot, untilMs))];
  if (image.extra && image.extra.hot > 0) out.unshift(at(hot(image.extra.vma, 0, image.extra.hot, untilMs)));
  return out;
}

/** The child's main thread after pthread_join(): its pages written once more, in the window's last millisecond. */
export function mainThreadEndTouches(image: ProcessImage, windowEndMs: number): AccessPattern[] {
  const lo = FORK_DATA.hot;
  const hi = Math.min(FORK_DATA.resident, lo + FORK_MAIN_END_PAGES);
  return hi > lo ? [atWindowEnd(image.data, lo, hi, windowEndMs)] : [];
}

export interface ExecImage {
  heap: Vma;
  /** What the running task keeps touching: stdio's data, its heap, its stack frames. */
  touches(untilMs: number): AccessPattern[];
}

/**
 * thp-move's image at exec (numa-touch), written where `nodes` says; the heap sized for the arrays
 * of `nrAddrs` pages (brk grows to fit them).
 */
export function mapExecImage(k: Kernel, mm: Mm, nodes: ImageNodes, nrAddrs: number): ExecImage {
  const lead = mapExtraVma(k, mm, nodes.data, Infinity);
  const data = mm.mapData(EXEC_DATA.pages);
  const a = movePagesArrays(nrAddrs);
  const heap = mm.mapData(Math.max(EXEC_HEAP.pages, a.status[1] + FROM_NODE_HEAP_PAGES + 1));
  const stack = mm.mapMainStack(EXEC_STACK.pages);
  writePages(k, nodes.data, data, 0, EXEC_DATA.resident);
  writePages(k, nodes.tls, heap, 0, EXEC_HEAP.resident);
  // execve() writes the arguments at the top; main()'s frame is below them.
  writePages(k, nodes.args, stack, EXEC_STACK.pages - EXEC_STACK_ARGS_PAGES, EXEC_STACK.pages);
  writePages(k, nodes.frame, stack, EXEC_STACK.pages - EXEC_STACK.resident, EXEC_STACK.pages - EXEC_STACK_ARGS_PAGES);
  return {
    heap,
    touches: (untilMs) => [
      ...(lead ? [hot(lead, 0, lead.nrPages, untilMs)] : []),
      hot(data, 0, EXEC_DATA.hot, untilMs),
      hot(heap, 0, EXEC_HEAP.hot, untilMs),
      hot(stack, EXEC_STACK.pages - EXEC_STACK.hot, EXEC_STACK.pages, untilMs),
    ],
  };
}

/**
 * The move_pages() arrays, written on `nid` after the set-up; `where()` reads `addrs` and writes
 * `status` once more in the window's last moment (returned: those touches).
 */
export function mapMovePagesArrays(k: Kernel, image: ExecImage, nid: number, nrAddrs: number, windowEndMs: number): AccessPattern[] {
  const a = movePagesArrays(nrAddrs);
  writePages(k, nid, image.heap, a.addrs[0], a.status[1] + FROM_NODE_HEAP_PAGES + 1);
  return [a.addrs, a.status].map(([lo, hi]) => atWindowEnd(image.heap, lo, hi + 1, windowEndMs));
}

/**
 * pthread_create()'s stack for `task`, mmap()ed below what was mapped before. The creator writes
 * the new thread's TCB at the top of it, so those pages are first touched on the creator's node
 * (`creatorNid`). The first stack of a process sits right below the 2 MiB-aligned region, so its
 * top 2 MiB is a whole PMD: before 6.7 (no VM_NOHUGEPAGE for MAP_STACK) that write faults a THP
 * there. Later stacks start one guard page lower: not aligned, base pages.
 *
 * On 6.1 the first stack is mmap()ed right below the region's whole mapping, whose alignment
 * head (headGapPages: the workload maps 2 MiB more and aligns inside it) is anonymous memory with
 * the same flags and nothing in it: the kernel merges the two, so the stack's VMA runs up to the
 * aligned region and task_numa_work() charges 2048 + head pages for it. Traced on
 * the 6.1 box (numa02, 256 MiB): heads of 482 and 503 pages left 119 region PMDs in the first
 * pass, heads of 35–423 pages 120 (threshold 472: 65536 − 40 − 2048 − 2048 − head > 119 × 512).
 * 6.12 aligns such a mapping itself (thp_get_unmapped_area() for anonymous memory, since 6.7):
 * no head.
 */
export function mapThreadStack(k: Kernel, mm: Mm, task: Task, creatorNid: number, untilMs: number, first: boolean, headGapPages = 0): Vma {
  const thpTop = first && !k.variant.mapStackNoHugepage;
  const vma = mm.mmapAnon(THREAD_STACK_PAGES, thpTop ? 'none' : 'nohugepage');
  if (first) vma.mergedAbovePages = headGapPages;
  writePages(k, creatorNid, vma, THREAD_STACK_PAGES - THREAD_STACK_WRITTEN_PAGES, THREAD_STACK_PAGES);
  task.access.push(hot(vma, THREAD_STACK_PAGES - THREAD_STACK_HOT_PAGES, THREAD_STACK_PAGES, untilMs));
  return vma;
}

/**
 * A thread's exit: glibc's advise_stack_range() MADV_DONTNEEDs its stack below what is in use
 * (here: all but the top 8 pages), which splits a THP there (thp_split_pmd, deferred split).
 */
export function exitThreadStack(k: Kernel, vma: Vma): void {
  madviseDontneed(k, vma, vma.start, vma.end - 8);
}
