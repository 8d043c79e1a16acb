import type { CounterKind } from './catalog';
import { lttb, minMaxBuckets, type XY } from './downsample';

/**
 * From stored values to what a chart plots. The store keeps a counter's value only when it
 * changed; `atSampleTimes` rebuilds the full state at every sample time (carry forward).
 *
 * Counter semantics (PCP's "counter" vs "instant"):
 * - counter, mode 'delta': cumulative increase since the run's first sample;
 * - counter, mode 'rate': increase per second over each sample interval;
 * - counter, mode 'interval': increase over each sample interval, as a count (one THP split in a
 *   100 ms interval is 1, not a "10 thps/s" spike);
 * - gauge: the level itself, whatever the mode (a rate of MemFree is not what anyone asked).
 * A counter that goes backwards was reset (host rebooted, module reloaded): the increase over
 * that interval is taken as the new value (it restarted from 0), never a negative rate.
 */

export type SeriesMode = 'rate' | 'delta' | 'interval';
export type PlotMode = SeriesMode | 'value';

/** Values at each of `times` (sorted), from change points `(ct, cv)` (sorted; NaN = absent from then on). */
export function atSampleTimes(times: ArrayLike<number>, ct: ArrayLike<number>, cv: ArrayLike<number>): Float64Array {
  const out = new Float64Array(times.length);
  let j = 0;
  let cur = Number.NaN;
  for (let i = 0; i < times.length; i++) {
    while (j < ct.length && ct[j] <= times[i]) cur = cv[j++];
    out[i] = cur;
  }
  return out;
}

/** Cumulative increase since the first present value, resets folded in. */
export function cumulativeDelta(v: ArrayLike<number>): Float64Array {
  const out = new Float64Array(v.length);
  let base = Number.NaN;
  let prev = Number.NaN;
  let acc = 0;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (Number.isNaN(x)) {
      out[i] = Number.NaN;
      continue;
    }
    if (Number.isNaN(base)) base = prev = x;
    acc += x >= prev ? x - prev : x; // a reset: it restarted from 0
    prev = x;
    out[i] = acc;
  }
  return out;
}

/** Increase per second over each interval, the value placed at the interval's end (first point NaN). */
export function ratePerSecond(tSeconds: ArrayLike<number>, v: ArrayLike<number>): Float64Array {
  const out = new Float64Array(v.length);
  out[0] = Number.NaN;
  for (let i = 1; i < v.length; i++) {
    const dt = tSeconds[i] - tSeconds[i - 1];
    const a = v[i - 1];
    const b = v[i];
    if (!(dt > 0) || Number.isNaN(a) || Number.isNaN(b)) out[i] = Number.NaN;
    else out[i] = (b >= a ? b - a : b) / dt;
  }
  return out;
}

/** Increase over each interval, as a count, the value placed at the interval's end (first point NaN). */
export function perInterval(v: ArrayLike<number>): Float64Array {
  const out = new Float64Array(v.length);
  if (v.length) out[0] = Number.NaN;
  for (let i = 1; i < v.length; i++) {
    const a = v[i - 1];
    const b = v[i];
    out[i] = Number.isNaN(a) || Number.isNaN(b) ? Number.NaN : b >= a ? b - a : b;
  }
  return out;
}

/** Full-resolution values → what a mode plots (gauges: the level whatever the mode). */
export function modeValues(tSeconds: ArrayLike<number>, values: ArrayLike<number>, kind: CounterKind, mode: SeriesMode): { mode: PlotMode; y: Float64Array } {
  if (kind === 'gauge') return { mode: 'value', y: Float64Array.from(values) };
  if (mode === 'delta') return { mode, y: cumulativeDelta(values) };
  if (mode === 'interval') return { mode, y: perInterval(values) };
  return { mode, y: ratePerSecond(tSeconds, values) };
}

