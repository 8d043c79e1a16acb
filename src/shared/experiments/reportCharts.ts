import type { GroupRow } from './compareRuns';
import { escapeHtml as esc } from '../escapeHtml';

/**
 * The charts of the compare report, as inline SVG strings (no scripts, no fonts to fetch): a
 * grouped bar chart per phase (A beside B for the counters that matter most), and the
 * cumulative time series of A's and B's first repetitions overlaid. Environment-free, so the
 * CLI's HTML, its PNG and the app's Save PNG are the same picture.
 */

export const A_COLOR = '#4a90d9';
export const B_COLOR = '#e8913a';

/** One side's series: seconds since its workload started, cumulative increase since then. */
export interface SideSeries {
  t: number[];
  y: Array<number | null>;
}

export interface ComparedSeries {
  counter: string;
  unit: string;
  a: SideSeries | null;
  b: SideSeries | null;
}


/** 1234567 → 1.23M: axis and bar labels stay short. */
export function shortNumber(x: number): string {
  const a = Math.abs(x);
  if (a >= 1e9) return `${+(x / 1e9).toFixed(2)}G`;
  if (a >= 1e6) return `${+(x / 1e6).toFixed(2)}M`;
  if (a >= 1e4) return `${+(x / 1e3).toFixed(1)}k`;
  return Number.isInteger(x) ? String(x) : x.toFixed(1);
}

/** An axis tick with the decimals its step needs (0.05 s steps read 0.05, 0.1, 0.15 — never 0.1 twice). */
export function tickLabel(x: number, ticks: readonly number[]): string {
  const step = ticks.length > 1 ? Math.abs(ticks[1]! - ticks[0]!) : 1;
  if (Math.abs(x) >= 1e4 || step >= 1) return shortNumber(x);
  const decimals = Math.min(6, Math.max(0, Math.ceil(-Math.log10(step) - 1e-9)));
  return String(+x.toFixed(decimals));
}

/**
 * The counters a phase's chart shows: significant ones first, then by how far apart A and B
 * are relative to their size, at most `max`. Why not the largest: a page-fault count in the
 * millions says less about a migration change than 8 THPs split instead of moved.
 */
export function keyRows(rows: readonly GroupRow[], max = 8): GroupRow[] {
  const weight = (r: GroupRow) => {
    const sig = /significant|differs/.test(r.significance) && !/not/.test(r.significance) ? 1 : 0;
    const top = Math.max(Math.abs(r.a.mean), Math.abs(r.b.mean));
    return sig * 10 + (top === 0 ? 0 : Math.abs(r.difference) / top);
  };
  return [...rows].sort((x, y) => weight(y) - weight(x) || x.counter.localeCompare(y.counter)).slice(0, max);
}

/**
 * Grouped horizontal bars, one pair per counter. Each pair is scaled to its larger side (the
 * counters' sizes differ by orders of magnitude; what the picture shows is A against B), and
 * each bar carries its mean, so nothing is read off an axis.
 */
export function phaseBarsSvg(phase: string, rows: readonly GroupRow[]): string {
  const label = 190;
  const barW = 300;
  const rowH = 30;
  const top = 26;
  const width = label + barW + 90;
  const height = top + rows.length * rowH + 8;
  const parts: string[] = [
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="4" y="16" font-size="13" font-weight="600" fill="#1b1f24">phase ${esc(phase)}</text>`,
    `<text x="${width - 4}" y="16" font-size="11" text-anchor="end" fill="#57606a">each pair scaled to its larger mean</text>`,
  ];
  rows.forEach((r, i) => {
    const y = top + i * rowH;
    const max = Math.max(Math.abs(r.a.mean), Math.abs(r.b.mean)) || 1;
    const w = (v: number) => Math.max(1, Math.round((Math.abs(v) / max) * barW));
    parts.push(
      `<text x="${label - 6}" y="${y + 17}" font-size="11" text-anchor="end" fill="#1b1f24" font-family="ui-monospace,monospace">${esc(r.counter)}</text>`,
      `<rect x="${label}" y="${y + 3}" width="${w(r.a.mean)}" height="11" fill="${A_COLOR}"><title>A ${esc(r.counter)} ${r.a.mean}</title></rect>`,
      `<text x="${label + w(r.a.mean) + 4}" y="${y + 12}" font-size="10" fill="#1b1f24">A ${shortNumber(r.a.mean)}</text>`,
      `<rect x="${label}" y="${y + 15}" width="${w(r.b.mean)}" height="11" fill="${B_COLOR}"><title>B ${esc(r.counter)} ${r.b.mean}</title></rect>`,
      `<text x="${label + w(r.b.mean) + 4}" y="${y + 24}" font-size="10" fill="#1b1f24">B ${shortNumber(r.b.mean)}</text>`,
    );
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" class="phase-bars" data-phase="${esc(phase)}" width="${width}" height="${height}" role="img" aria-label="phase ${esc(phase)}: A vs B" font-family="system-ui,sans-serif">${parts.join('')}</svg>`;
}

/** Round steps for an axis from 0 to max (1, 2 or 5 times a power of ten). */
export function niceTicks(max: number, count = 4): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = 0; v <= max + step * 0.999; v += step) out.push(+v.toPrecision(12));
  return out;
}

