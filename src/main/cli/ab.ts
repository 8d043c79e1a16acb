import type { ModelRef } from '../../shared/sim/behaviours';
import { modelRefFlag } from './variantFlags';
import type { CliCommand } from './commands';
import { UsageError } from './args';
import { keyValues, PARAM_FLAGS, parseIntFlag } from './specFlags';
import { labFromFlags } from './labFromFlags';
import { TOPOLOGY_FLAGS, topologyFromFlags } from './testbox';
import { runAb } from '../experiments/abExperiment';
import type { AbComparison } from '../../shared/experiments/ab';
import { abReportHtml } from '../../shared/experiments/report';

/**
 * `numa-lab ab`: two kernels, one spec. Each kernel is booted in turn as a virtual NUMA box with
 * the same topology, the same experiment runs on it (forecast, repetitions, replay, verdict),
 * the box is powered off, and the two are printed side by side with the model's numbers for each.
 */
export const abCommand: CliCommand = {
  words: ['ab'],
  usage: 'numa-lab ab --kernel A --kernel B --workload <name> [--param k=v ...] [--knob k=v ...] [--repeat N] [--variant-a V|FILE.json] [--variant-b V|FILE.json] [--nodes 2] [--mem-per-node 1G] [--cpus-per-node 1] [--json | --format text|json|html]',
  summary: 'boot two kernels in turn on the same virtual NUMA box, run the same experiment on each, and print both with the model\'s prediction for each (exit 3: either side diverged from its model)',
  flags: [
    { name: 'kernel', type: 'multi', valueName: '6.1|6.12|release|bzImage', help: 'the two kernels, A then B (a bzImage from numa-lab kernel build, a Debian series or release)' },
    ...PARAM_FLAGS,
    { name: 'repeat', type: 'string', valueName: 'N', help: 'repetitions on each kernel (default 1; a crash reboots the box and goes on)' },
    { name: 'variant-a', type: 'string', valueName: 'variant', help: "A's model (default: its build's declared variant, else its release's)" },
    { name: 'variant-b', type: 'string', valueName: 'variant', help: "B's model" },
    ...TOPOLOGY_FLAGS,
    { name: 'rate', type: 'string', valueName: 'Hz', help: 'sampling rate (default 10)' },
    { name: 'baseline', type: 'string', valueName: 's', help: 'seconds sampled before the workload (default 1)' },
    { name: 'cooldown', type: 'string', valueName: 's', help: 'seconds sampled after it (default 1)' },
    { name: 'json', type: 'bool', help: 'print {a, b, predictedFrom, rows} as JSON (same as --format json)' },
    { name: 'format', type: 'string', valueName: 'text|json|html', help: 'html: a self-contained report' },
  ],
  async run({ flags, positionals, out, err }) {
    if (positionals.length) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
    const kernels = (flags.kernel as string[] | undefined) ?? [];
    if (kernels.length !== 2) throw new UsageError(`ab needs exactly two --kernel (A and B), got ${kernels.length}`);
    if (typeof flags.workload !== 'string') throw new UsageError('--workload is required');
    const format = flags.json ? 'json' : typeof flags.format === 'string' ? flags.format : 'text';
    if (!['text', 'json', 'html'].includes(format)) throw new UsageError(`--format must be text, json or html, got ${JSON.stringify(format)}`);
    const topology = topologyFromFlags(flags);
    const spec = {
      workload: flags.workload,
      params: keyValues('param', flags.param),
      knobs: keyValues('knob', flags.knob),
      repeat: parseIntFlag('repeat', flags.repeat, 1, 50, 1),
      rateHz: parseIntFlag('rate', flags.rate, 1, 100, 10),
      baselineS: parseIntFlag('baseline', flags.baseline, 0, 600, 1),
      cooldownS: parseIntFlag('cooldown', flags.cooldown, 0, 600, 1),
    };
    const variants: [ModelRef | undefined, ModelRef | undefined] = [modelRefFlag('variant-a', flags['variant-a']), modelRefFlag('variant-b', flags['variant-b'])];
    const lab = labFromFlags(flags);
    try {
      const c = await runAb(
        { start: (r, p) => lab.experiments.start(r, p), dropSession: (t) => lab.dropSession(t) },
        { kernels: [kernels[0]!, kernels[1]!], variants, ...topology, request: spec },
        (label, message) => {
          if (format === 'text' || !/^\[\d+\/\d+\]/.test(message)) err(`ab: ${label}: ${message}`);
        },
      );
      if (format === 'json') out(JSON.stringify(c, null, 2));
      else if (format === 'html') out(abReportHtml(c, { workload: spec.workload, params: spec.params, topology: topologyText(topology) }, new Date().toISOString()));
      else out(formatAb(c, spec.workload, spec.params, topology));
      return c.a.diverged || c.b.diverged ? 3 : 0;
    } finally {
      await lab.close();
    }
  },
};

const topologyText = (t: { nodes: number; cpusPerNode: number; memPerNodeMiB: number }) => `${t.nodes} nodes × (${t.cpusPerNode} CPU, ${t.memPerNodeMiB} MiB)`;
const n = (x: number | null) => (x === null ? '—' : Number.isInteger(x) ? String(x) : x.toFixed(1));

export function formatAb(c: AbComparison, workload: string, params: Record<string, string>, topology: { nodes: number; cpusPerNode: number; memPerNodeMiB: number }): string {
  const lines = [`ab: ${workload} ${Object.entries(params).map(([k, v]) => `${k}=${v}`).join(' ')} on ${topologyText(topology)}`];
  for (const s of [c.a, c.b]) {
    lines.push(`${s.label} = ${s.kernel} (${s.release}), model ${s.model}, experiment ${s.experimentId}: ${s.verdict ?? 'no verdict'} — ${s.reason ?? ''}`);
    if (s.crash) lines.push(`    crashed: ${s.crash.headline}${s.crash.rip ? ` at ${s.crash.rip}` : ''}${s.crash.phase ? `, ${s.crash.sincePhaseS} s into ${s.crash.phase}` : ''}`);
    if (s.predictedBug) lines.push(`    model predicted: ${s.predictedBug}`);
  }
  const w = Math.max(8, ...c.rows.map((r) => r.counter.length));
  let phase = '';
  for (const r of c.rows) {
    if (r.phase !== phase) {
      phase = r.phase;
      lines.push('', `phase ${phase}`, `${'counter'.padEnd(w)}  ${'A'.padStart(10)}  ${`A ${c.predictedFrom.a}`.padStart(12)}  ${'B'.padStart(10)}  ${`B ${c.predictedFrom.b}`.padStart(12)}  ${'B−A'.padStart(9)}  significance`);
    }
    const m = (s: { n: number; mean: number }) => (s.n ? n(s.mean) : '—');
    lines.push(`${r.counter.padEnd(w)}  ${m(r.a).padStart(10)}  ${n(r.predictedA).padStart(12)}  ${m(r.b).padStart(10)}  ${n(r.predictedB).padStart(12)}  ${(r.a.n && r.b.n ? n(r.difference) : '—').padStart(9)}  ${r.significance}`);
  }
  return lines.join('\n');
}
