import type { CounterVerdict, ExperimentOutcome, Forecast, Judgement, MeasuredRun } from '../../shared/experiments/api';
import { asForecast, isDisagreement, judgeExperiment } from '../../shared/experiments/judge';
import { SCAN_BOUNDARY_CPU_MS } from '../../shared/experiments/scanBoundary';
import { verdicts, type RunInput, type VerdictOptions } from '../../shared/experiments/verdict';
import type { ExperimentPlan } from './plan';
import type { ExperimentReplay } from './replay';
import { traceVerdicts, type TraceRule, type TraceRun } from '../../shared/experiments/traceVerdicts';
import { modelCallsByPhase, traceIncomplete } from '../../shared/trace/migrateCalls';

type Deltas = Record<string, number>;
type Judged = Pick<ExperimentOutcome, 'verdicts' | 'verdictsByPhase' | 'judgement' | 'diverged'> & { forecast: Forecast | null };
/** What a repetition is judged against: per phase and in total, with the model's ranges. */
type Prediction = { phases: Record<string, Deltas>; deltas: Deltas; ranges: Forecast['ranges'] };
type Completed = { repetition: number; run: MeasuredRun };

const REPLAY_UNCERTAINTY = `the kernel sees a scan's crossing at the first tick after it, up to ${SCAN_BOUNDARY_CPU_MS} ms of CPU late on the virtual box: the model with the CPU time before the window that much lower gives the other answer`;

/**
 * Judges the runs: each completed repetition against its own replay (the verdicts and the
 * experiment's judgement), and the same repetitions against the forecast (how often the kernel
 * did what the forecast said). Nothing here runs the model; it only compares.
 */
export function judgeOutcome(plan: ExperimentPlan, measured: readonly MeasuredRun[], forecast: Forecast | null, replay: ExperimentReplay | null): Judged {
  const completed = measured.map((run, i) => ({ repetition: i + 1, run })).filter((c) => c.run.status === 'completed');
  const balancingOn = (Number(replay?.knobs['numa.balancing'] ?? plan.hostKnobs['numa.balancing'] ?? 0) & 1) === 1;
  const opts: VerdictOptions = {
    // Pages outside the workload's region move too with NUMA balancing on (a few: tolerance), and
    // migrate_pages(2) moves the whole process (its binary's data, stack, page cache: +9 pages on
    // 6.1, +203 on 6.12 for thps=8), which the model does not know: shown, not judged.
    otherPagesMove: plan.workload.mechanism === 'numa-balancing' || balancingOn,
    infoOnly: plan.workload.name === 'migrate-pages' ? ['pgmigrate_success', 'pgmigrate_fail'] : [],
    keyCounters: plan.workload.keyCounters,
    mechanismOff: plan.mechanismOff,
  };
  const judgementOf = (vs: CounterVerdict[], bug: { message: string } | null): Judgement =>
    judgeExperiment({
      workload: plan.workload.name,
      simulated: plan.workload.simulated,
      runs: measured.map((m, i) => ({ repetition: i + 1, status: m.status, deltas: m.deltas, crash: m.crash })),
      verdicts: vs,
      predictedBug: bug,
      mechanismOff: plan.mechanismOff,
      purpose: plan.workload.purpose(plan.params),
    });

  let judgedForecast = forecast;
  if (forecast) {
    const over = forecast.inputs.filter((i) => i.range).map((i) => `${i.knob} ${i.range!.lo}–${i.range!.hi}`).join(', ');
    const fv = judgeRuns(completed, () => forecast, forecast, { ...opts, uncertainty: `over what the run would measure: ${over}` });
    judgedForecast = {
      ...forecast,
      ...(completed.length ? { verdicts: fv.total, verdictsByPhase: fv.byPhase, asForecast: asForecast(fv.total, completed.map((c) => c.repetition)) } : {}),
      judgement: judgementOf(fv.total, forecast.bug),
    };
  }

  const counters = replay ? judgeRuns(completed, (rep) => replay.replays.find((r) => r.repetition === rep)!, replay.predicted, { ...opts, uncertainty: REPLAY_UNCERTAINTY }) : { byPhase: {}, total: [] };
  const rv = replay ? withTrace(counters, completed, replay, traceRule(plan, opts)) : counters;
  const judgement = judgementOf(rv.total, replay ? replay.predicted.bug : (forecast?.bug ?? null));
  return { verdicts: rv.total, verdictsByPhase: rv.byPhase, judgement, diverged: isDisagreement(judgement.verdict), forecast: judgedForecast };
}

/** How the calls are judged: call by call where the workload alone decides them, per reason where the scheduler does. */
function traceRule(plan: ExperimentPlan, opts: VerdictOptions): TraceRule {
  if (opts.infoOnly?.includes('pgmigrate_success')) return 'info';
  return opts.otherPagesMove ? 'per-reason' : 'sequence';
}

/** The counters' verdicts with the trace's rows after them, over the repetitions whose trace was captured whole. */
function withTrace(counters: { byPhase: Record<string, CounterVerdict[]>; total: CounterVerdict[] }, completed: readonly Completed[], replay: ExperimentReplay, rule: TraceRule) {
  const runs: TraceRun[] = completed.flatMap(({ repetition, run }) => {
    const predicted = replay.replays.find((r) => r.repetition === repetition)?.migrateCalls;
    return run.trace?.status === 'captured' && !traceIncomplete(run.trace) && run.migrateCalls && predicted ? [{ repetition, measured: run.migrateCalls, predicted }] : [];
  });
  if (!runs.length) return counters;
  const phases = Object.keys(runs[0]!.measured);
  const t = traceVerdicts(runs, modelCallsByPhase(replay.predicted.trace, replay.predicted.events), phases, rule);
  return {
    byPhase: { ...counters.byPhase, ...Object.fromEntries(Object.entries(t.byPhase).map(([p, vs]) => [p, [...(counters.byPhase[p] ?? []), ...vs]])) },
    total: [...counters.total, ...t.total],
  };
}

/** Every completed repetition against its own prediction, phase by phase and in total; `reference` is the value shown beside the mean. */
function judgeRuns(completed: readonly Completed[], predictionOf: (repetition: number) => Prediction, reference: Pick<Prediction, 'phases' | 'deltas'>, opts: VerdictOptions) {
  const inputs = (pick: (x: Pick<Prediction, 'phases' | 'deltas'>) => Deltas, ranges: (p: Prediction) => RunInput['ranges']): RunInput[] =>
    completed.map(({ repetition, run }) => {
      const p = predictionOf(repetition);
      return { repetition, measured: pick(run), predicted: pick(p), ranges: ranges(p) };
    });
  const phases = [...new Set([...Object.keys(reference.phases), ...completed.flatMap((c) => Object.keys(c.run.phases))])];
  if (!completed.length) return { byPhase: {}, total: [] };
  return {
    byPhase: Object.fromEntries(phases.map((ph) => [ph, verdicts(inputs((d) => d.phases[ph] ?? {}, (p) => p.ranges.phases[ph]), reference.phases[ph] ?? {}, opts)])) as Record<string, CounterVerdict[]>,
    total: verdicts(inputs((d) => d.deltas, (p) => p.ranges.total), reference.deltas, opts),
  };
}
