import type { CounterVerdict, ExperimentOutcome, Forecast, MeasuredRun } from '../../shared/experiments/api';
import { asForecast, isDisagreement, judgeExperiment } from '../../shared/experiments/judge';
import { SCAN_BOUNDARY_CPU_MS } from '../../shared/experiments/scanBoundary';
import { verdicts, type RunInput, type VerdictOptions } from '../../shared/experiments/verdict';
import type { ExperimentPlan } from './plan';
import type { ExperimentReplay } from './replay';

type Deltas = Record<string, number>;
type Judged = Pick<ExperimentOutcome, 'verdicts' | 'verdictsByPhase' | 'judgement' | 'diverged'> & { forecast: Forecast | null };

const REPLAY_UNCERTAINTY = `the kernel sees a scan's crossing at the first tick after it, up to ${SCAN_BOUNDARY_CPU_MS} ms of CPU late on the virtual box: the model with the CPU time before the window that much lower gives the other answer`;

/**
 * Judges the runs: each completed repetition against its own replay (verdicts, the experiment's
 * judgement), and the same repetitions against the forecast (how often the kernel did what the
 * forecast said). Nothing here runs the model; it only compares.
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
  // One prediction per repetition (its phases and ranges), judged phase by phase and in total.
  const judgeAgainst = (predictionOf: (repetition: number) => { phases: Record<string, Deltas>; deltas: Deltas; ranges: Forecast['ranges'] }, reference: { phases: Record<string, Deltas>; deltas: Deltas }, uncertainty: string) => {
    const phaseNames = [...new Set([...Object.keys(reference.phases), ...completed.flatMap((c) => Object.keys(c.run.phases))])];
    const runs = (pick: (d: { phases: Record<string, Deltas>; deltas: Deltas }) => Deltas, ranges: (p: ReturnType<typeof predictionOf>) => RunInput['ranges']): RunInput[] =>
      completed.map((c) => {
        const p = predictionOf(c.repetition);
        return { repetition: c.repetition, measured: pick(c.run), predicted: pick(p), ranges: ranges(p) };
      });
    const byPhase: Record<string, CounterVerdict[]> = Object.fromEntries(
      phaseNames.map((ph) => [ph, verdicts(runs((d) => d.phases[ph] ?? {}, (p) => p.ranges.phases[ph]), reference.phases[ph] ?? {}, { ...opts, uncertainty })]),
    );
    const total = verdicts(runs((d) => d.deltas, (p) => p.ranges.total), reference.deltas, { ...opts, uncertainty });
    return { byPhase, total };
  };

  const judgementOf = (vs: CounterVerdict[], bug: { message: string } | null) =>
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
  if (forecast && completed.length) {
    const fv = judgeAgainst(() => forecast, forecast, `over what the run would measure: ${forecast.inputs.filter((i) => i.range).map((i) => `${i.knob} ${i.range!.lo}–${i.range!.hi}`).join(', ')}`);
    judgedForecast = { ...forecast, verdicts: fv.total, verdictsByPhase: fv.byPhase, judgement: judgementOf(fv.total, forecast.bug), asForecast: asForecast(fv.total, completed.map((c) => c.repetition)) };
  } else if (forecast) {
    judgedForecast = { ...forecast, judgement: judgementOf([], forecast.bug) };
  }

  if (!replay || !completed.length) {
    const judgement = judgementOf([], replay?.predicted.bug ?? forecast?.bug ?? null);
    return { verdicts: [], verdictsByPhase: {}, judgement, diverged: isDisagreement(judgement.verdict), forecast: judgedForecast };
  }
  const replayOf = new Map(replay.replays.map((r) => [r.repetition, r]));
  const rv = judgeAgainst((rep) => replayOf.get(rep)!, replay.predicted, REPLAY_UNCERTAINTY);
  const judgement = judgementOf(rv.total, replay.predicted.bug);
  return { verdicts: rv.total, verdictsByPhase: rv.byPhase, judgement, diverged: isDisagreement(judgement.verdict), forecast: judgedForecast };
}
