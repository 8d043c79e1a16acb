import type { WorkloadParams } from '../../shared/workloads';

/**
 * The simulator's NUMA-balancing timeline depends on quantities of the run, not of the kernel:
 * - how fast the workload sweeps its memory (hint faults follow its accesses): a guest under
 *   TCG bzeroes at a fraction of a real machine's speed → `sim.bzero_mib_per_sec` from the
 *   workload's `elapsed_s` (numa01/numa02);
 * - the CPU time each task had when the window began and the share of the window it ran:
 *   task_tick_numa() scans by sum_exec_runtime, and a scan that falls within milliseconds of the
 *   window's end (numa-touch secs=8: the third at 8.016 s of CPU time) is in or out by them →
 *   `sim.prewindow_cpu_ms` and `sim.cpu_share` from the workload's CPU clocks (thp-move:
 *   `task_cpu_s`, `cpu_s`; numa01/numa02: `thread_task_cpu_s`, `thread_cpu_s`).
 * Each is the mean over the given results; a knob is left out when nothing can be derived.
 */
export function calibrationKnobs(workload: string, params: WorkloadParams, results: Array<Record<string, unknown> | undefined>, nrCpus: number): Record<string, string> {
  const infos = results.map((r) => (r?.info ?? {}) as Record<string, unknown>);
  const mean = (f: (i: Record<string, unknown>) => number): number | undefined => {
    const xs = infos.map(f).filter((x) => Number.isFinite(x) && x >= 0);
    return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : undefined;
  };
  const out: Record<string, string> = {};
  const round = (x: number, d: number) => String(Math.round(x * 10 ** d) / 10 ** d);
  if (workload === 'numa01' || workload === 'numa02') {
    const rate = calibratedBzeroRate(workload, params, results, nrCpus);
    if (rate) out['sim.bzero_mib_per_sec'] = String(rate);
    const pre = mean((i) => (Number(i.thread_task_cpu_s) - Number(i.thread_cpu_s)) * 1000);
    const share = mean((i) => Number(i.thread_cpu_s) / Number(i.elapsed_s));
    if (pre !== undefined) out['sim.prewindow_cpu_ms'] = round(pre, 1);
    if (share !== undefined && share > 0) out['sim.cpu_share'] = round(Math.min(1, share), 4);
  } else if (workload === 'numa-touch') {
    const pre = mean((i) => (Number(i.task_cpu_s) - Number(i.cpu_s)) * 1000);
    const share = mean((i) => Number(i.cpu_s) / Number(i.move_pages_s));
    if (pre !== undefined) out['sim.prewindow_cpu_ms'] = round(pre, 1);
    if (share !== undefined && share > 0) out['sim.cpu_share'] = round(Math.min(1, share), 4);
  }
  return out;
}

/** The sweep rate (MiB/s per thread) numa01/numa02 measured: undefined when nothing can be derived. */
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
