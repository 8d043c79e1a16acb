import type { CliCommand } from './commands';
import { UsageError } from './args';
import { keyValues, PARAM_FLAGS, parseIntFlag } from './specFlags';
import { labFromFlags } from './labFromFlags';
import type { ExperimentOutcome, MeasuredRun } from '../experiments/runExperiment';
import type { CounterVerdict } from '../../shared/experiments/verdict';
import { PER_RUN_COUNTERS, perRunRows } from '../../shared/experiments/perRun';

/** `numa-lab run`: the lab's main job from a script — measure, predict, compare. Exit 3 = diverged. */
export const runCommand: CliCommand = {
  words: ['run'],
  usage: 'numa-lab run <target> --workload <name> [--param k=v ...] [--knob name=value ...] [--repeat N] [--json]',
  summary: 'run a workload on a host, predict the same spec with the simulator, and compare per counter (exit 3: a counter diverged)',
  flags: [
    ...PARAM_FLAGS,
    { name: 'repeat', type: 'string', valueName: 'N', help: 'repetitions (default 1)' },
    { name: 'rate', type: 'string', valueName: 'Hz', help: 'sampling rate of /proc/vmstat during the run (default 10)' },
    { name: 'kernel', type: 'string', valueName: 'variant|release', help: "the kernel model to predict with (default: the host's release)" },
    { name: 'baseline', type: 'string', valueName: 's', help: 'seconds sampled before the workload (default 1)' },
    { name: 'cooldown', type: 'string', valueName: 's', help: 'seconds sampled after it (default 1)' },
    { name: 'json', type: 'bool', help: 'print {experimentId, measured, predicted, verdicts, repetitions} as JSON' },
  ],
  async run({ positionals, flags, out, err }) {
    if (positionals.length !== 1) throw new UsageError('run needs exactly one <target>, e.g. testbox:numa2 or local');
    if (typeof flags.workload !== 'string') throw new UsageError('--workload is required');
    const lab = labFromFlags(flags);
    const stop = new AbortController();
    const onSig = () => {
      err('numa-lab run: stopping (knobs are restored, data kept)…');
      stop.abort();
    };
    process.once('SIGINT', onSig);
    try {
      const { experimentId, done } = await lab.experiments.start(
        {
          target: positionals[0],
          workload: flags.workload,
          params: keyValues('param', flags.param),
          knobs: keyValues('knob', flags.knob),
          repeat: parseIntFlag('repeat', flags.repeat, 1, 50, 1),
          rateHz: parseIntFlag('rate', flags.rate, 1, 50, 10),
          kernel: typeof flags.kernel === 'string' ? flags.kernel : undefined,
          baselineS: parseIntFlag('baseline', flags.baseline, 0, 600, 1),
          cooldownS: parseIntFlag('cooldown', flags.cooldown, 0, 600, 1),
        },
        flags.json ? undefined : (p) => err(`[${p.repetition}/${p.of}] ${p.phase}: ${p.message}`),
      );
      stop.signal.addEventListener('abort', () => lab.experiments.stop(experimentId));
      const row = await done;
      if (!row.outcome) {
        err(`numa-lab run: experiment ${experimentId} ${row.status}: ${row.error ?? 'no result'}`);
        return row.error && /needs \d+ NUMA nodes|not valid|allowed|unknown/.test(row.error) ? 2 : 1;
      }
      const o = row.outcome;
      out(flags.json ? JSON.stringify({ experimentId, status: row.status, ...runJson(o) }, null, 2) : formatRunText(experimentId, o));
      if (row.status !== 'completed') {
        err(`numa-lab run: experiment ${experimentId} ${row.status}${row.error ? `: ${row.error}` : ''}`);
        return 1;
      }
      return o.diverged ? 3 : 0;
    } finally {
      process.off('SIGINT', onSig);
      await lab.close();
    }
  },
};

/** Means over the completed repetitions, in the shared result shape. */
function meanShape(runs: MeasuredRun[], template: MeasuredRun) {
  const ok = runs.filter((r) => r.status === 'completed');
  const mean = (pick: (r: MeasuredRun) => Record<string, number>) => {
    const out: Record<string, number> = {};
    for (const r of ok) for (const [k, v] of Object.entries(pick(r))) out[k] = (out[k] ?? 0) + v / ok.length;
    for (const k of Object.keys(out)) out[k] = Math.round(out[k] * 100) / 100;
    return out;
  };
  const phases = [...new Set(ok.flatMap((r) => Object.keys(r.phases)))];
  return {
    kernel: template.kernel,
    workload: template.workload,
    params: template.params,
    phases: Object.fromEntries(phases.map((p) => [p, mean((r) => r.phases[p] ?? {})])),
    deltas: mean((r) => r.deltas),
    events: template.events,
    movePages: template.movePages,
  };
}

