import type { AbComparison, AbSide } from './api';
import type { GroupRow } from './compareRuns';
import { specDiff } from './specDiff';
import { formatChange, formatMeanSd, formatNumber, formatSigned } from '../format';
import { A_COLOR, B_COLOR, keyRows, phaseBarsSvg, seriesSvg, type ComparedSeries } from './reportCharts';
import { escapeHtml as esc } from '../escapeHtml';

/**
 * A self-contained HTML report of a comparison (no scripts, no external files): each side's spec
 * with the differences marked, a bar chart per phase, the time series where the caller has them,
 * and the table mmtests' compare-kernels prints (with an inline SVG bar per counter).
 * Environment-free, so the CLI writes it, renders it to PNG, and the UI downloads the same bytes.
 */
export interface ReportSide {
  id: number;
  target: string;
  kernel: string | null;
  workload: string;
  params: Record<string, string | number>;
  /** The knobs the experiment asked for (the header shows them, differences highlighted). */
  knobs?: Record<string, string>;
  /** The kernel model it was judged against. */
  model?: string | null;
  repeat?: number;
  rateHz?: number;
  /** Behaviour switches over the model's kernel. */
  behaviours?: Record<string, string>;
  status?: string;
}

/** What the report draws besides the table: the repetitions' time series, and why some are missing. */
export interface ReportExtras {
  series?: ComparedSeries[];
  /** Shown where there are no series (e.g. "experiment 4 has no telemetry run"). */
  seriesNote?: string;
}

const num = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(2));

function bars(r: GroupRow): string {
  const max = Math.max(Math.abs(r.a.mean), Math.abs(r.b.mean), 1);
  const w = (v: number) => Math.max(1, Math.round((Math.abs(v) / max) * 160));
  return `<svg width="170" height="22" role="img" aria-label="A ${num(r.a.mean)} B ${num(r.b.mean)}"><rect x="0" y="2" height="8" width="${w(r.a.mean)}" fill="#4a90d9"/><rect x="0" y="12" height="8" width="${w(r.b.mean)}" fill="#e8913a"/></svg>`;
}

function specTable(a: ReportSide, b: ReportSide): string {
  // The same rows as the app's compare header (specDiff): differences marked.
  const body = specDiff(a, b)
    .map((r) => `<tr class="${r.differs ? 'differs' : ''}"><th>${esc(r.field)}</th><td>${esc(r.a)}</td><td>${esc(r.b)}</td></tr>`)
    .join('');
  return `<table class="spec" data-testid="report-spec"><thead><tr><th></th><th>A = experiment ${a.id}</th><th>B = experiment ${b.id}</th></tr></thead><tbody>${body}</tbody></table>`;
}

function chartsHtml(rows: GroupRow[], extras: ReportExtras): string {
  const phases = [...new Set(rows.map((r) => r.phase))];
  const bars = phases.map((p) => phaseBarsSvg(p, keyRows(rows.filter((r) => r.phase === p)))).join('\n');
  const note = extras.seriesNote ? `<p class="note">${esc(extras.seriesNote)}</p>` : '';
  const series = extras.series?.length
    ? `<h2>Over time: the first repetition of each (A solid, B dashed)</h2>${note}<div class="charts">${extras.series.map(seriesSvg).join('\n')}</div>`
    : note;
  return `<h2>Per phase: A beside B</h2><div class="charts">${bars}</div>${series}`;
}

