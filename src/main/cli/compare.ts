import type { CliCommand } from './commands';
import { UsageError } from './args';
import { labFromFlags } from './labFromFlags';
import type { Lab } from '../lab';
import type { GroupRow } from '../../shared/experiments/compareRuns';
import { compareCsv } from '../../shared/experiments/report';
import { compareReportFor } from '../report/compareReport';
import { htmlToPng } from '../report/htmlToPng';
import { writeBinaryOutput } from '../report/writeBytes';
import { formatChange, formatMeanSd, formatSigned } from '../../shared/format';

/** `numa-lab compare <a> <b>`: two experiments (each a group of repetitions) side by side. */
export const compareCommand: CliCommand = {
  words: ['compare'],
  usage: 'numa-lab compare <experimentA> <experimentB> [--json | --format text|json|csv|html|png] [--output FILE]',
  summary: 'per-counter deltas of two experiments side by side: mean, stddev, difference and significance',
  flags: [
    { name: 'json', type: 'bool', help: 'print the comparison as JSON (same as --format json)' },
    {
      name: 'format',
      type: 'string',
      valueName: 'text|json|csv|html|png',
      help: 'html: a self-contained report (spec header, charts, table; inline SVG), for a browser or a mail; png: the same report as one picture, rendered by headless Chromium (CHROMIUM_PATH, default /usr/bin/chromium), to stdout redirected to a file or to --output',
    },
    { name: 'output', type: 'string', valueName: 'FILE', help: 'write the report to FILE instead of stdout (any format)' },
  ],
  async run({ positionals, flags, out }) {
    if (positionals.length !== 2 || !positionals.every((p) => /^\d+$/.test(p))) throw new UsageError('compare needs two experiment ids (numbers), e.g. numa-lab compare 3 4');
    const lab = labFromFlags(flags);
    try {
      const c = lab.experiments.compare(Number(positionals[0]), Number(positionals[1]));
      const format = flags.json ? 'json' : typeof flags.format === 'string' ? flags.format : 'text';
      if (!['text', 'json', 'csv', 'html', 'png'].includes(format)) throw new UsageError(`--format must be text, json, csv, html or png, got ${JSON.stringify(format)}`);
      const output = typeof flags.output === 'string' ? flags.output : undefined;
      // A PNG on a terminal is noise that can upset it: refuse before rendering anything.
      if (format === 'png' && !output && process.stdout.isTTY) throw new UsageError('--format png writes binary: redirect it to a file (numa-lab compare A B --format png > report.png) or give --output report.png');
      const html = () => compareReportFor(lab.experiments, lab.telemetry.repo, c.a.id, c.b.id);
      if (output || format === 'png') {
        const bytes = format === 'png' ? await htmlToPng(html()) : Buffer.from(format === 'html' ? html() : format === 'csv' ? compareCsv(c.rows) : `${textOf(format, c)}\n`, 'utf8');
        await writeBinaryOutput(bytes, output);
      } else if (format === 'html') out(html());
      else if (format === 'csv') out(compareCsv(c.rows).trimEnd());
      else out(textOf(format, c));
      return 0;
    } finally {
      await lab.close();
    }
  },
};

type Comparison = ReturnType<Lab['experiments']['compare']>;

/** The json and text formats, as printed (and written to --output). */
function textOf(format: string, c: Comparison): string {
  if (format === 'json') return JSON.stringify({ a: { id: c.a.id, target: c.a.target, kernel: c.a.kernel }, b: { id: c.b.id, target: c.b.target, kernel: c.b.kernel }, rows: c.rows }, null, 2);
  return [`A = experiment ${c.a.id}: ${c.a.workload} on ${c.a.target} (${c.a.kernel ?? '?'})`, `B = experiment ${c.b.id}: ${c.b.workload} on ${c.b.target} (${c.b.kernel ?? '?'})`, formatCompare(c.rows)].join('\n');
}


export function formatCompare(rows: GroupRow[]): string {
  const w = Math.max(8, ...rows.map((r) => r.counter.length));
  const lines: string[] = [];
  let phase = '';
  for (const r of rows) {
    if (r.phase !== phase) {
      phase = r.phase;
      lines.push('', `phase ${phase}`, `${'counter'.padEnd(w)}  ${'A'.padStart(14)}  ${'B'.padStart(14)}  ${'B−A'.padStart(9)}  ${'change'.padStart(8)}  significance`);
    }
    lines.push(
      `${r.counter.padEnd(w)}  ${formatMeanSd(r.a).padStart(14)}  ${formatMeanSd(r.b).padStart(14)}  ${formatSigned(r.difference).padStart(9)}  ${formatChange(r.a.mean, r.b.mean).text.padStart(8)}  ${r.significance}`,
    );
  }
  return lines.join('\n');
}
