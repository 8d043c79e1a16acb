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
import { HPAGE_PMD_NR, NUMA_NO_NODE } from './constants';
import { MinHeap } from './heap';
import type { Kernel } from './kernel';
import { SimCancelled } from './kernel';
import type { PteTable, Vma } from './mm';
import { PTE_PAGE } from './mm';
import { doHugePmdNumaPage, doNumaPage } from './numa_fault';
import type { NumaFaultEnv } from './numa_fault';
import { NOT_STEADY, doNumaPagesSteady, misplacedBasePageTrace, steadyNumaPageTarget } from './numa_fault_batch';
import { taskNumaWork } from './numa_scan';
import type { ProtNoneEntry, ProtNoneRun, ProtNoneSet } from './numa_scan';
import type { Sampler } from './sampler';
import type { AccessPattern, Task } from './sched_numa';
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

/**
 * Base pages of one scan extent that one task's sweep (one access pattern) reaches first, in
 * address order, which is also time order: the sweep's position at the scan and its start time
 * are kept so that each page's touch time is computed exactly as firstTouchOf() computes it.
 */
interface PendingRun {
  task: Task;
  a: AccessPattern;
  vma: Vma;
  /** Next page offset in the VMA to fault, and the extent's end. */
  x: number;
  hi: number;
  t0: number;
  pos: number;
  /** Time of page x (Infinity once x = hi). */
  nextTime: number;
  /** Tie order of page x: its place in the scans' order. */
  seqAt0: number;
}

/** Identical steady prot-none base pages [i0, i1) of one page table, at VMA offset `off`. */
interface SteadyGroup {
  pt: PteTable;
  i0: number;
  i1: number;
  nid: number;
  last: number;
  off: number;
  target: number;
}

function runSeq(r: PendingRun): number {
  return r.seqAt0 + r.x;
}

/** Where a task's sweep `a` is at time ts: firstTouchOf()'s t0 and pos. */
function sweepAt(a: AccessPattern, ts: number): { t0: number; pos: number } {
  const L = a.hi - a.lo;
  const t0 = Math.max(ts, a.start);
  return { t0, pos: a.lo + ((((a.phase + a.rate * (t0 - a.start)) % L) + L) % L) };
}

/** When a sweep at (t0, pos) first touches pages [x, xe): at once when it is in them now. */
function touchTime(a: AccessPattern, t0: number, pos: number, x: number, xe = x + 1): number {
  const L = a.hi - a.lo;
  const d = pos >= x && pos < xe ? 0 : (((x - pos) % L) + L) % L;
  return t0 + d / a.rate;
}

/** When a task's sweep first touches pages [off, off+w) of the VMA at or after ts, and which of its sweeps does. */
function firstTouchOf(task: Task, vma: Vma, off: number, w: number, ts: number): { time: number; a: AccessPattern | null } {
  let best = Infinity;
  let by: AccessPattern | null = null;
  for (const a of task.access) {
    if (a.vma !== vma || ts >= a.end) continue;
    const x = Math.max(off, a.lo);
    const xe = Math.min(off + w, a.hi);
    if (x >= xe) continue;
    const { t0, pos } = sweepAt(a, ts);
    const t = touchTime(a, t0, pos, x, xe);
    if (t < a.end && t < best) {
      best = t;
      by = a;
    }
  }
  return { time: best, a: by };
}

/** Kernel.jiffies() rounds up within 1e-9 of a jiffy; a margin beyond that, in ms. */
const JIFFY_EDGE_MS = 1e-6;

export interface BalancingOptions {
  /**
   * Fault steady base pages extent by extent (numa_fault_batch.ts). Off, every hint fault takes
   * the per-page path in time order: the reference the batched engine is tested against.
   */
  batch?: boolean;
}

export class BalancingEngine {
  /** PMD faults and PTE-mapped large folios, one entry each. */
  private readonly faults = new MinHeap<PendingFault>();
  /** Base-page extents. */
  private runs: PendingRun[] = [];
  private readonly batch: boolean;
  private steps = 0;
  /** Scans' order so far: entries of later scans come after those of earlier ones at equal times. */
  private seqBase = 0;

