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
 * The small-page numbers come from the box (Debian 6.1, kprobes on change_prot_numa() and
 * task_numa_fault() during `thp-move method=touch thps=8`): the first scan updated 15 base pages
 * outside the region (ret=15 on the data/heap VMA), 12 of them faulted again in the touch loop
 * (12 one-page hint faults, each migrated), later scans updated none there (the pages had moved
 * to the task's node, which a single-threaded task's scan skips).
 */
import { handleAnonWriteFault } from './fault';
import type { Kernel } from './kernel';
import { madviseDontneed } from './madvise';
import type { Mm, Vma } from './mm';
import type { AccessPattern, Task } from './sched_numa';

/** The data/bss/heap VMA: 132 KiB, the initial brk arena of a static glibc binary. */
const DATA_VMA_PAGES = 33;
/**
 * Pages of it resident and writable-private when the window begins, and of those, pages the
 * workload's loop keeps touching (globals, stdio, the hold's signal handling). Measured on the
 * box as the lab runs thp-move method=touch (hold=1): 18–27 base-page PTE updates outside the
 * region per run (all on the first scan), 14–20 one-page hint faults, each migrated; the middle
 * is taken. A forked child (numa01/numa02) shares the parent's pages copy-on-write, which
 * change_pte_range() skips ("Also skip shared copy-on-write pages"), except the few it wrote:
 * numa02 on the box updated 6 (6.1) to 10 (6.12) base pages outside the region per scan, 4 to 7
 * of them faulted; thread stacks account for 2 each (below), the child's own data for the rest.
 */
const DATA_PAGES = { exec: { resident: 20, hot: 17 }, fork: { resident: 4, hot: 1 } } as const;
const MAIN_STACK_PAGES = 33;
const MAIN_STACK_RESIDENT_PAGES = { exec: 2, fork: 1 } as const;
/** glibc's default pthread stack: RLIMIT_STACK, 8 MiB (its guard page is a PROT_NONE VMA, skipped). */
export const THREAD_STACK_PAGES = 2048;
/** A running thread's stack pages in use: the TCB/TLS at the top and the frames below it. */
const THREAD_STACK_HOT_PAGES = 2;
/** For tests and reports: what the image adds to a single-threaded task's first scan on a remote node. */
export const PROCESS_IMAGE = {
  /** Base pages a first scan of an exec'd task that moved away from them updates. */
  remotePages: DATA_PAGES.exec.resident + MAIN_STACK_RESIDENT_PAGES.exec,
  /** Of those, pages the loop touches again: one hint fault (and one migration) each. */
  hotPages: DATA_PAGES.exec.hot,
} as const;
/** Touches per ms of a hot page (it is touched on every loop iteration: the fault follows the scan at once). */
const HOT_RATE = 1000;

function hot(vma: Vma, lo: number, hi: number, end: number): AccessPattern {
  return { vma, lo, hi, rate: HOT_RATE * (hi - lo), phase: 0, start: 0, end };
}

export interface ProcessImage {
  data: Vma;
  stack: Vma;
  hotPages: number;
}

/**
 * The image of a process, first touched on `nid`: exec'd (thp-move) or forked from the
 * workload's parent without exec (numa01/numa02 children: only the pages they wrote are theirs).
 */
export function mapProcessImage(k: Kernel, mm: Mm, nid: number, how: 'exec' | 'fork'): ProcessImage {
  const data = mm.mapData(DATA_VMA_PAGES);
  for (let i = 0; i < DATA_PAGES[how].resident; i++) handleAnonWriteFault(k, { nid }, data, data.start + i, false);
  const stack = mm.mapMainStack(MAIN_STACK_PAGES);
  for (let i = 0; i < MAIN_STACK_RESIDENT_PAGES[how]; i++) handleAnonWriteFault(k, { nid }, stack, stack.end - 1 - i, false);
  return { data, stack, hotPages: DATA_PAGES[how].hot };
}

/** The image pages a running loop keeps touching (its globals): every iteration, until `untilMs`. */
export function imageTouches(image: ProcessImage, untilMs: number): AccessPattern {
  return hot(image.data, 0, image.hotPages, untilMs);
}

/**
 * pthread_create()'s stack for `task`, mmap()ed below what was mapped before. The creator writes
 * the new thread's TCB at the top of it, so those pages are first touched on the creator's node
 * (`creatorNid`). The first stack of a process sits right below the 2 MiB-aligned region, so its
 * top 2 MiB is a whole PMD: before 6.7 (no VM_NOHUGEPAGE for MAP_STACK) that write faults a THP
 * there. Later stacks start one guard page lower: not aligned, base pages.
 */
export function mapThreadStack(k: Kernel, mm: Mm, task: Task, creatorNid: number, untilMs: number, first: boolean): Vma {
  const thpTop = first && !k.variant.mapStackNoHugepage;
  const vma = mm.mmapAnon(THREAD_STACK_PAGES, thpTop ? 'none' : 'nohugepage');
  for (let i = 1; i <= THREAD_STACK_HOT_PAGES; i++) handleAnonWriteFault(k, { nid: creatorNid }, vma, vma.end - i, false);
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
