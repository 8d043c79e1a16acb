import type { WorkloadParams } from '../../shared/workloads';

/**
 * The simulator's NUMA-balancing timeline depends on how fast the workload sweeps its memory
 * (task_numa_work is driven by the task's CPU time, hint faults by its accesses). A guest under
 * TCG bzeroes at a fraction of a real machine's speed, so for numa01/numa02 the model is given
 * the sweep rate the workload itself measured (its `elapsed_s` for the bzero loops), as the
 * model-only knob `sim.bzero_mib_per_sec`. Returns undefined when nothing can be derived.
 */
export function calibratedBzeroRate(workload: string, params: WorkloadParams, results: Array<Record<string, unknown> | undefined>, nrCpus: number): number | undefined {
  if (workload !== 'numa01' && workload !== 'numa02') return undefined;
  const elapsed = results
    .map((r) => Number((r?.info as Record<string, unknown> | undefined)?.elapsed_s))
    .filter((x) => Number.isFinite(x) && x > 0);
  if (!elapsed.length) return undefined;
  const mean = elapsed.reduce((a, b) => a + b, 0) / elapsed.length;
  const size = Number(params.size_mib);
  const loops = Number(params.loops);
  const threads = Number(params.threads) || (workload === 'numa01' ? Math.max(1, Math.floor(nrCpus / 2)) : nrCpus);
  // numa01: every thread sweeps the whole process memory; numa02: each thread its own slice.
  const perThreadMiB = workload === 'numa01' ? size * loops : (size / threads) * loops;
  const rate = perThreadMiB / mean;
  return Number.isFinite(rate) && rate > 0 ? Math.round(rate) : undefined;
}
