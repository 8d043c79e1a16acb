/**
 * An experiment's verdict, read top to bottom: did anything run, did the kernel crash (and did
 * the model say it would), was the workload's mechanism on at all, did any counter diverge, was
 * any undecided, and did the workload's purpose happen. Only the last step can say `agrees`:
 * a run where nothing moved is `vacuous`, never green.
 */
import type { CounterVerdict, ExperimentVerdict, Judgement } from './api';
import { countVerdicts } from './verdict';

export interface JudgedRun {
  repetition: number;
  status: 'completed' | 'stopped' | 'failed' | 'host-lost' | 'crashed';
  deltas: Record<string, number>;
  crash?: { message: string };
}

export interface JudgeInput {
  workload: string;
  /** false for `custom`: measured, never simulated. */
  simulated: boolean;
  runs: readonly JudgedRun[];
  /** Whole-run verdicts of the completed repetitions. */
  verdicts: readonly CounterVerdict[];
  /** The kernel BUG the model predicts for this spec, if any. */
  predictedBug: { message: string } | null;
  /** Why the workload's mechanism was off (e.g. numa.balancing=0), if it was. */
  mechanismOff?: string;
  /** The counters that say the workload's purpose happened (WorkloadSpec.purpose). */
  purpose: readonly string[];
}

const judgement = (verdict: ExperimentVerdict, reason: string, vs: readonly CounterVerdict[]): Judgement => ({ verdict, reason, counts: countVerdicts([...vs]) });

export function judgeExperiment(x: JudgeInput): Judgement {
  const vs = x.verdicts;
  const crashed = x.runs.filter((r) => r.status === 'crashed');
  const completed = x.runs.filter((r) => r.status === 'completed');
  if (crashed.length) {
    const what = crashed[0]!.crash?.message ?? 'the kernel crashed';
    if (x.predictedBug) return judgement('crash as predicted', `repetition ${crashed[0]!.repetition}: the kernel crashed (${what}); the model predicted ${x.predictedBug.message}`, vs);
    return judgement('unexpected crash', `repetition ${crashed[0]!.repetition}: the kernel crashed (${what}); the model predicted no crash`, vs);
  }
  if (!completed.length) return judgement('no repetition completed', 'no repetition completed, so nothing was compared', vs);
  if (x.predictedBug) return judgement('predicted crash did not happen', `the model predicted ${x.predictedBug.message}; ${completed.length === 1 ? 'the repetition' : `all ${completed.length} repetitions`} ran to the end without a crash`, vs);
  if (!x.simulated) return judgement('not compared', `${x.workload} is measured, not simulated: its deltas are shown, nothing is compared`, vs);
  if (x.mechanismOff) return judgement('nothing to compare', x.mechanismOff, vs);
  const diverged = vs.filter((v) => v.verdict === 'diverged');
  if (diverged.length) return judgement('diverged', `${diverged.length} counter${diverged.length === 1 ? '' : 's'} diverged: ${diverged.map((v) => v.counter).join(', ')}`, vs);
  const undecided = vs.filter((v) => v.verdict === 'undecided');
  if (undecided.length) return judgement('undecided', `${undecided.map((v) => v.counter).join(', ')}: ${undecided[0]!.reason ?? "the model's answer changes within its timing uncertainty"}`, vs);
  if (x.purpose.length && completed.every((r) => x.purpose.every((c) => (r.deltas[c] ?? 0) === 0))) {
    return judgement('vacuous', `nothing happened that the workload is for: ${x.purpose.join(', ')} stayed 0 in every repetition, so agreeing on it shows nothing`, vs);
  }
  const judged = vs.filter((v) => v.verdict === 'exact' || v.verdict === 'within tolerance').length;
  return judgement('agrees', `every compared counter (${judged}) agrees in every repetition`, vs);
}

/** The verdicts that mean the model and the kernel disagree: `numa-lab run` exits 3 for them. */
export function isDisagreement(v: ExperimentVerdict): boolean {
  return v === 'diverged' || v === 'unexpected crash' || v === 'predicted crash did not happen';
}

/**
 * How often the kernel did what the forecast said: runs with no counter diverged from it, and of
 * those how many only within its uncertainty (an undecided counter).
 */
export function asForecast(forecastVerdicts: readonly CounterVerdict[], repetitions: readonly number[]): { runs: number; of: number; withinUncertainty: number } {
  let runs = 0;
  let withinUncertainty = 0;
  for (const rep of repetitions) {
    const own = forecastVerdicts.map((v) => v.runs?.find((r) => r.repetition === rep)?.verdict);
    if (own.includes('diverged')) continue;
    runs++;
    if (own.includes('undecided')) withinUncertainty++;
  }
  return { runs, of: repetitions.length, withinUncertainty };
}
