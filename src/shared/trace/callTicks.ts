import type { MigrateCall } from './migrateCalls';

/**
 * migrate_pages() calls as ticks on a time axis. A NUMA-balancing run makes thousands of calls,
 * so calls are gathered per column of `columnPx` pixels: one tick per column that had calls,
 * with how many there were and what they moved, coloured by the reason that moved the most
 * pages there (every reason's share is in the tick's words). Drawing cost grows with the chart's
 * width, never with the number of calls.
 */
export interface CallTick {
  /** Pixels from the plot's left edge (the column's centre). */
  x: number;
  /** The column's time span, seconds. */
  from: number;
  to: number;
  calls: number;
  /** Pages the column's calls migrated (the tracepoint's `succeeded`: what pgmigrate_success counts). */
  pages: number;
  failed: number;
  /** The reason with the most pages in the column (the most calls when none moved a page). */
  reason: string;
  byReason: Record<string, { calls: number; pages: number }>;
}

export function callTicks(calls: readonly MigrateCall[], domain: readonly [number, number], widthPx: number, columnPx = 3): CallTick[] {
  const span = domain[1] - domain[0];
  if (!(span > 0) || !(widthPx > 0)) return [];
  const columns = Math.max(1, Math.floor(widthPx / columnPx));
  const perColumn = span / columns;
  const bins = new Map<number, CallTick>();
  for (const c of calls) {
    if (c.t < domain[0] || c.t > domain[1]) continue;
    const i = Math.min(columns - 1, Math.floor((c.t - domain[0]) / perColumn));
    let b = bins.get(i);
    if (!b) {
      const from = domain[0] + i * perColumn;
      bins.set(i, (b = { x: ((i + 0.5) / columns) * widthPx, from, to: from + perColumn, calls: 0, pages: 0, failed: 0, reason: c.reason, byReason: {} }));
    }
    b.calls++;
    b.pages += c.succeeded;
    b.failed += c.failed;
    const r = (b.byReason[c.reason] ??= { calls: 0, pages: 0 });
    r.calls++;
    r.pages += c.succeeded;
  }
  const ticks = [...bins.values()].sort((a, b) => a.x - b.x);
  for (const t of ticks) {
    t.reason = Object.entries(t.byReason).sort(([ra, a], [rb, b]) => b.pages - a.pages || b.calls - a.calls || ra.localeCompare(rb))[0]![0];
  }
  return ticks;
}

/** A tick in words, for its tooltip: "3.20–3.23 s: 4 calls, 128 pages (compaction 4 calls, 128 pages)". */
export function tickWords(t: CallTick): string {
  const parts = Object.entries(t.byReason)
    .sort(([, a], [, b]) => b.pages - a.pages || b.calls - a.calls)
    .map(([r, v]) => `${r} ${v.calls} call${v.calls === 1 ? '' : 's'}, ${v.pages.toLocaleString('en-US')} pages`);
  const failed = t.failed ? `, ${t.failed.toLocaleString('en-US')} failed` : '';
  return `${t.from.toFixed(2)}–${t.to.toFixed(2)} s: ${t.calls} call${t.calls === 1 ? '' : 's'}, ${t.pages.toLocaleString('en-US')} pages${failed} (${parts.join('; ')})`;
}

/** One colour per reason the kernel prints, the same in every chart. */
export const REASON_COLORS: Record<string, string> = {
  numa_misplaced: '#6cb6ff',
  syscall_or_cpuset: '#f69d50',
  mempolicy_mbind: '#dcbdfb',
  compaction: '#8ddb8c',
  demotion: '#e0c25c',
  memory_failure: '#f47067',
  memory_hotplug: '#96d0ff',
  contig_range: '#ff938a',
  longterm_pin: '#c6e6ff',
  damon: '#b4f1b4',
};

export function reasonColor(reason: string): string {
  return REASON_COLORS[reason] ?? '#adbac7';
}