/** One counter's cumulative series of A and B on one time axis (seconds since each workload started). */
export function seriesSvg(s: ComparedSeries): string {
  const W = 440;
  const H = 200;
  const m = { left: 56, right: 12, top: 26, bottom: 28 };
  const pw = W - m.left - m.right;
  const ph = H - m.top - m.bottom;
  const all = [s.a, s.b].filter((x): x is SideSeries => x !== null);
  const tMax = Math.max(0.001, ...all.flatMap((x) => x.t));
  const tMin = Math.min(0, ...all.flatMap((x) => x.t));
  const yTicks = niceTicks(Math.max(0, ...all.flatMap((x) => x.y.filter((v): v is number => v !== null))));
  const yMax = yTicks.at(-1)!;
  const xTicks = niceTicks(tMax);
  const X = (t: number) => m.left + ((t - tMin) / (Math.max(tMax, xTicks.at(-1)!) - tMin)) * pw;
  const Y = (v: number) => m.top + ph - (v / yMax) * ph;
  const path = (x: SideSeries) => {
    let d = '';
    let pen = false;
    x.t.forEach((t, i) => {
      const v = x.y[i];
      if (v === null || v === undefined) {
        pen = false;
        return;
      }
      d += `${pen ? 'L' : 'M'}${X(t).toFixed(1)},${Y(v).toFixed(1)}`;
      pen = true;
    });
    return d;
  };
  const parts: string[] = [
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    `<text x="4" y="15" font-size="12" font-weight="600" fill="#1b1f24" font-family="ui-monospace,monospace">${esc(s.counter)}</text>`,
    `<text x="${W - 4}" y="15" font-size="10" text-anchor="end" fill="#57606a">cumulative, ${esc(s.unit)}</text>`,
  ];
  for (const v of yTicks) parts.push(`<line x1="${m.left}" x2="${W - m.right}" y1="${Y(v).toFixed(1)}" y2="${Y(v).toFixed(1)}" stroke="#e6e8eb"/>`, `<text x="${m.left - 4}" y="${(Y(v) + 3).toFixed(1)}" font-size="10" text-anchor="end" fill="#57606a">${tickLabel(v, yTicks)}</text>`);
  for (const t of xTicks) parts.push(`<text x="${X(t).toFixed(1)}" y="${H - m.bottom + 13}" font-size="10" text-anchor="middle" fill="#57606a">${tickLabel(t, xTicks)} s</text>`);
  parts.push(`<line x1="${m.left}" x2="${W - m.right}" y1="${m.top + ph}" y2="${m.top + ph}" stroke="#8c959f"/>`, `<text x="${m.left + pw / 2}" y="${H - 2}" font-size="10" text-anchor="middle" fill="#57606a">seconds since the workload started</text>`);
  if (s.a) parts.push(`<path class="series-a" d="${path(s.a)}" fill="none" stroke="${A_COLOR}" stroke-width="2"/>`);
  if (s.b) parts.push(`<path class="series-b" d="${path(s.b)}" fill="none" stroke="${B_COLOR}" stroke-width="2" stroke-dasharray="6 3"/>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" class="series-chart" data-counter="${esc(s.counter)}" width="${W}" height="${H}" role="img" aria-label="${esc(s.counter)} over time, A vs B" font-family="system-ui,sans-serif">${parts.join('')}</svg>`;
}
