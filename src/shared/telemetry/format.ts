import type { CounterUnit } from './catalog';
import type { PlotMode } from './series';

/**
 * The one number-and-unit formatter of the telemetry views (titles, axes, tooltips), so every
 * place says the same thing: `120 allocations/s`, `3 pmds per 100 ms interval`, `1.25M pages`.
 */

/** How a series is plotted: a per-second rate, a count per sample interval, the increase since the run started, or a level (gauges). */
export type ValueMode = PlotMode;

/** Readable unit names (the catalog's units are already plural nouns; 'unknown' is said as such). */
function unitWord(unit: CounterUnit | string): string {
  return unit === 'unknown' ? 'unknown unit' : unit;
}

/** "100 ms", "2 s", "1.5 s". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '–';
  if (Math.abs(seconds) < 1) return `${trimZeros((seconds * 1000).toFixed(seconds * 1000 < 10 ? 1 : 0))} ms`;
  if (Math.abs(seconds) < 120) return `${trimZeros(seconds.toFixed(seconds < 10 ? 2 : 1))} s`;
  return `${trimZeros((seconds / 60).toFixed(1))} min`;
}

/**
 * The unit as a mode makes it: `pages/s` (rate), `pages per 100 ms interval` (interval, with the
 * sample interval when known), `pages since start` (delta), `pages` (a level).
 */
export function unitText(unit: CounterUnit | string, mode: ValueMode, intervalS?: number): string {
  const u = unitWord(unit);
  switch (mode) {
    case 'rate':
      return `${u}/s`;
    case 'interval':
      return intervalS && intervalS > 0 ? `${u} per ${formatDuration(intervalS)} interval` : `${u} per sample interval`;
    case 'delta':
      return `${u} since start`;
    default:
      return u;
  }
}

function trimZeros(s: string): string {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

/**
 * A number rounded for reading: integers stay exact (grouped by thousands), fractions keep about
 * three significant digits (119.9999999999983 → "120", 0.0123456 → "0.0123"). `compact` (axis
 * ticks) shortens large values with k/M/G.
 */
export function formatNumber(v: number | null | undefined, opts: { compact?: boolean } = {}): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '-∞';
  const a = Math.abs(v);
  if (opts.compact && a >= 1e4) {
    for (const [d, s] of [[1e9, 'G'], [1e6, 'M'], [1e3, 'k']] as const) {
      if (a >= d) return `${trimZeros((v / d).toFixed(v / d >= 100 || v / d <= -100 ? 0 : 1))}${s}`;
    }
  }
  // Round to 3 significant digits first, so floating-point dust (119.99999999) disappears.
  const r = a === 0 ? 0 : Number(v.toPrecision(Math.max(3, Math.floor(Math.log10(a)) + 1)));
  if (Number.isInteger(r)) return r.toLocaleString('en-US');
  const digits = a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : Math.min(8, 2 - Math.floor(Math.log10(a)));
  return trimZeros(r.toFixed(digits));
}

/** A value with its unit: "120 allocations/s", "3 pmds per 100 ms interval". */
export function formatValue(v: number | null | undefined, unit: CounterUnit | string, mode: ValueMode, intervalS?: number): string {
  return `${formatNumber(v)} ${unitText(unit, mode, intervalS)}`;
}

/** Seconds since the run started, for time axes and tooltips. */
export function formatSeconds(t: number): string {
  if (!Number.isFinite(t)) return '–';
  return `${trimZeros(t.toFixed(Math.abs(t) >= 100 ? 0 : 1))} s`;
}
