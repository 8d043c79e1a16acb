import type { AbComparison, AbSide, ExperimentOutcome } from './api';
import { compareGroups, type GroupRow } from './compareRuns';

/**
 * Kernel A against kernel B, each beside what the model said for it: the measured table
 * mmtests' compare-kernels prints (compareGroups), plus per side the model's number and the
 * side's verdict and crash (AbComparisonSchema says what each field is).
 */
export type { AbComparison, AbRow, AbSide } from './api';

type SideInput = Omit<AbSide, 'verdict' | 'reason' | 'diverged' | 'crash' | 'predictedBug' | 'repetitions'> & { outcome: ExperimentOutcome };

function predictedPhases(o: ExperimentOutcome): { from: 'replay' | 'forecast' | 'none'; phases: Record<string, Record<string, number>>; total: Record<string, number> } {
  if (o.predicted) return { from: 'replay', phases: o.predicted.phases, total: o.predicted.deltas };
  if (o.forecast) return { from: 'forecast', phases: o.forecast.phases, total: o.forecast.deltas };
  return { from: 'none', phases: {}, total: {} };
}

function side(label: 'A' | 'B', s: SideInput): AbSide {
  const o = s.outcome;
  const c = o.measured.find((m) => m.crash)?.crash;
  const bug = o.predicted?.bug ?? o.forecast?.bug;
  return {
    label,
    kernel: s.kernel,
    release: s.release,
    model: s.model,
    target: s.target,
    experimentId: s.experimentId,
    verdict: o.judgement?.verdict ?? null,
    reason: o.judgement?.reason ?? null,
    diverged: o.diverged,
    crash: c ? { headline: c.headline ?? c.message, rip: c.rip ?? null, phase: c.phase ?? null, sincePhaseS: c.sincePhaseS ?? null } : null,
    predictedBug: bug ? bug.message : null,
    repetitions: o.measured.map((m) => m.status),
  };
}

export function abComparison(a: SideInput, b: SideInput): AbComparison {
  // A crashed repetition still measured the phases that ended before the crash: they count.
  const group = (s: SideInput) => ({ label: s.label, runs: s.outcome.measured.filter((m) => m.status === 'completed' || m.status === 'crashed').map((m) => ({ phases: m.phases, complete: m.status === 'completed' })) });
  const pa = predictedPhases(a.outcome);
  const pb = predictedPhases(b.outcome);
  const pick = (p: ReturnType<typeof predictedPhases>, phase: string, counter: string) => {
    if (p.from === 'none') return null;
    return (phase === 'total' ? p.total[counter] : p.phases[phase]?.[counter]) ?? 0;
  };
  const rows = compareGroups(group(a), group(b)).map((r) => ({ ...r, predictedA: pick(pa, r.phase, r.counter), predictedB: pick(pb, r.phase, r.counter) }));
  return { a: side('A', a), b: side('B', b), predictedFrom: { a: pa.from, b: pb.from }, rows };
}
