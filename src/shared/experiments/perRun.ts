/**
 * Per repetition of a NUMA-balancing experiment: the migrate-phase counters measured beside the
 * model calibrated by that repetition's own CPU clocks. One pairing for the CLI, the Experiments
 * view and the sim-vs-box benchmark.
 */
export const PER_RUN_COUNTERS = ['numa_pte_updates', 'numa_huge_pte_updates', 'numa_hint_faults', 'numa_hint_faults_local', 'numa_pages_migrated'] as const;

type Deltas = Record<string, number>;

export interface PerRunRow {
  repetition: number;
  /** The calibration knobs that repetition gave the model. */
  knobs: Record<string, string>;
  cells: Array<{ counter: string; measured: number; predicted: number }>;
}

export function perRunRows(
  o: { measured: ReadonlyArray<{ phases: Record<string, Deltas> }>; predictedPerRun?: ReadonlyArray<{ repetition: number; knobs: Record<string, string>; phases: Record<string, Deltas> }> },
  counters: readonly string[] = PER_RUN_COUNTERS,
): PerRunRow[] {
  return (o.predictedPerRun ?? []).map((p) => {
    const m = o.measured[p.repetition - 1]?.phases.migrate ?? {};
    return { repetition: p.repetition, knobs: p.knobs, cells: counters.map((c) => ({ counter: c, measured: m[c] ?? 0, predicted: p.phases.migrate?.[c] ?? 0 })) };
  });
}