/** The typical sample interval (median of the gaps), seconds; undefined under two samples. */
export function medianInterval(tSeconds: ArrayLike<number>): number | undefined {
  if (tSeconds.length < 2) return undefined;
  const gaps: number[] = [];
  const step = Math.max(1, Math.floor(tSeconds.length / 200));
  for (let i = step; i < tSeconds.length; i += step) gaps.push((tSeconds[i] - tSeconds[i - step]) / step);
  gaps.sort((a, b) => a - b);
  return gaps[Math.floor(gaps.length / 2)];
}

/**
 * Counters the sampler reads only every few ticks (per-node numastat and meminfo, mTHP stats;
 * `slowEvery` ticks, every 2 s). Between reads their stored value is carried
 * forward, so a rate or an interval count over one tick would put two seconds of increase into
 * 100 ms (a false spike): they are computed between their reads only.
 */
export function isSlowCounter(name: string): boolean {
  return /^(numastat|meminfo)\.node\d+\.|^mthp\./.test(name);
}

/**
 * Ticks between reads of the per-node and mTHP files at a sampling rate: every 2 s. Both
 * samplers are started with it and the charts difference by it. They are ~170 files (9 mTHP
 * sizes × ~18 stats, plus numastat and meminfo per node) and cost about as much as the whole
 * 10 Hz vmstat loop; their values (levels, slow counters) do not need more.
 */
export function slowEvery(rateHz: number): number {
  return Math.max(1, Math.round(rateHz * 2));
}

/** The points at read ticks: indices i with (i + offset) % every === 0 (offset: the index of the first point in the run's ticks). */
export function atReads(t: ArrayLike<number>, v: ArrayLike<number>, every: number, offset: number): { t: Float64Array; v: Float64Array } {
  if (every <= 1) return { t: Float64Array.from(t), v: Float64Array.from(v) };
  const first = (((every - (offset % every)) % every) + every) % every;
  const n = first < t.length ? Math.floor((t.length - 1 - first) / every) + 1 : 0;
  const ot = new Float64Array(n);
  const ov = new Float64Array(n);
  for (let k = 0, i = first; k < n; k++, i += every) {
    ot[k] = t[i];
    ov[k] = v[i];
  }
  return { t: ot, v: ov };
}

/** Indices where a counter went backwards: the reset events. */
export function resetIndices(v: ArrayLike<number>): number[] {
  const out: number[] = [];
  let prev = Number.NaN;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (Number.isNaN(x)) continue;
    if (!Number.isNaN(prev) && x < prev) out.push(i);
    prev = x;
  }
  return out;
}

export interface PlotSeries {
  mode: PlotMode;
  /** Seconds since the run's first sample. */
  x: Float64Array;
  y: Float64Array;
  downsampled: 'none' | 'lttb' | 'minmax';
}

/** Full-resolution values → the plotted series, downsampled to at most maxPoints. */
export function plotSeries(tSeconds: Float64Array, values: Float64Array, kind: CounterKind, mode: SeriesMode, maxPoints: number): PlotSeries {
  const { mode: plotMode, y } = modeValues(tSeconds, values, kind, mode);
  return { mode: plotMode, ...downsampleFor(plotMode, { x: tSeconds, y }, maxPoints) };
}

/**
 * At most maxPoints of a plotted series. Rates, interval counts and gauges: keep the extremes
 * (spikes matter; an interval count stays the count of one sample interval, the largest and
 * smallest of each bucket). Deltas are monotonic: LTTB keeps the shape.
 */
export function downsampleFor(mode: PlotMode, full: XY, maxPoints: number): XY & { downsampled: 'none' | 'lttb' | 'minmax' } {
  if (full.x.length <= maxPoints) return { ...full, downsampled: 'none' };
  if (mode === 'delta') return { ...lttb(full, maxPoints), downsampled: 'lttb' };
  return { ...minMaxBuckets(full, maxPoints), downsampled: 'minmax' };
}
