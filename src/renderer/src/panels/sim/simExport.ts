import type { z } from 'zod';
import type { SimResultSchema } from '../../../../shared/sim/api';

type SimResult = z.output<typeof SimResultSchema>;

/**
 * The Simulator's prediction as files: the counters per phase (and in total) as CSV, one row per
 * model, phase and counter; the predicted time series (when the run asked for them) as CSV, one
 * column per model and counter; and the whole result as JSON. Environment-free.
 */

const q = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

export function predictionCsv(results: readonly SimResult[]): string {
  // The rows the Simulator's table shows: every counter any model moved, in every phase (0 where it did not).
  const phases = [...new Set(results.flatMap((r) => Object.keys(r.phases))), 'total'];
  const counters = [...new Set(results.flatMap((r) => [...Object.keys(r.deltas), ...Object.values(r.phases).flatMap((p) => Object.keys(p))]))].sort();
  const lines = ['model,phase,counter,value'];
  for (const r of results) {
    for (const phase of phases) {
      for (const c of counters) lines.push([r.variant.name, phase, c, String((phase === 'total' ? r.deltas[c] : r.phases[phase]?.[c]) ?? 0)].map(q).join(','));
    }
  }
  return `${lines.join('\n')}\n`;
}

interface Series {
  t: number[];
  counters: Record<string, number[]>;
}

/** null when no model has a time series (a workload without a duration). */
export function predictionSeriesCsv(results: readonly SimResult[]): string | null {
  const withSeries = results.filter((r) => r.series && (r.series as Series).t.length > 0);
  if (!withSeries.length) return null;
  const cols = withSeries.flatMap((r) => Object.keys((r.series as Series).counters).sort().map((c) => ({ r, c })));
  const t = (withSeries[0]!.series as Series).t;
  const lines = [['t', ...cols.map(({ r, c }) => `${r.variant.name}:${c}`)].map(q).join(',')];
  t.forEach((ti, i) => lines.push([String(ti), ...cols.map(({ r, c }) => String((r.series as Series).counters[c]?.[i] ?? ''))].join(',')));
  return `${lines.join('\n')}\n`;
}

export function predictionJson(results: readonly SimResult[], form: unknown, cli: readonly string[]): string {
  return `${JSON.stringify({ form, cli, results }, null, 2)}\n`;
}
