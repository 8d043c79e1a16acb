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
import type { ExecImageFacts, ForkedChildFacts } from './facts';

/**
 * The page counts come from the lab's traces of its own binaries, per kernel, each with where it
 * was measured: facts/ (thp-move exec'd for numa-touch, the forked numa01/numa02 child). The
 * shapes here are the kernel's and glibc's; the numbers are the facts'.
 *
 * thp-move's move_pages() arrays are calloc()ed after the set-up, after pinning to `from`: addrs
 * (8 bytes per page moved), nodes and status (4 each), brk-heap chunks with 16-byte headers,
 * right after the start-up's pages. All on `from`, so all updated by the first scan, with the
 * heap pages after them. They are touched once more at the window's end, when `where()` asks
 * move_pages(2) where the pages are: the kernel reads `addrs` and writes `status`; `nodes` is not
 * passed. So the pages of `addrs` and `status` fault, those only of `nodes` do not.
 */
const CHUNK_HEADER = 16;

/** Heap pages [first, last] spanned by bytes [off, off + len). */
function pagesOf(off: number, len: number): [number, number] {
  return [Math.floor(off / PAGE_SIZE), Math.floor((off + Math.max(1, len) - 1) / PAGE_SIZE)];
}

/** Where thp-move's three arrays lie in the heap, for `nrAddrs` pages moved (calloc(n ? n : 1)). */
export function movePagesArrays(f: ExecImageFacts, nrAddrs: number): { addrs: [number, number]; nodes: [number, number]; status: [number, number] } {
  const n = Math.max(1, nrAddrs);
  const addrsOff = f.arraysHeapOffset.value;
  const nodesOff = addrsOff + 8 * n + CHUNK_HEADER;
  const statusOff = nodesOff + 4 * n + CHUNK_HEADER;
  return { addrs: pagesOf(addrsOff, 8 * n), nodes: pagesOf(nodesOff, 4 * n), status: pagesOf(statusOff, 4 * n) };
}

/**
 * For reports: the PTE updates and hint faults a numa-touch run's own pages add to its window
 * (any number of scans: later scans find them prot-none or already local).
 */
export function numaTouchOwnPages(f: ExecImageFacts, nrAddrs: number, execRemote: boolean): { updated: number; faulted: number } {
  const a = movePagesArrays(f, nrAddrs);
  const spanned = a.status[1] - a.addrs[0] + 1;
  const faulted = new Set<number>();
  for (const [lo, hi] of [a.addrs, a.status]) for (let p = lo; p <= hi; p++) faulted.add(p);
  const extra = f.extraVmaPages.value;
  const exec = { updated: extra + f.data.value.resident + f.heap.value.resident + f.stack.value.resident, faulted: extra + f.data.value.hot + f.heap.value.hot + f.stack.value.hot };
  return {
    updated: spanned + f.fromNodeHeapPages.value + (execRemote ? exec.updated : 0),
    faulted: faulted.size + (execRemote ? exec.faulted : 0),
  };
}

/** glibc's default pthread stack: RLIMIT_STACK, 8 MiB (its guard page is a PROT_NONE VMA, skipped). */
export const THREAD_STACK_PAGES = 2048;
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

/** The kernel's extra small VMA below .data (none before 6.12), its first `written` pages written on `nid`. */
function mapExtraVma(k: Kernel, mm: Mm, nid: number, pages: number, written: number): Vma | null {
  if (pages <= 0) return null;
  const vma = mm.mapData(pages);
  writePages(k, nid, vma, 0, Math.min(written, pages));
  return vma;
}

export interface ProcessImage {
  data: Vma;
  /** The kernel's extra small VMA and the pages of it in use (none before 6.12). */
  extra: { vma: Vma; hot: number } | null;
  facts: ForkedChildFacts;
}

/**
 * A numa01/numa02 child, forked from the workload's parent without exec: only the pages it wrote
 * are its own (first touched on `nid`).
 */
export function mapForkedImage(k: Kernel, mm: Mm, nid: number): ProcessImage {
  const f = k.facts.forked;
  const written = f.extraVmaWritten.value;
  const lead = mapExtraVma(k, mm, nid, f.extraVmaPages.value, written);
  const data = mm.mapData(f.data.value.pages);
  writePages(k, nid, data, 0, f.data.value.resident);
  const stack = mm.mapMainStack(f.stack.value.pages);
  writePages(k, nid, stack, f.stack.value.pages - f.stack.value.resident, f.stack.value.pages);
  return { data, extra: lead ? { vma: lead, hot: Math.min(written, lead.nrPages) } : null, facts: f };
}

