import type { LivePoint } from '../../../../shared/telemetry/api';
import { describeCounter } from '../../../../shared/telemetry/catalog';
import { atSampleTimes } from '../../../../shared/telemetry/series';

/**
 * The live run as the view holds it: every frame's time, and per counter only its change points
 * (what the lab pushes: cumulative increase since the run started for counters, the level for
 * gauges). Columns, not rows: a run has ~200 counters and a chart needs a few.
 */
/** Frames kept (1 h at 10 Hz); older ones are dropped in chunks, the stored run keeps them all. */
export const LIVE_KEEP = 36_000;
const DROP = 6_000;

export class LiveStore {
  readonly times: number[] = [];
  private readonly cols = new Map<string, { t: number[]; v: number[] }>();
  /** Bumped on every push, for memoisation. */
  version = 0;

  push(points: LivePoint[]): void {
    for (const p of points) {
      this.times.push(p.t);
      for (const [k, v] of Object.entries(p.v)) {
        let c = this.cols.get(k);
        if (!c) this.cols.set(k, (c = { t: [], v: [] }));
        c.t.push(p.t);
        c.v.push(v);
      }
    }
    if (this.times.length > LIVE_KEEP + DROP) this.trim(this.times.length - LIVE_KEEP);
    this.version++;
  }

  /** Drops the first `n` frames; each counter keeps its value at the new first frame (carried forward). */
  private trim(n: number): void {
    const cut = this.times[n];
    this.times.splice(0, n);
    for (const c of this.cols.values()) {
      let k = 0;
      while (k < c.t.length && c.t[k] < cut) k++;
      if (k === 0) continue;
      const atCut = c.t[k] === cut;
      const v = c.v[k - 1];
      c.t.splice(0, k);
      c.v.splice(0, k);
      if (!atCut) {
        c.t.unshift(cut);
        c.v.unshift(v);
      }
    }
  }

  clear(): void {
    this.times.length = 0;
    this.cols.clear();
    this.version++;
  }

  get samples(): number {
    return this.times.length;
  }

  get lastT(): number | undefined {
    return this.times[this.times.length - 1];
  }

  names(): string[] {
    return [...this.cols.keys()].sort();
  }

  has(name: string): boolean {
    return this.cols.has(name);
  }

  /** The value at every frame time (NaN before the counter's first point). */
  values(name: string): Float64Array {
    const c = this.cols.get(name);
    if (!c) return new Float64Array(this.times.length).fill(Number.NaN);
    return atSampleTimes(this.times, c.t, c.v);
  }

  /** The tick index of a counter's first point (slow counters are read at it and every few ticks after). */
  firstIndex(name: string): number {
    const c = this.cols.get(name);
    if (!c || !c.t.length) return 0;
    const t0 = c.t[0];
    let lo = 0;
    let hi = this.times.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.times[mid] < t0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** A counter moved when it increased at all; a level when it changed. */
  moved(name: string): boolean {
    const c = this.cols.get(name);
    if (!c || !c.v.length) return false;
    if (describeCounter(name).kind === 'counter') return c.v[c.v.length - 1] > 0;
    return c.v.some((v) => v !== c.v[0]);
  }
}