export function runJson(o: ExperimentOutcome) {
  const p = o.predicted;
  return {
    measured: meanShape(o.measured, o.measured[0]),
    predicted: p && { kernel: p.variant.name, workload: p.workload, params: p.params, phases: p.phases, deltas: p.deltas, events: p.events, movePages: p.movePages, bug: p.bug },
    verdicts: o.verdicts,
    verdictsByPhase: o.verdictsByPhase,
    repetitions: o.measured.map((m) => ({ runId: m.runId, status: m.status, error: m.error, phases: m.phases, deltas: m.deltas, movePages: m.movePages, events: m.events })),
    ...(o.predictedPerRun ? { predictedPerRun: o.predictedPerRun } : {}),
  };
}

/** Per repetition, phase migrate: measured / predicted for that run's own CPU clocks. */
export function formatPerRun(o: ExperimentOutcome): string {
  const head = `${'rep'.padEnd(4)}${PER_RUN_COUNTERS.map((c) => c.replace(/^numa_/, '').padStart(22)).join('')}`;
  const lines = perRunRows(o).map((r) => {
    const cells = r.cells.map((c) => `${c.measured} / ${c.predicted}`.padStart(22));
    return `${String(r.repetition).padEnd(4)}${cells.join('')}  ${Object.entries(r.knobs).map(([k, v]) => `${k}=${v}`).join(' ')}`;
  });
  return [head, ...lines].join('\n');
}

export function formatVerdicts(vs: CounterVerdict[]): string {
  const shown = vs.filter((v) => v.measured !== 0 || v.predicted !== 0 || v.verdict === 'diverged');
  const w = Math.max(8, ...shown.map((v) => v.counter.length));
  const head = `${'counter'.padEnd(w)}  ${'measured'.padStart(10)}  ${'predicted'.padStart(10)}  ${'diff'.padStart(8)}  verdict`;
  return [head, ...shown.map((v) => `${v.counter.padEnd(w)}  ${String(v.measured).padStart(10)}  ${String(v.predicted).padStart(10)}  ${String(v.difference).padStart(8)}  ${v.verdict}${v.verdict === 'within tolerance' ? ` (±${v.allowed})` : ''}${v.boundary ? ` [scan boundary: predicted ${v.boundary.lo}..${v.boundary.hi}]` : ''}`)].join('\n');
}

export function formatRunText(id: number, o: ExperimentOutcome): string {
  const m0 = o.measured[0];
  const lines = [
    `experiment ${id}: ${o.spec.workload} ${Object.entries(o.spec.params).map(([k, v]) => `${k}=${v}`).join(' ')} on ${o.spec.target} (${m0?.kernel ?? '?'})`,
    o.predicted ? `model: ${o.predicted.variant.name} — ${o.predicted.variant.title}` : 'model: none (a custom command is measured, not simulated)',
    `repetitions: ${o.measured.map((m) => `${m.status}${m.runId ? ` (run ${m.runId})` : ''}`).join(', ')}`,
  ];
  for (const [phase, vs] of Object.entries(o.verdictsByPhase)) lines.push('', `phase ${phase}`, formatVerdicts(vs));
  if (o.predicted) lines.push('', 'whole run', formatVerdicts(o.verdicts));
  if (o.predictedPerRun?.length) lines.push('', "per repetition, phase migrate: measured / predicted for that run's own CPU clocks", formatPerRun(o));
  if (!o.predicted) for (const m of o.measured) lines.push('', `measured deltas (run ${m.runId ?? '?'})`, JSON.stringify(m.deltas));
  if (o.predicted?.bug) lines.push('', `PREDICTED BUG: ${o.predicted.bug.message}`);
  const completed = o.measured.some((m) => m.status === 'completed');
  lines.push('', !completed ? 'RESULT: no repetition completed, nothing compared' : !o.predicted ? 'RESULT: measured; nothing to compare against' : o.diverged ? 'RESULT: some counters diverged from the prediction' : 'RESULT: every compared counter agrees with the prediction');
  return lines.join('\n');
}
