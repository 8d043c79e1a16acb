import type { Forecast, ModelInput } from '../../shared/experiments/api';
import { predictedRanges } from '../../shared/experiments/scanBoundary';
import { counterClass } from '../../shared/experiments/verdict';
import type { SimResult, SimSpec } from '../../sim';
import { normalizeWorkloadParams } from '../../shared/workloads';
import { resolveVariant } from '../../sim/variants';
import { forecastAssumptions, forecastKnobSets, type AssumedInput } from '../../sim/uncertainty';
import { runSims, type RunSimOptions } from '../sim/runSim';
import { hostKnobInputs, userModelInputs } from './modelInputs';
import type { ExperimentPlan } from './plan';

export interface UncertainPrediction {
  /** The model at the assumed inputs' nominal values (with the series, when asked for). */
  nominal: SimResult;
  assumed: AssumedInput[];
  /** The nominal knob values of the assumed inputs. */
  assumedKnobs: Record<string, string>;
  ranges: Forecast['ranges'];
  /** Per uncertain counter, in words. */
  uncertain: string[];
}

/**
 * The model on a spec whose run has not happened: what only the run measures is assumed over a
 * range (sim/uncertainty.ts), the model runs at every corner of those ranges, and a counter whose
 * answer changes there is uncertain, with its range, in words. `nrCpus` sizes the default threads.
 */
export async function predictWithUncertainty(spec: SimSpec, nrCpus: number, opts: RunSimOptions = {}): Promise<UncertainPrediction> {
  const given = Object.fromEntries(Object.entries(spec.knobs ?? {}).filter(([k]) => k.startsWith('sim.')));
  const assumed = forecastAssumptions(spec.workload, normalizeWorkloadParams(spec.workload, spec.params ?? {}), resolveVariant(spec.kernel, spec.variant), given, nrCpus);
  const sets = forecastKnobSets(assumed, spec.workload);
  const results = await runSims(sets.map((k) => ({ ...spec, knobs: { ...spec.knobs, ...k } })), opts);
  const ranges = rangesOf(results);
  const over = assumed.filter((a) => a.lo !== a.hi).map((a) => `${a.knob} ${a.lo}–${a.hi}`).join(', ');
  // Only counters the verdicts judge: machine-wide allocation counters move with everything.
  const judged = Object.entries(ranges.total).filter(([c]) => { const cls = counterClass(c); return cls === 'exact' || cls === 'tolerant'; });
  const uncertain = judged.map(([counter, r]) => {
    const values = [...new Set(results.map((x) => x.deltas[counter] ?? 0))].sort((a, b) => a - b);
    return `${counter} ${values.length === 2 ? `${values[0]} or ${values[1]}` : `${r.lo} to ${r.hi}`}: the model's answer changes over what the run will measure (${over})`;
  });
  const bugs = results.filter((r) => r.bug).length;
  if (bugs && bugs < results.length) uncertain.push(`a kernel BUG in ${bugs} of the ${results.length} corners of (${over})`);
  return { nominal: results[0]!, assumed, assumedKnobs: sets[0]!, ranges, uncertain };
}

/**
 * The forecast: the model on the spec, the host's topology, its knobs (with those the experiment
 * will set) and the kernel, before the workload starts, with its stated uncertainty.
 */
export async function forecastExperiment(plan: ExperimentPlan, knobValues: Readonly<Record<string, string>>, signal?: AbortSignal): Promise<Forecast> {
  const spec: SimSpec = { topology: plan.topology, knobs: { ...knobValues, ...plan.hostKnobs, ...plan.modelKnobs }, workload: plan.workload.name, params: plan.params, ...plan.modelSpec };
  const u = await predictWithUncertainty(spec, plan.nrCpus, { signal });
  const inputs: ModelInput[] = [
    ...hostKnobInputs(plan, { ...knobValues, ...plan.hostKnobs }, 'read from the host before the run'),
    ...userModelInputs(plan),
    ...u.assumed.map((a) => ({
      knob: a.knob,
      value: u.assumedKnobs[a.knob]!,
      source: 'assumed' as const,
      detail: a.detail,
      ...(a.lo !== a.hi ? { range: { lo: String(a.lo), hi: String(a.hi) } } : {}),
    })),
  ];
  return { kernel: u.nominal.variant.name, inputs, phases: u.nominal.phases, deltas: u.nominal.deltas, ranges: u.ranges, uncertain: u.uncertain, bug: u.nominal.bug, movePages: u.nominal.movePages };
}

/** Per phase and in total, the counters on which the predictions differ, with their lowest and highest value. */
export function rangesOf(results: readonly SimResult[]): Forecast['ranges'] {
  const phaseNames = [...new Set(results.flatMap((r) => Object.keys(r.phases)))];
  return {
    phases: Object.fromEntries(phaseNames.map((p) => [p, predictedRanges(results.map((r) => r.phases[p] ?? {}))])),
    total: predictedRanges(results.map((r) => r.deltas)),
  };
}
