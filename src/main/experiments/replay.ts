import type { MeasuredRun, ModelInput, PredictedRun, Replay } from '../../shared/experiments/api';
import { SCAN_BOUNDARY_CPU_MS, shiftPrewindow } from '../../shared/experiments/scanBoundary';
import type { SimResult, SimSpec } from '../../sim';
import { runSims } from '../sim/runSim';
import { calibrationInputs } from './calibrate';
import { rangesOf } from './forecast';
import { hostKnobInputs, userModelInputs } from './modelInputs';
import type { ExperimentPlan } from './plan';
import { modelCallsByPhase } from '../../shared/trace/migrateCalls';

export interface ExperimentReplay {
  /** The model given the mean of the repetitions' measurements, with its series for the charts. */
  predicted: SimResult;
  /** The knobs it was given: the host's, the user's and the calibration. */
  knobs: Record<string, string>;
  /** Per completed repetition, the model given that repetition's own measurements. */
  replays: Replay[];
  /** The same for NUMA-balancing workloads, in the shape `predictedPerRun` always had. */
  predictedPerRun?: PredictedRun[];
}

/**
 * The replays: the model given what the runs measured (their CPU clocks, sweep speed and
 * layout, each input with its source), once for the mean of the repetitions and once per
 * repetition; and, where the CPU time before the window calibrates it, once more with that time
 * SCAN_BOUNDARY_CPU_MS lower. task_tick_numa() sees a crossing at the first tick after it, and on
 * the virtual box that tick may come late; never early. So a counter that differs between the
 * two is one the model cannot decide for that run (shared/experiments/scanBoundary.ts).
 */
export async function replayExperiment(
  plan: ExperimentPlan,
  knobValues: Readonly<Record<string, string>>,
  completed: ReadonlyArray<{ repetition: number; run: MeasuredRun }>,
  signal?: AbortSignal,
): Promise<ExperimentReplay> {
  const { workload, params, nrCpus } = plan;
  const notGiven = (inputs: ModelInput[]) => inputs.filter((i) => !(i.knob in plan.req.knobs));
  const calibrate = (runs: ReadonlyArray<{ run: MeasuredRun }>, of: string) => notGiven(calibrationInputs(workload.name, params, runs.map((r) => r.run.result), nrCpus, of));
  const knobsOf = (cal: ModelInput[]) => ({ ...knobValues, ...plan.hostKnobs, ...plan.modelKnobs, ...Object.fromEntries(cal.map((i) => [i.knob, i.value])) });
  const spec = (knobs: Record<string, string>): SimSpec => ({ topology: plan.topology, knobs, workload: workload.name, params, ...plan.modelSpec });

  const meanCal = calibrate(completed, completed.length === 1 ? `repetition ${completed[0]!.repetition}` : `the mean of ${completed.length} repetitions`);
  const perRun = completed.map((c) => {
    const cal = calibrate([c], `repetition ${c.repetition}`);
    const knobs = knobsOf(cal);
    return { ...c, cal, knobs, shifted: shiftPrewindow(knobs, -SCAN_BOUNDARY_CPU_MS) as Record<string, string> | undefined };
  });

  // One worker for every prediction: the mean first (its series feed the overlay charts), then
  // each repetition's and its shifted one, each distinct spec once.
  const horizon = (typeof params.secs === 'number' ? params.secs : 0) + 3;
  const keyOf = (k: Record<string, string>) => JSON.stringify(Object.entries(k).sort());
  const order: Array<Record<string, string>> = [knobsOf(meanCal)];
  const index = new Map<string, number>([[keyOf(order[0]!), 0]]);
  const need = (k: Record<string, string>) => {
    const key = keyOf(k);
    if (!index.has(key)) index.set(key, order.push(k) - 1);
    return index.get(key)!;
  };
  const slots = perRun.map((r) => ({ center: need(r.knobs), shifted: r.shifted ? need(r.shifted) : undefined }));
  const results = await runSims(order.map(spec), { signal, sampleTimes: Array.from({ length: 301 }, (_, i) => (horizon * i) / 300) });

  const hostInputs = hostKnobInputs(plan, { ...knobValues, ...plan.hostKnobs }, 'read from the host after the knobs were set');
  const replays: Replay[] = perRun.map((r, i) => {
    const center = results[slots[i]!.center]!;
    const shifted = slots[i]!.shifted === undefined ? undefined : results[slots[i]!.shifted!]!;
    return {
      repetition: r.repetition,
      inputs: [...hostInputs, ...userModelInputs(plan), ...r.cal],
      phases: center.phases,
      deltas: center.deltas,
      ranges: rangesOf(shifted ? [center, shifted] : [center]),
      bug: center.bug,
      movePages: center.movePages,
      migrateCalls: modelCallsByPhase(center.trace, center.events),
    };
  });
  return {
    predicted: results[0]!,
    knobs: { ...plan.req.knobs, ...plan.hostKnobs, ...Object.fromEntries(meanCal.map((i) => [i.knob, i.value])) },
    replays,
    ...(workload.mechanism === 'numa-balancing'
      ? { predictedPerRun: replays.map((r, i) => ({ repetition: r.repetition, knobs: Object.fromEntries(perRun[i]!.cal.map((c) => [c.knob, c.value])), phases: r.phases, deltas: r.deltas })) }
      : {}),
  };
}
