/**
 * Facts about the lab's own workload binaries as a kernel sees them (pages of their image that
 * NUMA balancing scans and faults), measured on the virtual NUMA box, one data file per binary
 * and kernel. Each fact says where it was measured: a fact traced on one kernel and assumed on
 * another says so. These are what the model was fitted on; the box suite checks the replay on
 * specs no fact was traced with (the held-out matrix).
 */
export interface Fact<T> {
  value: T;
  /** Which trace measured it (box, kernel, probes, spec), or what it is assumed from. */
  provenance: string;
}

export interface PageCounts {
  /** Pages of the VMA (its size: what task_numa_work() charges to its scan budget). */
  pages: number;
  /** Pages written at start-up (present, so scanned). */
  resident: number;
  /** Pages of those the running task keeps touching (they fault after a scan). */
  hot: number;
}

/** An exec'd thp-move (the numa-touch workload). */
export interface ExecImageFacts {
  binary: 'thp-move';
  kernel: string;
  data: Fact<PageCounts>;
  heap: Fact<PageCounts>;
  stack: Fact<PageCounts>;
  /** Of the stack's resident pages, the top ones execve() wrote (arguments, environment, auxv). */
  stackArgsPages: Fact<number>;
  /** A small anonymous VMA below .data that some kernels map (all pages written and in use). */
  extraVmaPages: Fact<number>;
  /** Where the move_pages() arrays start in the brk heap, bytes. */
  arraysHeapOffset: Fact<number>;
  /** Heap pages after the arrays, written on `from` with them. */
  fromNodeHeapPages: Fact<number>;
  /** CPU time before the window: base + per faulted 4 KiB page (the forecast's estimate). */
  setupCpuMs: Fact<{ base: number; perPage: number; lo: number; hi: number }>;
}

/** A numa01/numa02 child, forked from the workload's parent (no exec). */
export interface ForkedChildFacts {
  binary: 'numa01';
  kernel: string;
  data: Fact<PageCounts>;
  stack: Fact<{ pages: number; resident: number }>;
  /** Pages of `data` the main thread writes once more after pthread_join(). */
  mainEndPages: Fact<number>;
  extraVmaPages: Fact<number>;
  /** Of the extra VMA, the pages the child writes and keeps using. */
  extraVmaWritten: Fact<number>;
  threadStackWritten: Fact<number>;
  threadStackHot: Fact<number>;
}
