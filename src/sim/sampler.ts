import type { Kernel } from './kernel';

/** Predicted cumulative counter series: value at each requested sample time (seconds). */
export interface CounterSeries {
  t: number[];
  counters: Record<string, number[]>;
}

/** Records cumulative counters (since the run's start) as simulated time passes the sample times. */
export class Sampler {
  private next = 0;
  private readonly rows: Record<string, number>[] = [];
  private readonly times: number[];
  constructor(
    private readonly k: Kernel,
    sampleTimes: number[] | undefined,
  ) {
    this.times = [...(sampleTimes ?? [])].filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  }

  /** Call before anything at time `tMs` happens: samples strictly before it are taken now. */
  advanceTo(tMs: number): void {
    while (this.next < this.times.length && this.times[this.next]! * 1000 < tMs) {
      this.rows.push(this.k.vmstat.snapshot());
      this.next++;
    }
  }

  /** Time (ms) of the next sample still to take; Infinity when none is left. */
  nextSampleMs(): number {
    return this.next < this.times.length ? this.times[this.next]! * 1000 : Infinity;
  }

  /** End of the run: every remaining sample sees the final counters. */
  finish(): CounterSeries {
    this.advanceTo(Infinity);
    const counters: Record<string, number[]> = {};
    for (const row of this.rows) for (const key of Object.keys(row)) counters[key] = [];
    for (const key of Object.keys(counters)) counters[key] = this.rows.map((r) => r[key] ?? 0);
    return { t: this.times, counters };
  }
}
