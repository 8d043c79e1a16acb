/**
 * Drives NUMA balancing over simulated time: every scheduler tick runs task_tick_numa() for
 * each running task (and task_numa_work() when it fires); the entries a scan made prot-none
 * fault when the workload's sweep first reaches them, in time order, through
 * do_numa_page()/do_huge_pmd_numa_page().
 *
 * Access model: each task sweeps its range [lo, hi) of a VMA cyclically at `rate` pages/ms
 * from `phase`. The first task whose sweep reaches a prot-none entry takes the fault; once the
 * entry is restored or migrated, later touches before the next scan are free.
 */
import { HPAGE_PMD_NR } from './constants';
import { MinHeap } from './heap';
import type { Kernel } from './kernel';
import { SimCancelled } from './kernel';
import { doHugePmdNumaPage, doNumaPage } from './numa_fault';
import type { NumaFaultEnv } from './numa_fault';
import { taskNumaWork } from './numa_scan';
import type { ProtNoneEntry } from './numa_scan';
import type { Sampler } from './sampler';
import type { Task } from './sched_numa';
import { taskTickNuma } from './sched_numa';

export interface RunControl {
  signal?: { aborted: boolean };
  /** fraction done in [0, 1] */
  onProgress?: (fraction: number) => void;
}

interface PendingFault {
  task: Task;
  entry: ProtNoneEntry;
}

/** When does a task's sweep first touch pages [x, x+w) of the VMA at or after time ts? */
function firstTouch(task: Task, entry: ProtNoneEntry, ts: number): number {
  let best = Infinity;
  const off = entry.slot.index * HPAGE_PMD_NR + (entry.idx < 0 ? 0 : entry.idx);
  const w = entry.idx < 0 ? HPAGE_PMD_NR : 1;
  for (const a of task.access) {
    if (a.vma !== entry.slot.vma || ts >= a.end) continue;
    const x = Math.max(off, a.lo);
    const xe = Math.min(off + w, a.hi);
    if (x >= xe) continue;
    const L = a.hi - a.lo;
    const t0 = Math.max(ts, a.start);
    const pos = a.lo + ((((a.phase + a.rate * (t0 - a.start)) % L) + L) % L);
    let d: number;
    if (pos >= x && pos < xe) d = 0;
    else d = (((x - pos) % L) + L) % L;
    const t = t0 + d / a.rate;
    if (t < a.end && t < best) best = t;
  }
  return best;
}

export class BalancingEngine {
  private readonly faults = new MinHeap<PendingFault>();

  constructor(
    private readonly k: Kernel,
    private readonly env: NumaFaultEnv,
    private readonly tasks: Task[],
    private readonly sampler: Sampler,
  ) {}

  private schedule(entries: ProtNoneEntry[], ts: number): void {
    for (const e of entries) {
      let best = Infinity;
      let who: Task | null = null;
      for (const t of this.tasks) {
        if (!t.access.length) continue;
        const when = firstTouch(t, e, ts);
        if (when < best) {
          best = when;
          who = t;
        }
      }
      if (who) this.faults.push(best, { task: who, entry: e });
    }
  }

  private handle(f: PendingFault): void {
    const { slot, idx } = f.entry;
    if (idx < 0) {
      if (slot.thp && slot.protnone) doHugePmdNumaPage(this.k, this.env, f.task, slot);
    } else if (slot.pt && slot.pt.protnone[idx]) {
      doNumaPage(this.k, this.env, f.task, slot, idx);
    }
  }

  private drainUntil(tMs: number): void {
    while (this.faults.size && this.faults.peekKey() < tMs) {
      const t = this.faults.peekKey();
      const f = this.faults.pop()!;
      this.k.now = t;
      this.sampler.advanceTo(t);
      this.handle(f);
    }
  }

  /** Run ticks in (fromMs, toMs]; faults strictly before toMs are handled. */
  run(fromMs: number, toMs: number, ctl: RunControl = {}): void {
    const k = this.k;
    const hz = k.knobs.hz;
    const j0 = k.jiffies(fromMs) + 1;
    const j1 = k.jiffies(toMs);
    const balancing = (k.knobs.numaBalancing & 3) !== 0;
    let n = 0;
    for (let j = j0; j <= j1; j++) {
      const tick = (j * 1000) / hz;
      this.drainUntil(tick);
      k.now = tick;
      this.sampler.advanceTo(tick);
      if (balancing) {
        for (const t of this.tasks) {
          if (tick < t.runStart || tick >= t.exitAt) continue;
          if (taskTickNuma(k, t, tick)) {
            const entries = taskNumaWork(k, this.env.tasks, t);
            if (entries.length) {
              // By the task's CPU time: that is what decides whether a scan falls in a window.
              const cpuMs = t.runtime(tick);
              k.event('numa_scan', `task_numa_work() of task ${t.pid} at ${(cpuMs / 1000).toFixed(3)} s of its CPU time: ${entries.length} entries made prot-none`, { pid: t.pid, cpuMs, entries: entries.length });
              this.schedule(entries, tick);
            }
          }
        }
      }
      if ((++n & 255) === 0) {
        if (ctl.signal?.aborted) throw new SimCancelled();
        ctl.onProgress?.((tick - fromMs) / Math.max(1, toMs - fromMs));
      }
    }
    this.drainUntil(toMs);
    k.now = toMs;
  }
}
