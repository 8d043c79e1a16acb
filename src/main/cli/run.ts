import { overrideWords } from '../../shared/sim/behaviours';
import type { CliCommand } from './commands';
import { UsageError } from './args';
import { keyValues, PARAM_FLAGS, parseIntFlag } from './specFlags';
import { labFromFlags } from './labFromFlags';
import { modelFromFlags, VARIANT_FLAGS } from './variantFlags';
import type { ExperimentOutcome, MeasuredRun } from '../experiments/runExperiment';
import { shownVerdicts, type CounterVerdict } from '../../shared/experiments/verdict';
import { PER_RUN_COUNTERS, perRunRows } from '../../shared/experiments/perRun';
import { exitStatusFor } from '../../shared/api/errorCodes';
import { openInAppLine } from '../../shared/experiments/appLink';
import { mean } from '../../shared/experiments/stats';
import type { ExperimentRequest, Forecast, ModelInput } from '../../shared/experiments/api';
import { alignCalls, modelCallsByPhase, type MigrateCall } from '../../shared/trace/migrateCalls';

/** `numa-lab run`: the lab's main job from a script — measure, predict, compare. Exit 3 = diverged. */
export const runCommand: CliCommand = {
  words: ['run'],
  usage: 'numa-lab run <target> --workload <name> [--param k=v ...] [--knob name=value ...] [--kernel V] [--behaviour key=value ...] [--variant FILE.json] [--repeat N] [--json]',
  summary: 'run a workload on a host, forecast it with the simulator before and replay it after, and judge every repetition per counter (exit 3: the kernel and the model disagree)',
  flags: [
    ...PARAM_FLAGS,
    { name: 'repeat', type: 'string', valueName: 'N', help: 'repetitions (default 1)' },
    { name: 'rate', type: 'string', valueName: 'Hz', help: 'sampling rate of /proc/vmstat during the run (default 10)' },
    { name: 'kernel', type: 'string', valueName: 'variant|release', help: "the kernel model to predict with (default: the host's release)" },
    ...VARIANT_FLAGS,
    { name: 'baseline', type: 'string', valueName: 's', help: 'seconds sampled before the workload (default 1)' },
    { name: 'cooldown', type: 'string', valueName: 's', help: 'seconds sampled after it (default 1)' },
    { name: 'no-trace', type: 'bool', help: "do not capture the kernel's migrate:mm_migrate_pages trace" },
    { name: 'json', type: 'bool', help: 'print {experimentId, verdict, measured, predicted (the replay), forecast, verdicts, repetitions (each with its replay and forecast verdicts)} as JSON; measured.migrateCalls / predicted.migrateCalls are the calls per phase (measured: the first completed repetition; each repetition has its own); for --workload custom, measured.exitCode, output and stderr are the command result of the first repetition (each repetition has its own)' },
  ],
  async run({ positionals, flags, out, err }) {
    const request = runRequestFromArgs(positionals, flags);
    const lab = labFromFlags(flags);
    const stop = new AbortController();
    const onSig = () => {
      err('numa-lab run: stopping (knobs are restored, data kept)…');
      stop.abort();
    };
    process.once('SIGINT', onSig);
    try {
      const { experimentId, done } = await lab.experiments.start(request, flags.json ? undefined : (p) => err(`[${p.repetition}/${p.of}] ${p.phase}: ${p.message}`));
      // Ctrl-C while the request was being checked (reaching the host can take a while) stops it as soon as it exists.
      const stopIt = () => lab.experiments.stop(experimentId);
      if (stop.signal.aborted) stopIt();
      else stop.signal.addEventListener('abort', stopIt);
      const row = await done;
      if (!row.outcome) {
        err(`numa-lab run: experiment ${experimentId} ${row.status}: ${row.error ?? 'no result'}`);
        err(openInAppLine(experimentId));
        return row.errorCode ? exitStatusFor(row.errorCode) : 1;
      }
      const o = row.outcome;
      out(flags.json ? JSON.stringify({ experimentId, status: row.status, ...runJson(o) }, null, 2) : `${formatRunText(experimentId, o)}\n${openInAppLine(experimentId)}`);
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

/**
 * The request `numa-lab run <target> --workload …` asks for: the same object experiments.start
 * gets from the Experiments form, so the form's "Copy as CLI" line (runCommandWords) parses back
 * to it.
 */
export function runRequestFromArgs(positionals: readonly string[], flags: Record<string, unknown>): ExperimentRequest {
  if (positionals.length !== 1) throw new UsageError('run needs exactly one <target>, e.g. testbox:numa2 or local');
  if (typeof flags.workload !== 'string') throw new UsageError('--workload is required');
  const model = modelFromFlags(flags);
  return {
    target: positionals[0]!,
    workload: flags.workload,
    params: keyValues('param', flags.param),
    knobs: keyValues('knob', flags.knob),
    repeat: parseIntFlag('repeat', flags.repeat, 1, 50, 1),
    rateHz: parseIntFlag('rate', flags.rate, 1, 100, 10),
    ...(model.kernel ? { kernel: model.kernel } : {}),
    ...(model.variant ? { variant: model.variant } : {}),
    baselineS: parseIntFlag('baseline', flags.baseline, 0, 600, 1),
    cooldownS: parseIntFlag('cooldown', flags.cooldown, 0, 600, 1),
    ...(flags['no-trace'] ? { trace: false } : {}),
  };
}

/** Means over the completed repetitions, in the shared result shape. */
function meanShape(runs: MeasuredRun[], template: MeasuredRun) {
  const ok = runs.filter((r) => r.status === 'completed');
  const meanOf = (pick: (r: MeasuredRun) => Record<string, number>) => {
    const names = new Set(ok.flatMap((r) => Object.keys(pick(r))));
    return Object.fromEntries([...names].map((k) => [k, Math.round(mean(ok.map((r) => pick(r)[k] ?? 0)) * 100) / 100]));
  };
  const phases = [...new Set(ok.flatMap((r) => Object.keys(r.phases)))];
  return {
    kernel: template.kernel,
    workload: template.workload,
    params: template.params,
    phases: Object.fromEntries(phases.map((p) => [p, meanOf((r) => r.phases[p] ?? {})])),
    deltas: meanOf((r) => r.deltas),
    events: template.events,
    movePages: template.movePages,
  };
}

/** The calls of the first completed repetition whose trace was captured (and how its capture went). */
function firstTrace(runs: readonly MeasuredRun[]) {
  const m = runs.find((r) => r.status === 'completed' && r.trace?.status === 'captured') ?? runs.find((r) => r.trace);
  return m?.trace ? { trace: m.trace, migrateCalls: m.migrateCalls ?? {} } : {};
}

/**
 * A custom command's result is its own output: the first repetition's exit status, stdout and
 * stderr beside the mean deltas (each repetition's are in `repetitions`).
 */
function commandOutput(o: ExperimentOutcome) {
  const m = o.measured[0];
  if (m?.workload !== 'custom') return {};
  return { exitCode: m.exitCode ?? null, output: m.output, stderr: m.stderr ?? '' };
}

/** One repetition's verdicts against one prediction, from the counters' per-run verdicts. */
function verdictsOfRun(vs: readonly CounterVerdict[] | undefined, repetition: number) {
  return (vs ?? []).flatMap((v) => {
    const r = v.runs?.find((x) => x.repetition === repetition);
    return r ? [{ counter: v.counter, ...r }] : [];
  });
}

export function runJson(o: ExperimentOutcome) {
  const p = o.predicted;
  const f = o.forecast;
  const replayOf = new Map((o.replays ?? []).map((r) => [r.repetition, r]));
  return {
    verdict: o.judgement?.verdict ?? null,
    reason: o.judgement?.reason ?? null,
    counts: o.judgement?.counts ?? {},
    warnings: o.warnings ?? [],
    model: o.model ?? null,
    measured: { ...meanShape(o.measured, o.measured[0]!), ...firstTrace(o.measured), ...commandOutput(o) },
    predicted: p && { kernel: p.variant.name, workload: p.workload, params: p.params, phases: p.phases, deltas: p.deltas, events: p.events, movePages: p.movePages, bug: p.bug, migrateCalls: modelCallsByPhase(p.trace, p.events) },
    forecast: f && { kernel: f.kernel, inputs: f.inputs, phases: f.phases, deltas: f.deltas, ranges: f.ranges, uncertain: f.uncertain, bug: f.bug, movePages: f.movePages, verdict: f.judgement?.verdict ?? null, reason: f.judgement?.reason ?? null, asForecast: f.asForecast ?? null, verdicts: f.verdicts ?? [] },
    verdicts: o.verdicts,
    verdictsByPhase: o.verdictsByPhase,
    repetitions: o.measured.map((m, i) => {
      const r = replayOf.get(i + 1);
      return {
        runId: m.runId,
        status: m.status,
        error: m.error,
        phases: m.phases,
        deltas: m.deltas,
        movePages: m.movePages,
        events: m.events,
        ...(m.crash ? { crash: m.crash } : {}),
        ...(m.trace ? { trace: m.trace, migrateCalls: m.migrateCalls ?? {} } : {}),
        ...(m.exitCode !== undefined ? { exitCode: m.exitCode, output: m.output, stderr: m.stderr ?? '' } : {}),
        replay: r ? { inputs: r.inputs, phases: r.phases, deltas: r.deltas, ranges: r.ranges, movePages: r.movePages, bug: r.bug, migrateCalls: r.migrateCalls ?? {}, verdicts: verdictsOfRun(o.verdicts, i + 1) } : null,
        forecast: f?.verdicts ? { verdicts: verdictsOfRun(f.verdicts, i + 1) } : null,
      };
    }),
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

/** What the verdict column says: the verdict, its allowance or range, and why. */
export function verdictText(v: Pick<CounterVerdict, 'verdict' | 'allowed' | 'boundary' | 'reason'>): string {
  const extra = v.verdict === 'within tolerance' ? ` (±${v.allowed})` : v.boundary ? ` [scan boundary: predicted ${v.boundary.lo}..${v.boundary.hi}]` : '';
  const why = v.reason && v.verdict !== 'nothing to compare' ? ` — ${v.reason}` : '';
  return `${v.verdict}${extra}${why}`;
}

export function formatVerdicts(vs: CounterVerdict[]): string {
  const shown = shownVerdicts(vs);
  const w = Math.max(8, ...shown.map((v) => v.counter.length));
  const head = `${'counter'.padEnd(w)}  ${'measured'.padStart(10)}  ${'predicted'.padStart(10)}  ${'diff'.padStart(8)}  verdict`;
  return [head, ...shown.map((v) => `${v.counter.padEnd(w)}  ${String(v.measured).padStart(10)}  ${String(v.predicted).padStart(10)}  ${String(v.difference).padStart(8)}  ${verdictText(v)}`)].join('\n');
}

/** Repetition 1's calls beside its replay's, per phase (the first 20 of each), or why there are none. */
export function formatCalls(o: ExperimentOutcome): string[] {
  const m = o.measured[0];
  if (!m?.trace) return [];
  if (m.trace.status !== 'captured') return ['', `kernel trace missing: ${m.trace.reason}`];
  const lines = ['', `migrate:mm_migrate_pages, repetition 1: ${m.trace.calls} calls traced (every task), ${m.trace.kept} compared; overrun ${m.trace.overrun}, dropped ${m.trace.dropped}`];
  const predicted = o.replays?.find((r) => r.repetition === 1)?.migrateCalls ?? {};
  const cell = (c: MigrateCall | null) => (c ? `${c.reason} ${c.mode} ok=${c.succeeded} fail=${c.failed} thp=${c.thp_succeeded}/${c.thp_failed} split=${c.thp_split}${c.large_folio_split !== undefined ? ` lsplit=${c.large_folio_split}` : ''}` : '—');
  for (const [phase, calls] of Object.entries(m.migrateCalls ?? {})) {
    const aligned = alignCalls(calls, predicted[phase] ?? []);
    if (!aligned.length) continue;
    lines.push(`  phase ${phase}: ${calls.length} measured, ${(predicted[phase] ?? []).length} predicted`);
    for (const a of aligned.slice(0, 20)) lines.push(`    ${String(a.index + 1).padStart(4)}  ${cell(a.measured).padEnd(64)} | ${cell(a.predicted)}${a.differs.length ? `   differs: ${a.differs.join(', ')}` : ''}`);
    if (aligned.length > 20) lines.push(`    … ${aligned.length - 20} more`);
  }
  return lines;
}

/** Model inputs, one line each: knob=value (source: detail). */
export function formatInputs(inputs: readonly ModelInput[]): string {
  return inputs.map((i) => `  ${i.knob}=${i.value}${i.range ? ` (over ${i.range.lo}..${i.range.hi})` : ''}  [${i.source}] ${i.detail}`).join('\n');
}

function formatForecast(f: Forecast): string[] {
  const lines = [`forecast (before the run, ${f.kernel}):`, formatInputs(f.inputs.filter((i) => i.source !== 'host'))];
  if (f.uncertain.length) lines.push(...f.uncertain.map((u) => `  uncertain: ${u}`));
  if (f.bug) lines.push(`  forecast: kernel BUG (${f.bug.message})`);
  if (f.judgement) lines.push(`  against the runs: ${f.judgement.verdict}${f.asForecast ? `; ${f.asForecast.runs} of ${f.asForecast.of} repetitions as forecast${f.asForecast.withinUncertainty ? ` (${f.asForecast.withinUncertainty} only within its uncertainty)` : ''}` : ''}`);
  return lines;
}

/** A crash as a kernel developer reads it: the BUG line, where (RIP), when (into which phase), and the call trace. */
export function crashLines(what: string, c: NonNullable<MeasuredRun['crash']>): string[] {
  return [
    `KERNEL CRASH (${what}): ${c.headline ?? c.message}`,
    ...(c.rip ? [`  RIP: ${c.rip}${c.comm ? ` (task ${c.comm})` : ''}`] : []),
    ...(c.phase ? [`  ${c.sincePhaseS} s into phase ${c.phase}`] : []),
    ...(c.callTrace?.length ? ['  call trace:', ...c.callTrace.map((f) => `    ${f}`)] : []),
  ];
}

/** A custom command's own output, as it printed it (stdout, then stderr, each line indented). */
export function commandOutputLines(repetition: number, m: Pick<MeasuredRun, 'output' | 'stderr' | 'exitCode'>): string[] {
  const block = (name: string, text: string | undefined) => (text ? [`  ${name}:`, ...text.replace(/\n$/, '').split('\n').map((l) => `    ${l}`)] : [`  ${name}: (empty)`]);
  return [`command output, repetition ${repetition} (exit status ${m.exitCode ?? 'unknown'}):`, ...block('stdout', m.output), ...block('stderr', m.stderr)];
}

export function formatRunText(id: number, o: ExperimentOutcome): string {
  const m0 = o.measured[0];
  const lines = [
    `experiment ${id}: ${o.spec.workload} ${Object.entries(o.spec.params).map(([k, v]) => `${k}=${v}`).join(' ')} on ${o.spec.target} (${m0?.kernel ?? '?'})`,
    o.model ? `model: ${o.model.name} — ${o.model.title}` : o.predicted ? `model: ${o.predicted.variant.name} — ${o.predicted.variant.title}` : o.forecast ? `model: ${o.forecast.kernel}` : 'model: none (a custom command is measured, not simulated)',
    ...(o.model && Object.keys(o.model.overrides).length ? [`behaviours over ${o.model.base}: ${overrideWords(o.model.overrides).join(' ')}`] : []),
    `knobs: ${Object.entries(o.spec.knobs).filter(([k]) => !k.startsWith('sim.')).map(([k, v]) => `${k}=${v}`).join(' ') || '(the host\'s own)'}`,
    `repetitions: ${o.measured.map((m) => `${m.status}${m.runId ? ` (run ${m.runId})` : ''}`).join(', ')}`,
  ];
  for (const w of o.warnings ?? []) lines.push(`warning: ${w}`);
  if (o.forecast) lines.push('', ...formatForecast(o.forecast));
  const predictedBug = o.predicted?.bug ?? o.forecast?.bug;
  if (predictedBug) lines.push('', `PREDICTED BUG: ${predictedBug.message}`);
  for (const [i, m] of o.measured.entries()) if (m.crash) lines.push('', ...crashLines(`repetition ${i + 1}${m.runId ? `, run ${m.runId}` : ''}`, m.crash));
  if (o.replays?.length) lines.push('', 'replay (the model given what the runs measured), repetition 1:', formatInputs(o.replays[0]!.inputs.filter((i) => i.source !== 'host')));
  for (const [phase, vs] of Object.entries(o.verdictsByPhase)) lines.push('', `phase ${phase} (each repetition against its replay)`, formatVerdicts(vs));
  if (o.predicted) lines.push('', 'whole run', formatVerdicts(o.verdicts));
  lines.push(...formatCalls(o));
  if (o.predictedPerRun?.length) lines.push('', "per repetition, phase migrate: measured / predicted for that run's own CPU clocks", formatPerRun(o));
  const status = (s: { status: Record<string, number> } | null | undefined) => (s ? Object.entries(s.status).map(([k, n]) => `${k}=${n}`).join(' ') : '—');
  if (o.measured.some((m) => m.movePages) || o.predicted?.movePages) {
    lines.push('', `move_pages status: predicted ${status(o.predicted?.movePages)}`, ...o.measured.map((m, i) => `  repetition ${i + 1}: ${status(m.movePages)}`));
  }
  if (!o.predicted) {
    for (const [i, m] of o.measured.entries()) {
      lines.push('', `measured deltas (run ${m.runId ?? '?'}${m.exitCode !== undefined ? `, exit status ${m.exitCode}` : ''})`, JSON.stringify(m.deltas));
      if (o.spec.workload === 'custom') lines.push(...commandOutputLines(i + 1, m));
    }
  }
  const j = o.judgement;
  const counts = j ? Object.entries(j.counts).map(([k, n]) => `${n} ${k}`).join(', ') : '';
  lines.push('', j ? `RESULT: ${j.verdict} — ${j.reason}${counts ? ` (${counts})` : ''}` : o.diverged ? 'RESULT: some counters diverged from the prediction' : 'RESULT: measured');
  return lines.join('\n');
}