/**
 * The image pages a running worker keeps touching (globals, the heap): every iteration, until
 * `untilMs`. Which of the threads faults a shared page first after a scan is a race; the model
 * starts worker `i` at the `i`-th page, so the pages are spread over the threads.
 */
export function imageTouches(image: ProcessImage, untilMs: number, worker = 0): AccessPattern[] {
  const at = (a: AccessPattern): AccessPattern => ({ ...a, phase: worker % Math.max(1, a.hi - a.lo) });
  const out = [at(hot(image.data, 0, image.facts.data.value.hot, untilMs))];
  if (image.extra && image.extra.hot > 0) out.unshift(at(hot(image.extra.vma, 0, image.extra.hot, untilMs)));
  return out;
}

/** The child's main thread after pthread_join(): its pages written once more, in the window's last millisecond. */
export function mainThreadEndTouches(image: ProcessImage, windowEndMs: number): AccessPattern[] {
  const f = image.facts;
  const lo = f.data.value.hot;
  const hi = Math.min(f.data.value.resident, lo + f.mainEndPages.value);
  return hi > lo ? [atWindowEnd(image.data, lo, hi, windowEndMs)] : [];
}

export interface ExecImage {
  heap: Vma;
  facts: ExecImageFacts;
  /** What the running task keeps touching: stdio's data, its heap, its stack frames. */
  touches(untilMs: number): AccessPattern[];
}

/**
 * thp-move's image at exec (numa-touch), written where `nodes` says; the heap sized for the arrays
 * of `nrAddrs` pages (brk grows to fit them).
 */
export function mapExecImage(k: Kernel, mm: Mm, nodes: ImageNodes, nrAddrs: number): ExecImage {
  const f = k.facts.exec;
  const [D, H, S] = [f.data.value, f.heap.value, f.stack.value];
  const lead = mapExtraVma(k, mm, nodes.data, f.extraVmaPages.value, Infinity);
  const data = mm.mapData(D.pages);
  const a = movePagesArrays(f, nrAddrs);
  const heap = mm.mapData(Math.max(H.pages, a.status[1] + f.fromNodeHeapPages.value + 1));
  const stack = mm.mapMainStack(S.pages);
  writePages(k, nodes.data, data, 0, D.resident);
  writePages(k, nodes.tls, heap, 0, H.resident);
  // execve() writes the arguments at the top; main()'s frame is below them.
  const args = f.stackArgsPages.value;
  writePages(k, nodes.args, stack, S.pages - args, S.pages);
  writePages(k, nodes.frame, stack, S.pages - S.resident, S.pages - args);
  return {
    heap,
    facts: f,
    touches: (untilMs) => [
      ...(lead ? [hot(lead, 0, lead.nrPages, untilMs)] : []),
      hot(data, 0, D.hot, untilMs),
      hot(heap, 0, H.hot, untilMs),
      hot(stack, S.pages - S.hot, S.pages, untilMs),
    ],
  };
}

/**
 * The move_pages() arrays, written on `nid` after the set-up; `where()` reads `addrs` and writes
 * `status` once more in the window's last moment (returned: those touches).
 */
export function mapMovePagesArrays(k: Kernel, image: ExecImage, nid: number, nrAddrs: number, windowEndMs: number): AccessPattern[] {
  const a = movePagesArrays(image.facts, nrAddrs);
  writePages(k, nid, image.heap, a.addrs[0], a.status[1] + image.facts.fromNodeHeapPages.value + 1);
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
  const thpTop = first && k.behaviours.map_stack_nohugepage === 'no';
  const vma = mm.mmapAnon(THREAD_STACK_PAGES, thpTop ? 'none' : 'nohugepage');
  if (first) vma.mergedAbovePages = headGapPages;
  const f = k.facts.forked;
  writePages(k, creatorNid, vma, THREAD_STACK_PAGES - f.threadStackWritten.value, THREAD_STACK_PAGES);
  task.access.push(hot(vma, THREAD_STACK_PAGES - f.threadStackHot.value, THREAD_STACK_PAGES, untilMs));
  return vma;
}

/**
 * A thread's exit: glibc's advise_stack_range() MADV_DONTNEEDs its stack below what is in use
 * (here: all but the top 8 pages), which splits a THP there (thp_split_pmd, deferred split).
 */
export function exitThreadStack(k: Kernel, vma: Vma): void {
  madviseDontneed(k, vma, vma.start, vma.end - 8);
}