export function compareReportHtml(a: ReportSide, b: ReportSide, rows: GroupRow[], generatedAt: string, extras: ReportExtras = {}): string {
  const side = (label: string, s: ReportSide) =>
    `<li><b>${label}</b> = experiment ${s.id}: ${esc(s.workload)} ${esc(Object.entries(s.params).map(([k, v]) => `${k}=${v}`).join(' '))} on ${esc(s.target)} (${esc(s.kernel ?? 'unknown kernel')})</li>`;
  const body = rows
    .map(
      (r) =>
        `<tr class="${/significant|differs/.test(r.significance) && !/not/.test(r.significance) ? 'sig' : ''}"><td>${esc(r.phase)}</td><td>${esc(r.counter)}</td><td>${formatMeanSd(r.a)}</td><td>${formatMeanSd(r.b)}</td><td>${formatSigned(r.difference)}</td><td title="${esc(formatChange(r.a.mean, r.b.mean).title)}">${esc(formatChange(r.a.mean, r.b.mean).text)}</td><td>${esc(r.significance)}</td><td>${bars(r)}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>NUMA Lab comparison ${a.id} vs ${b.id}</title>
<style>body{font:14px system-ui,sans-serif;margin:24px;color:#1b1f24;background:#fff}table{border-collapse:collapse;font:12px ui-monospace,monospace}th,td{padding:3px 8px;border-bottom:1px solid #ddd;text-align:right}td:nth-child(-n+2),th:nth-child(-n+2){text-align:left}tr.sig td{background:#fff5e0;font-weight:600}.legend span{display:inline-block;width:12px;height:8px;margin:0 4px 0 12px}table.spec th,table.spec td{text-align:left}table.spec tr.differs td,table.spec tr.differs th{background:#fff5e0;font-weight:600}table.spec tr.differs th::after{content:" ≠";color:#b3261e}.charts{display:flex;flex-wrap:wrap;gap:16px;margin:8px 0 16px}.charts svg{border:1px solid #e6e8eb}h2{font-size:16px;margin:20px 0 6px}.note{color:#57606a}</style>
</head><body>
<h1>NUMA Lab: experiment ${a.id} vs ${b.id}</h1>
<ul>${side('A', a)}${side('B', b)}</ul>
${specTable(a, b)}
<p>Deltas per phase (mean over completed repetitions, ± standard deviation). Significance: 95 % confidence intervals of the means separate, or any difference of a counter the kernel computes deterministically. <span class="legend"><span style="background:${A_COLOR}"></span>A<span style="background:${B_COLOR}"></span>B</span></p>
${chartsHtml(rows, extras)}
<h2>Table</h2>
<table class="deltas"><thead><tr><th>phase</th><th>counter</th><th>A</th><th>B</th><th>B−A</th><th>change</th><th>significance</th><th></th></tr></thead>
<tbody>
${body}
</tbody></table>
<p><small>Generated by NUMA Lab at ${esc(generatedAt)}.</small></p>
</body></html>
`;
}

export function compareCsv(rows: GroupRow[]): string {
  const q = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = ['phase,counter,a_n,a_mean,a_stddev,b_n,b_mean,b_stddev,difference,percent,significance'];
  for (const r of rows) lines.push([r.phase, r.counter, r.a.n, r.a.mean, r.a.stddev, r.b.n, r.b.mean, r.b.stddev, r.difference, r.percent ?? '', r.significance].map((x) => q(String(x))).join(','));
  return `${lines.join('\n')}\n`;
}

/** The A/B report (`numa-lab ab --format html`): each kernel with its model, verdict and crash, then measured and predicted per counter. */
export function abReportHtml(c: AbComparison, spec: { workload: string; params: Record<string, string>; topology: string }, generatedAt: string): string {
  const sideLine = (s: AbSide) =>
    `<li><b>${s.label}</b> = ${esc(s.kernel)} (${esc(s.release)}), model ${esc(s.model)}, experiment ${s.experimentId}: <b class="${s.diverged ? 'bad' : s.verdict === 'agrees' || s.verdict === 'crash as predicted' ? 'good' : ''}">${esc(s.verdict ?? 'no verdict')}</b> — ${esc(s.reason ?? '')}${
      s.crash ? `<br>crash: ${esc(s.crash.headline)}${s.crash.rip ? ` at ${esc(s.crash.rip)}` : ''}${s.crash.phase ? `, ${s.crash.sincePhaseS} s into ${esc(s.crash.phase)}` : ''}` : ''
    }${s.predictedBug ? `<br>model predicted: ${esc(s.predictedBug)}` : ''}</li>`;
  const cell = (v: number | null) => (v === null ? '—' : formatNumber(v));
  const body = c.rows
    .map(
      (r) =>
        `<tr class="${/significant|differs/.test(r.significance) && !/not/.test(r.significance) ? 'sig' : ''}"><td>${esc(r.phase)}</td><td>${esc(r.counter)}</td><td>${formatMeanSd(r.a)}</td><td>${cell(r.predictedA)}</td><td>${formatMeanSd(r.b)}</td><td>${cell(r.predictedB)}</td><td>${r.a.n && r.b.n ? formatSigned(r.difference) : '—'}</td><td>${esc(r.significance)}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>NUMA Lab A/B: ${esc(c.a.kernel)} vs ${esc(c.b.kernel)}</title>
<style>body{font:14px system-ui,sans-serif;margin:24px;color:#1b1f24}table{border-collapse:collapse;font:12px ui-monospace,monospace}th,td{padding:3px 8px;border-bottom:1px solid #ddd;text-align:right}td:nth-child(-n+2),th:nth-child(-n+2){text-align:left}tr.sig td{background:#fff5e0;font-weight:600}.bad{color:#b3261e}.good{color:#1e7a34}</style>
</head><body>
<h1>NUMA Lab A/B: ${esc(spec.workload)} ${esc(Object.entries(spec.params).map(([k, v]) => `${k}=${v}`).join(' '))}</h1>
<p>Both kernels booted in turn on the same virtual NUMA box (${esc(spec.topology)}), same spec, same knobs.</p>
<ul>${sideLine(c.a)}${sideLine(c.b)}</ul>
<p>Measured: mean over the repetitions (a crashed one counts with the phases that ended before it). Predicted: the model's ${esc(c.predictedFrom.a)} for A, ${esc(c.predictedFrom.b)} for B (a replay is the model given what the run measured; a forecast, what it said before).</p>
<table><thead><tr><th>phase</th><th>counter</th><th>A measured</th><th>A predicted</th><th>B measured</th><th>B predicted</th><th>B−A</th><th>significance</th></tr></thead>
<tbody>
${body}
</tbody></table>
<p><small>Generated by NUMA Lab at ${esc(generatedAt)}.</small></p>
</body></html>
`;
}
