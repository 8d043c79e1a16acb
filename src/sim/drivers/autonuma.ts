/**
 * numa01 and numa02, reimplemented from the autonuma-benchmark description:
 * - numa01: 2 processes, `threads` threads each; every thread bzeroes the whole `size_mib` of
 *   its process `loops` times (false sharing between nodes). Threads are spread so that each
 *   process has threads on every node.
 * - numa02: 1 process, `threads` threads, each bzeroing only its own slice `loops` times.
 * Each process is a fork of the workload's parent: its main thread maps the region (2 MiB
 * aligned, as the lab's numa01.c does), then creates
 * the workers (their 8 MiB stacks mmap()ed below the region) and sleeps in pthread_join(); it is
 * an mm user (so the scan has no single-thread target-node filter) but never ticks. The first
 * touch (phase `setup`) is spread over the threads of each process, 2 MiB at a time, for numa01,
 * and made by each thread for its own slice for numa02. A thread's sweep runs at
 * sim.bzero_mib_per_sec; its CPU time before the window is sim.prewindow_cpu_ms when given.
 * Thread placement: a new thread starts on the idlest CPU at fork balancing (placeNewThread),
 * then stays. Not modelled: the scheduler moving threads later (the box's numa02 runs
 * had one in five where both threads were swapped and everything migrated).
 */
import { BalancingEngine } from '../balancing';
import { HPAGE_PMD_NR, MIB_PAGES } from '../constants';
import { handleAnonWriteFaults } from '../fault';
import { Mm } from '../mm';
import type { Vma } from '../mm';
import { exitThreadStack, imageTouches, mainThreadEndTouches, mapForkedImage, mapThreadStack } from '../process_image';
import { Task, TaskSet } from '../sched_numa';
import type { DriverCtx } from './context';
import { checkCancel } from './context';

function rng(seed: number): () => number {
  let s = seed >>> 0 || 0x9e3779b9;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x100000000;
  };
}

/**
 * CPUs interleaved across nodes (n0c0, n1c0, n0c1, n1c1, ...), so that consecutive threads land
 * on different nodes, as the scheduler spreads a fresh multi-threaded process.
 */
function cpusInterleaved(ctx: DriverCtx): number[] {
  const byNode = new Map<number, number[]>();
  for (const [cpu, nid] of [...ctx.k.cpuNode.entries()].sort((a, b) => a[0] - b[0])) {
    if (!byNode.has(nid)) byNode.set(nid, []);
    byNode.get(nid)!.push(cpu);
  }
  const lists = [...byNode.keys()].sort((a, b) => a - b).map((n) => byNode.get(n)!);
  const out: number[] = [];
  for (let i = 0; out.length < ctx.k.cpuNode.size; i++) for (const l of lists) if (i < l.length) out.push(l[i]!);
  return out;
}

/**
 * The first touch of [lo, hi) of a VMA by a thread on node `nid`, 256 MiB at a time between
 * checks for cancellation and progress reports (`done` pages of `total` so far).
 */
function firstTouch(ctx: DriverCtx, vma: Vma, lo: number, hi: number, nid: number, progress: { done: number; total: number }): void {
  const CHUNK = 0x10000;
  for (let off = lo; off < hi; off += CHUNK) {
    checkCancel(ctx.opts);
    const end = Math.min(hi, off + CHUNK);
    handleAnonWriteFaults(ctx.k, { nid }, vma, vma.start + off, vma.start + end, false);
    const before = progress.done;
    progress.done += end - off;
    if (Math.floor(before / CHUNK) !== Math.floor(progress.done / CHUNK)) ctx.opts.onProgress?.({ phase: 'setup', fraction: progress.done / progress.total });
  }
}

/**
 * wake_up_new_task() → select_task_rq(SD_BALANCE_FORK) → find_idlest_cpu(): a new thread goes to
 * the CPU with the fewest runnable tasks, staying on its creator's when none is idler. numa02 on
 * a 2-CPU box: the first worker goes to the idle CPU, the second stays with main; numa01: both
 * CPUs run a process's main, so each worker stays beside its main (the box: all hint faults local).
 */
function placeNewThread(runnable: Map<number, number>, creatorCpu: number): number {
  let best = creatorCpu;
  for (const [cpu, n] of runnable) if (n < runnable.get(best)!) best = cpu;
  runnable.set(best, runnable.get(best)! + 1);
  return best;
}

interface Proc {
  mm: Mm;
  vma: Vma;
  workers: Task[];
  stacks: Vma[];
}

