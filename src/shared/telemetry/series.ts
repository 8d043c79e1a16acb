import type { CounterKind } from './catalog';
import { lttb, minMaxBuckets, type XY } from './downsample';

/**
 * From stored values to what a chart plots. The store keeps a counter's value only when it
 * changed; `atSampleTimes` rebuilds the full state at every sample time (carry forward).
 *
 * Counter semantics (PCP's "counter" vs "instant"):
 * - counter, mode 'delta': cumulative increase since the run's first sample;
 * - counter, mode 'rate': increase per second over each sample interval;
 * - gauge: the level itself, whatever the mode (a rate of MemFree is not what anyone asked).
 * A counter that goes backwards was reset (host rebooted, module reloaded): the increase over
 * that interval is taken as the new value (it restarted from 0), never a negative rate.
 */

export type SeriesMode = 'rate' | 'delta';
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
  const plotMode: PlotMode = kind === 'gauge' ? 'value' : mode;
  const y = plotMode === 'value' ? values : plotMode === 'delta' ? cumulativeDelta(values) : ratePerSecond(tSeconds, values);
  const full: XY = { x: tSeconds, y };
  if (full.x.length <= maxPoints) return { mode: plotMode, x: full.x, y: full.y, downsampled: 'none' };
  // Rates and gauges: keep the extremes (spikes matter). Deltas are monotonic: LTTB keeps the shape.
  if (plotMode === 'delta') {
    const d = lttb(full, maxPoints);
    return { mode: plotMode, x: d.x, y: d.y, downsampled: 'lttb' };
  }
  const d = minMaxBuckets(full, maxPoints);
  return { mode: plotMode, x: d.x, y: d.y, downsampled: 'minmax' };
}