  constructor(
    private readonly k: Kernel,
    private readonly env: NumaFaultEnv,
    private readonly tasks: Task[],
    private readonly sampler: Sampler,
    opts: BalancingOptions = {},
  ) {
    this.batch = opts.batch ?? true;
  }

  /** The task (and its sweep) that touches pages [off, off+w) first after ts: the first of equals, in task order. */
  private winnerAt(vma: Vma, off: number, ts: number, w = 1): { task: Task; a: AccessPattern; time: number } | null {
    let best = Infinity;
    let who: { task: Task; a: AccessPattern; time: number } | null = null;
    for (const t of this.tasks) {
      if (!t.access.length) continue;
      const r = firstTouchOf(t, vma, off, w, ts);
      if (r.time < best) {
        best = r.time;
        who = { task: t, a: r.a!, time: r.time };
      }
    }
    return who;
  }

  private schedule(set: ProtNoneSet, ts: number): void {
    for (const e of set.entries) {
      // A PMD is touched when any of its 512 pages is.
      const pmd = e.idx < 0;
      const who = this.winnerAt(e.slot.vma, e.slot.index * HPAGE_PMD_NR + (pmd ? 0 : e.idx), ts, pmd ? HPAGE_PMD_NR : 1);
      if (who) this.faults.push(who.time, { task: who.task, entry: e }, this.seqBase + e.order!);
    }
    for (const r of set.runs) this.scheduleRun(r, ts);
    this.seqBase += set.count;
  }

  /**
   * Split an extent into pieces with one first toucher each. Every sweep's touch time rises
   * with the address except where the sweep is now (it wraps there) and at its range's ends, so
   * between those points the earliest of them changes at most where two lines cross: the winner
   * is read at both ends of a piece and the piece halved until they agree.
   */
  private scheduleRun(r: ProtNoneRun, ts: number): void {
    const cuts = new Set<number>([r.lo, r.hi]);
    for (const t of this.tasks) {
      for (const a of t.access) {
        if (a.vma !== r.vma || ts >= a.end) continue;
        const { pos } = sweepAt(a, ts);
        for (const x of [a.lo, a.hi, Math.floor(pos), Math.floor(pos) + 1]) if (x > r.lo && x < r.hi) cuts.add(x);
      }
    }
    const points = [...cuts].sort((x, y) => x - y);
    // Page x of the extent has scan order r.order + (x - r.lo).
    const seqAt0 = this.seqBase + r.order - r.lo;
    for (let i = 0; i + 1 < points.length; i++) this.schedulePiece(r.vma, points[i]!, points[i + 1]!, ts, seqAt0);
  }

  private schedulePiece(vma: Vma, lo: number, hi: number, ts: number, seqAt0: number): void {
    const first = this.winnerAt(vma, lo, ts);
    const last = hi - lo > 1 ? this.winnerAt(vma, hi - 1, ts) : first;
    const same = first === null ? last === null : last !== null && first.task === last.task && first.a === last.a;
    if (!same) {
      const mid = lo + Math.floor((hi - lo) / 2);
      this.schedulePiece(vma, lo, mid, ts, seqAt0);
      this.schedulePiece(vma, mid, hi, ts, seqAt0);
      return;
    }
    if (!first) return;
    const { t0, pos } = sweepAt(first.a, ts);
    this.runs.push({ task: first.task, a: first.a, vma, x: lo, hi, t0, pos, nextTime: first.time, seqAt0 });
  }

  private handle(f: PendingFault): void {
    const { slot, idx } = f.entry;
    if (idx < 0) {
      if (slot.thp && slot.protnone) doHugePmdNumaPage(this.k, this.env, f.task, slot);
    } else if (slot.pt && slot.pt.protnone[idx]) {
      doNumaPage(this.k, this.env, f.task, slot, idx);
    }
  }

  /** The run whose next page comes first (the first of equals), or null. */
  private earliestRun(): PendingRun | null {
    let best: PendingRun | null = null;
    for (const r of this.runs) if (!best || r.nextTime < best.nextTime || (r.nextTime === best.nextTime && runSeq(r) < runSeq(best))) best = r;
    return best;
  }

