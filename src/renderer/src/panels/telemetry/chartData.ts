import type { Series } from '../../../../shared/telemetry/api';
import { describeCounter } from '../../../../shared/telemetry/catalog';
import type { ValueMode } from '../../../../shared/telemetry/format';
import { atReads, downsampleFor, isSlowCounter, medianInterval, modeValues, type SeriesMode } from '../../../../shared/telemetry/series';
import type { LiveStore } from './liveStore';

/** One plotted series, live or stored. */
export interface PlotData {
  name: string;
  mode: ValueMode;
  intervalS?: number;
  t: ArrayLike<number>;
  y: ArrayLike<number | null>;
}

/** One chart row: t plus one value per counter. */
export type Row = { t: number } & Record<string, number | null>;

/**
 * A live series in a window: the lab pushes cumulative increases (counters) and levels (gauges),
 * so 'delta' is the value itself and rates / interval counts are differences of it. One sample
 * before the window is kept so the first interval in it has its value. Counters the sampler reads
 * only every `slowEvery` ticks (per-node, mTHP) are differenced between their reads.
 */
export function livePlot(store: LiveStore, name: string, mode: SeriesMode, domain: [number, number], maxPoints: number, slowEvery = 1): PlotData {
  const times = store.times;
  const kind = describeCounter(name).kind;
  const slow = kind === 'counter' && mode !== 'delta' && slowEvery > 1 && isSlowCounter(name);
  let i0 = lowerBound(times, domain[0]);
  const i1 = upperBound(times, domain[1]);
  i0 = Math.max(0, i0 - (slow ? 2 * slowEvery : 1));
  let t: Float64Array = Float64Array.from(times.slice(i0, i1));
  let v: Float64Array = store.values(name).subarray(i0, i1);
  if (slow) ({ t, v } = atReads(t, v, slowEvery, i0 - store.firstIndex(name)));
  // A live counter is already its increase since the start: 'delta' plots it as it is.
  const { mode: m, y } = kind === 'counter' && mode === 'delta' ? { mode: 'delta' as const, y: Float64Array.from(v) } : modeValues(t, v, kind, mode);
  const intervalS = m === 'interval' ? medianInterval(t) : undefined;
  const d = downsampleFor(m, { x: t, y }, maxPoints);
  return { name, mode: m, intervalS, t: d.x, y: nanToNull(d.y) };
}

export function storedPlot(s: Series, domain: [number, number] | undefined): PlotData {
  if (!domain) return { name: s.name, mode: s.mode, intervalS: s.intervalS, t: s.t, y: s.y };
  let i0 = lowerBound(s.t, domain[0]);
  const i1 = upperBound(s.t, domain[1]);
  if (i0 > 0) i0--;
  return { name: s.name, mode: s.mode, intervalS: s.intervalS, t: s.t.slice(i0, i1), y: s.y.slice(i0, i1) };
}

/** Series with their own times → rows (a series without a point at a time has no key there; lines connect across). */
export function mergeRows(series: PlotData[]): Row[] {
  const byT = new Map<number, Row>();
  for (const s of series) {
    for (let j = 0; j < s.t.length; j++) {
      const t = s.t[j];
      let row = byT.get(t);
      if (!row) byT.set(t, (row = { t } as Row));
      row[s.name] = s.y[j];
    }
  }
  return [...byT.values()].sort((a, b) => a.t - b.t);
}

/** Did a stored series move: a counter's value is non-zero somewhere (any mode), a level changed. */
export function storedMoved(s: Series | undefined): boolean {
  if (!s) return false;
  const ys = s.y.filter((y): y is number => y !== null);
  if (!ys.length) return false;
  if (s.mode === 'value') return ys.some((y) => y !== ys[0]);
  return ys.some((y) => y !== 0);
}

function nanToNull(y: Float64Array): Array<number | null> {
  return Array.from(y, (v) => (Number.isFinite(v) ? v : null));
}

function lowerBound(a: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function upperBound(a: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** About `n` round ticks across [a, b]. */
export function niceTicks(a: number, b: number, n = 6): number[] {
  if (!(b > a)) return [a];
  const raw = (b - a) / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((k) => k * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let t = Math.ceil(a / step) * step; t <= b + 1e-9; t += step) out.push(+t.toFixed(6));
  return out;
}