export function runAutonuma(ctx: DriverCtx, which: 'numa01' | 'numa02'): void {
  const { k, params } = ctx;
  const cpus = cpusInterleaved(ctx);
  const nrCpus = cpus.length;
  const sizePages = Number(params.size_mib) * MIB_PAGES;
  const loops = Number(params.loops);
  const advice = Number(params.thp) === 1 ? 'none' : 'nohugepage';
  const rate = (k.knobs.bzeroMibPerSec * MIB_PAGES) / 1000; // pages per ms
  const random = rng(ctx.opts.seed ?? 1);
  const tasks = new TaskSet();
  const all: Task[] = [];
  let pid = 2000;
  const nprocs = which === 'numa01' ? 2 : 1;
  const threads = Number(params.threads) || (which === 'numa01' ? Math.max(1, Math.floor(nrCpus / 2)) : nrCpus);
  // numa01: every thread sweeps the whole region; numa02: its own 2 MiB-aligned slice.
  const slice = Math.max(1, Math.floor(sizePages / threads / HPAGE_PMD_NR)) * HPAGE_PMD_NR;
  const sweepPages = which === 'numa01' ? sizePages : slice;
  // The window starts this long (wall time) after the forks; each thread's CPU time then is its
  // own measured clock, or, without one, that wall time (the set-up at full speed).
  const setupEnd = k.knobs.prewindowWallMs ?? k.knobs.prewindowCpuMs ?? sweepPages / rate;
  const runEnd = setupEnd + (loops * sweepPages) / rate;
  const range = (i: number): [number, number] =>
    which === 'numa01' ? [0, sizePages] : [Math.min(sizePages, i * slice), i === threads - 1 ? sizePages : Math.min(sizePages, (i + 1) * slice)];

  ctx.phase('setup');
  const procs: Proc[] = [];
  // The forked processes' main threads start at once, one per CPU; then each creates its workers.
  const runnable = new Map<number, number>(cpus.map((c) => [c, 0]));
  for (let p = 0; p < nprocs; p++) runnable.set(cpus[p % nrCpus]!, runnable.get(cpus[p % nrCpus]!)! + 1);
  for (let p = 0; p < nprocs; p++) {
    const mm = new Mm(p + 1);
    ctx.mms.push(mm);
    // fork() without exec: sched_fork() → init_numa_balancing() sees the parent's mm with
    // mm_users == 1 and arms its numa_next_scan (now + scan_delay) just before dup_mm() copies it,
    // so the child's first task_numa_work() scans at once (kprobes on the 6.1 box: numa02's first
    // call scanned), unlike an exec'd mm, whose first call only arms it.
    mm.numaNextScan = k.jiffies(0) + Math.floor((k.knobs.scanDelayMs * k.knobs.hz) / 1000);
    const main = new Task(pid++, mm, cpus[p % nrCpus]!, k);
    main.runStart = Infinity; // blocked in pthread_join(): an mm user that never ticks
    tasks.add(main);
    const image = mapForkedImage(k, mm, main.nid(k));
    const vma = mm.mmapAnon(sizePages, advice);
    const workers: Task[] = [];
    const stacks: Vma[] = [];
    for (let i = 0; i < threads; i++) {
      const t = new Task(pid++, mm, placeNewThread(runnable, main.cpu), k);
      tasks.add(t);
      t.staggerAsNewThread(k, main, tasks.mmUsers(mm));
      stacks.push(mapThreadStack(k, mm, t, main.nid(k), runEnd, i === 0, k.knobs.regionHeadGapPages?.[p] ?? 0));
      t.access.push(...imageTouches(image, runEnd, i));
      t.shareFrom = setupEnd;
      t.cpuShare = k.knobs.cpuShare;
      // Per-thread clocks when given (the j-th worker, process by process): its own CPU time at
      // the window's start and its own share of the window.
      const j = p * threads + i;
      const pre = k.knobs.prewindowCpuMsPerTask?.[j] ?? k.knobs.prewindowCpuMs ?? undefined;
      const share = k.knobs.cpuSharePerTask?.[j];
      if (pre !== undefined) t.runtimeOffset = pre - setupEnd;
      if (share !== undefined) t.cpuShare = share;
      t.exitAt = runEnd;
      workers.push(t);
      all.push(t);
    }
    // main waits in pthread_join() (it never ticks) and writes its pages again once the workers
    // are done: it takes part in the faults, not in the scans.
    main.access.push(...mainThreadEndTouches(image, runEnd));
    all.push(main);
    procs.push({ mm, vma, workers, stacks });
  }
  const progress = { done: 0, total: nprocs * sizePages };
  if (which === 'numa01') {
    // All threads bzero the memory at once; each 2 MiB goes to whichever thread gets there
    // first, modelled as round-robin over the process's threads.
    for (let off = 0; off < sizePages; off += HPAGE_PMD_NR) {
      for (const pr of procs) {
        const t = pr.workers[(off / HPAGE_PMD_NR) % pr.workers.length]!;
        firstTouch(ctx, pr.vma, off, Math.min(sizePages, off + HPAGE_PMD_NR), t.nid(k), progress);
      }
    }
  } else {
    const pr = procs[0]!;
    pr.workers.forEach((t, i) => {
      const [lo, hi] = range(i);
      if (hi > lo) firstTouch(ctx, pr.vma, lo, hi, t.nid(k), progress);
    });
  }
  for (const pr of procs) {
    pr.workers.forEach((t, i) => {
      const [lo, hi] = range(i);
      if (hi > lo) t.access.push({ vma: pr.vma, lo, hi, rate, phase: Math.floor(random() * (hi - lo)), start: setupEnd, end: runEnd });
    });
  }
  const engine = new BalancingEngine(k, { tasks, slowNodes: ctx.slowNodes }, all, ctx.sampler, { batch: ctx.opts.batchFaults !== false });
  engine.run(0, setupEnd, { signal: ctx.opts.signal });
  ctx.phase('migrate');
  engine.run(setupEnd, runEnd, {
    signal: ctx.opts.signal,
    onProgress: (f) => ctx.opts.onProgress?.({ phase: 'migrate', fraction: f }),
  });
  for (const pr of procs) for (const st of pr.stacks) exitThreadStack(k, st);
}