  /** Fault the next page of a run through the per-page path, at its time. */
  private stepRun(r: PendingRun): void {
    const t = r.nextTime;
    this.k.now = t;
    this.sampler.advanceTo(t);
    const slot = r.vma.slots[Math.floor(r.x / HPAGE_PMD_NR)]!;
    const idx = r.x % HPAGE_PMD_NR;
    if (slot.pt && slot.pt.protnone[idx]) doNumaPage(this.k, this.env, r.task, slot, idx);
    this.advance(r, r.x + 1);
  }

  private advance(r: PendingRun, x: number): void {
    r.x = x;
    r.nextTime = x < r.hi ? touchTime(r.a, r.t0, r.pos, x) : Infinity;
  }

  /** The first page of a run at or after T (its touch times rise with the address). */
  private endBefore(r: PendingRun, T: number): number {
    if (r.nextTime >= T) return r.x;
    let lo = r.x + 1;
    let hi = r.hi;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (touchTime(r.a, r.t0, r.pos, mid) < T) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Visit the pages [from, to) of a run as groups of identical prot-none base pages within one page table. */
  private forEachGroup(r: PendingRun, from: number, to: number, fn: (pt: PteTable, i0: number, i1: number, nid: number, last: number, off: number) => boolean): void {
    let x = from;
    while (x < to) {
      const slot = r.vma.slots[Math.floor(x / HPAGE_PMD_NR)]!;
      const base = slot.index * HPAGE_PMD_NR;
      const end = Math.min(to, base + HPAGE_PMD_NR) - base;
      const pt = slot.pt;
      let i = x - base;
      if (!pt) {
        x = base + end;
        continue;
      }
      const { protnone, nid: nids, cpupid, kind, isolated } = pt;
      while (i < end) {
        if (!protnone[i]) {
          i++;
          continue;
        }
        const nid = nids[i]!;
        const last = cpupid[i]!;
        const plain = kind[i] === PTE_PAGE && !isolated[i];
        let j = i + 1;
        if (plain) while (j < end && protnone[j] && nids[j] === nid && cpupid[j] === last && kind[j] === PTE_PAGE && !isolated[j]) j++;
        if (!fn(pt, i, plain ? j : -1, nid, last, base + i)) return;
        i = j;
      }
      x = base + end;
    }
  }

  /**
   * Hint faults before tMs. Entries and pages that change what later faults decide are taken one
   * at a time in time order; between them, steady base pages are faulted extent by extent
   * (numa_fault_batch.ts), which is what they would have done one by one.
   */
  private drainUntil(tMs: number): void {
    const k = this.k;
    for (;;) {
      // Steady pages are judged at the current jiffy: those within jiffies()'s rounding of the
      // next tick are left to the per-page path, which reads the clock at each fault.
      if (this.batch && this.runs.length) this.faultSteadyBefore(Math.min(tMs - JIFFY_EDGE_MS, this.faults.peekKey(), this.sampler.nextSampleMs()));
      const r = this.earliestRun();
      const tRun = r ? r.nextTime : Infinity;
      const tOne = this.faults.peekKey();
      if (Math.min(tRun, tOne) >= tMs) break;
      if (tOne < tRun || (tOne === tRun && this.faults.peekSeq() < runSeq(r!))) {
        const t = this.faults.peekKey();
        const f = this.faults.pop()!;
        k.now = t;
        this.sampler.advanceTo(t);
        this.handle(f);
      } else this.stepRun(r!);
      if ((++this.steps & 255) === 0) this.runs = this.runs.filter((x) => x.x < x.hi);
    }
    this.runs = this.runs.filter((x) => x.x < x.hi);
  }

  /**
   * Fault every steady page of every run before `limit` and before the first page that is not
   * steady (which the caller then takes through the per-page path).
   */
  private faultSteadyBefore(limit: number): void {
    const k = this.k;
    const env = this.env;
    let T = limit;
    // Pass one: where each run stops being steady, and its steady groups up to there.
    const groups = new Map<PendingRun, SteadyGroup[]>();
    const scan = (r: PendingRun): void => {
      if (r.nextTime >= T) return;
      const list: SteadyGroup[] = [];
      groups.set(r, list);
      this.forEachGroup(r, r.x, this.endBefore(r, T), (pt, i0, i1, nid, last, off) => {
        const target = i1 >= 0 ? steadyNumaPageTarget(k, env, r.task, nid, last) : NOT_STEADY;
        if (target !== NOT_STEADY) {
          list.push({ pt, i0, i1, nid, last, off, target });
          return true;
        }
        T = Math.min(T, touchTime(r.a, r.t0, r.pos, off));
        return false;
      });
    };
    // The earliest page first: while the trace fills, it is often a migration taken alone.
    const head = this.earliestRun();
    if (!head) return;
    scan(head);
    if (T <= head.nextTime) return;
    for (const r of this.runs) if (r !== head) scan(r);
    let total = 0;
    const ends = new Map<PendingRun, number>();
    for (const r of groups.keys()) {
      const end = this.endBefore(r, T);
      ends.set(r, end);
      total += end - r.x;
    }
    if (!total) return;
    // Migrations into a node pass migrate_balanced_pgdat() in any order only with room for all of them.
    for (const id of k.nodeIds()) {
      const n = k.node(id);
      if (n.freePages - total - 1 < n.wmarkHigh) return;
    }
    // Pass two: fault them. Nothing a steady fault changes alters another's decision; only the
    // tracepoint records of their migrations, while the trace has room, are put in time order.
    const room = Math.max(0, k.traceLimit - k.trace.length);
    const migrated: Array<{ r: PendingRun; xs: number[] }> = [];
    let nrMigrated = 0;
    let tLast = -Infinity;
    for (const [r, list] of groups) {
      const end = ends.get(r)!;
      if (end <= r.x) continue;
      // Pages of one run migrate in time order: only its first `room` can be among the records kept.
      const xs: number[] = [];
      for (const g of list) {
        if (g.off >= end) break;
        const i1 = Math.min(g.i1, g.i0 + (end - g.off));
        const traced = room > 0 && g.target !== NUMA_NO_NODE;
        if (traced) {
          nrMigrated += i1 - g.i0;
          for (let x = g.off; x < g.off + (i1 - g.i0) && xs.length < room; x++) xs.push(x);
        }
        doNumaPagesSteady(k, env, r.task, r.vma, g.pt, g.i0, i1, g.nid, g.last, g.target, traced);
      }
      if (xs.length) migrated.push({ r, xs });
      tLast = Math.max(tLast, touchTime(r.a, r.t0, r.pos, end - 1));
      this.advance(r, end);
    }
    if (nrMigrated) this.recordMigrations(migrated, room, nrMigrated);
    k.now = tLast;
  }


  /**
   * The mm_migrate_pages records of batched migrations, `total` in all: the first `room` in the
   * order the per-page path takes them (time, then scan order), merged from the runs' own
   * time-ordered lists; the rest count as dropped, as they would beyond the trace's limit.
   */
  private recordMigrations(lists: Array<{ r: PendingRun; xs: number[] }>, room: number, total: number): void {
    const k = this.k;
    const heads = new MinHeap<{ r: PendingRun; xs: number[]; at: number }>();
    const push = (h: { r: PendingRun; xs: number[]; at: number }) => {
      if (h.at < h.xs.length) heads.push(touchTime(h.r.a, h.r.t0, h.r.pos, h.xs[h.at]!), h, h.r.seqAt0 + h.xs[h.at]!);
    };
    for (const { r, xs } of lists) push({ r, xs, at: 0 });
    let kept = 0;
    for (; kept < room && heads.size; kept++) {
      const t = heads.peekKey();
      const h = heads.pop()!;
      k.recordTrace(misplacedBasePageTrace(k, t));
      h.at++;
      push(h);
    }
    k.traceDropped += total - kept;
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
            if (entries.count) {
              // By the task's CPU time: that is what decides whether a scan falls in a window.
              const cpuMs = t.runtime(tick);
              k.event('numa_scan', `task_numa_work() of task ${t.pid} at ${(cpuMs / 1000).toFixed(3)} s of its CPU time: ${entries.count} entries made prot-none`, { pid: t.pid, cpuMs, entries: entries.count });
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
