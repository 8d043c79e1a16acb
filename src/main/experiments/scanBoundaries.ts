import type { SimResult, SimSpec } from '../../sim';
import { predictedRanges, SCAN_BOUNDARY_CPU_MS, shiftPrewindow, type PredictedRange } from '../../shared/experiments/scanBoundary';
import { runSim } from '../sim/runSim';

export interface ScanBoundaryRanges {
  /** Per phase, the counters whose prediction moves when the window's CPU time is shifted. */
  phases: Record<string, Record<string, PredictedRange>>;
  total: Record<string, PredictedRange>;
  /** The two shifted predictions' knobs, for the record. */
  shiftedKnobs: NonNullable<SimSpec['knobs']>[];
}

/**
 * The model again with the CPU time before the window shifted by ±SCAN_BOUNDARY_CPU_MS
 * (shared/experiments/scanBoundary.ts says why), and the range of the three predictions per
 * counter. undefined when the spec is not calibrated by CPU time.
 */
export async function scanBoundaryRanges(spec: SimSpec, predicted: SimResult, signal?: AbortSignal): Promise<ScanBoundaryRanges | undefined> {
  const knobs = spec.knobs ?? {};
  const shifted = [-SCAN_BOUNDARY_CPU_MS, SCAN_BOUNDARY_CPU_MS].map((d) => shiftPrewindow(knobs, d));
  if (shifted.some((k) => !k)) return undefined;
  // Two workers at once: each prediction is independent of the other.
  const results = [predicted, ...(await Promise.all(shifted.map((k) => runSim({ ...spec, knobs: k! }, { signal }))))];
  const phaseNames = [...new Set(results.flatMap((r) => Object.keys(r.phases)))];
  return {
    phases: Object.fromEntries(phaseNames.map((p) => [p, predictedRanges(results.map((r) => r.phases[p] ?? {}))])),
    total: predictedRanges(results.map((r) => r.deltas)),
    shiftedKnobs: shifted as NonNullable<SimSpec['knobs']>[],
  };
}
