import type { CliCommand } from './commands';
import { UsageError } from './args';
import { labFromFlags } from './labFromFlags';
import type { GroupRow } from '../../shared/experiments/compareRuns';
import { compareCsv, compareReportHtml } from '../../shared/experiments/report';

/** `numa-lab compare <a> <b>`: two experiments (each a group of repetitions) side by side. */
export const compareCommand: CliCommand = {
  words: ['compare'],
  usage: 'numa-lab compare <experimentA> <experimentB> [--json | --format text|json|csv|html]',
  summary: 'per-counter deltas of two experiments side by side: mean, stddev, difference and significance',
  flags: [
    { name: 'json', type: 'bool', help: 'print the comparison as JSON (same as --format json)' },
    { name: 'format', type: 'string', valueName: 'text|json|csv|html', help: 'html: a self-contained report (tables and inline SVG), for a browser or a mail' },
  ],
  async run({ positionals, flags, out }) {
    if (positionals.length !== 2 || !positionals.every((p) => /^\d+$/.test(p))) throw new UsageError('compare needs two experiment ids (numbers), e.g. numa-lab compare 3 4');
    const lab = labFromFlags(flags);
    try {
      const c = lab.experiments.compare(Number(positionals[0]), Number(positionals[1]));
      const format = flags.json ? 'json' : typeof flags.format === 'string' ? flags.format : 'text';
      if (!['text', 'json', 'csv', 'html'].includes(format)) throw new UsageError(`--format must be text, json, csv or html, got ${JSON.stringify(format)}`);
      const side = (r: typeof c.a) => ({ id: r.id, target: r.target, kernel: r.kernel, workload: r.workload, params: r.request.params });
      if (format === 'html') out(compareReportHtml(side(c.a), side(c.b), c.rows, new Date().toISOString()));
      else if (format === 'csv') out(compareCsv(c.rows).trimEnd());
      else if (format === 'json') {
        out(JSON.stringify({ a: { id: c.a.id, target: c.a.target, kernel: c.a.kernel }, b: { id: c.b.id, target: c.b.target, kernel: c.b.kernel }, rows: c.rows }, null, 2));
      } else {
        out(`A = experiment ${c.a.id}: ${c.a.workload} on ${c.a.target} (${c.a.kernel ?? '?'})`);
        out(`B = experiment ${c.b.id}: ${c.b.workload} on ${c.b.target} (${c.b.kernel ?? '?'})`);
        out(formatCompare(c.rows));
      }
      return 0;
    } finally {
      await lab.close();
    }
  },
};

const fmt = (m: number, sd: number, n: number) => (n > 1 ? `${round(m)} ±${round(sd)}` : `${round(m)}`);
const round = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(1));

export function formatCompare(rows: GroupRow[]): string {
  const w = Math.max(8, ...rows.map((r) => r.counter.length));
  const lines: string[] = [];
  let phase = '';
  for (const r of rows) {
    if (r.phase !== phase) {
      phase = r.phase;
      lines.push('', `phase ${phase}`, `${'counter'.padEnd(w)}  ${'A'.padStart(14)}  ${'B'.padStart(14)}  ${'B−A'.padStart(9)}  ${'%'.padStart(8)}  significance`);
    }
    lines.push(
      `${r.counter.padEnd(w)}  ${fmt(r.a.mean, r.a.stddev, r.a.n).padStart(14)}  ${fmt(r.b.mean, r.b.stddev, r.b.n).padStart(14)}  ${round(r.difference).padStart(9)}  ${(r.percent === null ? '—' : `${r.percent.toFixed(1)}`).padStart(8)}  ${r.significance}`,
    );
  }
  return lines.join('\n');
}
