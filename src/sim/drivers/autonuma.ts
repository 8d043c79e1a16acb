/**
 * numa01 and numa02, reimplemented from the autonuma-benchmark description:
 * - numa01: 2 processes, `threads` threads each; every thread bzeroes the whole `size_mib` of
 *   its process `loops` times (false sharing between nodes). Threads are spread so that each
 *   process has threads on every node.
 * - numa02: 1 process, `threads` threads, each bzeroing only its own slice `loops` times.
 * The first touch (phase `setup`) is spread over the threads of each process, 2 MiB at a time,
 * for numa01, and made by each thread for its own slice for numa02. A thread's sweep runs at sim.bzero_mib_per_sec.
 * Not modelled: the scheduler moving threads between nodes.
 */
import { BalancingEngine } from '../balancing';
import { HPAGE_PMD_NR, MIB_PAGES } from '../constants';
import { handleAnonWriteFault } from '../fault';
import { Mm } from '../mm';
import type { Vma } from '../mm';
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

function firstTouch(ctx: DriverCtx, vma: Vma, lo: number, hi: number, nid: number): void {
  for (let off = lo; off < hi; off++) {
    if ((off & 0xffff) === 0) checkCancel(ctx.opts);
    handleAnonWriteFault(ctx.k, { nid }, vma, vma.start + off, false);
  }
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
  ctx.phase('setup');
  let setupEnd = 0;
  let runEnd = 0;
  if (which === 'numa01') {
    const threads = Number(params.threads) || Math.max(1, Math.floor(nrCpus / 2));
    const procs: { mm: Mm; vma: Vma; tasks: Task[] }[] = [];
    for (let p = 0; p < 2; p++) {
      const mm = new Mm(p + 1);
      ctx.mms.push(mm);
      const vma = mm.mmapAnon(sizePages, advice);
      const ts: Task[] = [];
      for (let i = 0; i < threads; i++) {
        const t = new Task(pid++, mm, cpus[(i + p * threads) % nrCpus]!, k);
        tasks.add(t);
        ts.push(t);
        all.push(t);
      }
      procs.push({ mm, vma, tasks: ts });
    }
    // All threads bzero the memory at once; each 2 MiB goes to whichever thread gets there
    // first, modelled as round-robin over the process's threads.
    for (let off = 0; off < sizePages; off += HPAGE_PMD_NR) {
      for (const pr of procs) {
        const t = pr.tasks[(off / HPAGE_PMD_NR) % pr.tasks.length]!;
        firstTouch(ctx, pr.vma, off, Math.min(sizePages, off + HPAGE_PMD_NR), t.nid(k));
      }
    }
    setupEnd = sizePages / rate;
    runEnd = setupEnd + (loops * sizePages) / rate;
    for (const pr of procs) {
      for (const t of pr.tasks) {
        t.access = [{ vma: pr.vma, lo: 0, hi: sizePages, rate, phase: Math.floor(random() * sizePages), start: setupEnd, end: runEnd }];
        t.exitAt = runEnd;
      }
    }
  } else {
    const threads = Number(params.threads) || nrCpus;
    const mm = new Mm(1);
    ctx.mms.push(mm);
    const vma = mm.mmapAnon(sizePages, advice);
    const slice = Math.max(1, Math.floor(sizePages / threads / HPAGE_PMD_NR)) * HPAGE_PMD_NR;
    for (let i = 0; i < threads; i++) {
      const t = new Task(pid++, mm, cpus[i % nrCpus]!, k);
      tasks.add(t);
      all.push(t);
      const lo = Math.min(sizePages, i * slice);
      const hi = i === threads - 1 ? sizePages : Math.min(sizePages, (i + 1) * slice);
      if (hi > lo) firstTouch(ctx, vma, lo, hi, t.nid(k));
    }
    setupEnd = slice / rate;
    runEnd = setupEnd + (loops * slice) / rate;
    all.forEach((t, i) => {
      const lo = Math.min(sizePages, i * slice);
      const hi = i === threads - 1 ? sizePages : Math.min(sizePages, (i + 1) * slice);
      if (hi > lo) t.access = [{ vma, lo, hi, rate, phase: Math.floor(random() * (hi - lo)), start: setupEnd, end: runEnd }];
      t.exitAt = runEnd;
    });
  }
  const engine = new BalancingEngine(k, { tasks, slowNodes: ctx.slowNodes }, all, ctx.sampler);
  engine.run(0, setupEnd, { signal: ctx.opts.signal });
  ctx.phase('migrate');
  engine.run(setupEnd, runEnd, {
    signal: ctx.opts.signal,
    onProgress: (f) => ctx.opts.onProgress?.({ phase: 'migrate', fraction: f }),
  });
}
