import type { ModelInput } from '../../shared/experiments/api';
import type { WorkloadParams } from '../../shared/workloads';
import { mean } from '../../shared/experiments/stats';

/**
 * The simulator's NUMA-balancing timeline depends on quantities of the run, not of the kernel:
 * - how fast the workload sweeps its memory (hint faults follow its accesses): a guest under
 *   TCG bzeroes at a fraction of a real machine's speed → `sim.bzero_mib_per_sec` from the
 *   workload's `elapsed_s` (numa01/numa02);
 * - the CPU time each task had when the window began and the share of the window it ran (per
 *   thread when numa01/numa02 report their threads' clocks, `threads_cpu_s`/`threads_task_cpu_s`):
 *   task_tick_numa() scans by sum_exec_runtime, and a scan that falls within milliseconds of the
 *   window's end (numa-touch secs=8: the third at 8.016 s of CPU time) is in or out by them →
 *   `sim.prewindow_cpu_ms` and `sim.cpu_share` from the workload's CPU clocks (thp-move:
 *   `task_cpu_s`, `cpu_s`; numa01/numa02: `thread_task_cpu_s`, `thread_cpu_s`);
 * - the wall time from numa01/numa02's forks to the window (`prewindow_wall_s`): the children's
 *   numa_next_scan is armed at fork + scan_delay of wall time, so a thread whose CPU time passes
 *   the scan period before that is not scanned until a period later → `sim.prewindow_wall_ms`;
 * - where ASLR put numa01/numa02's region mapping below its aligned start (6.1 does not align
 *   anonymous mappings; its head merges with the first thread stack and costs scan budget) →
 *   `sim.region_head_gap_pages`, per process;
 * - where exec and start-up put an exec'd workload's own pages (thp-move's `image_nodes`: the
 *   arguments, main's frame, .data, the TLS block): the first scan in the window updates and
 *   faults those not on the node the task then runs on → `sim.image_nodes`.
 * Each is the mean over the given results (the node: the most common one); a knob is left out
 * when nothing can be derived.
 */
export function calibrationKnobs(workload: string, params: WorkloadParams, results: Array<Record<string, unknown> | undefined>, nrCpus: number): Record<string, string> {
  return Object.fromEntries(calibrationInputs(workload, params, results, nrCpus, '').map((i) => [i.knob, i.value]));
}

/**
 * The same, each knob as a model input with where it came from: which of the workload's own
 * clocks or reports, over `of` ("repetition 2", "the mean of 5 repetitions").
 */
export function calibrationInputs(workload: string, params: WorkloadParams, results: Array<Record<string, unknown> | undefined>, nrCpus: number, of: string): ModelInput[] {
  const infos = results.map(infoOf);
  const out: ModelInput[] = [];
  const add = (knob: string, value: string, what: string) => out.push({ knob, value, source: 'measured', detail: of ? `${what}, ${of}` : what });
  const round = (x: number, d: number) => String(Math.round(x * 10 ** d) / 10 ** d);
  if (workload === 'numa01' || workload === 'numa02') {
    const rate = calibratedBzeroRate(workload, params, results, nrCpus);
    if (rate) add('sim.bzero_mib_per_sec', String(rate), `${workload}'s sweeps over its elapsed_s`);
    // Per thread when every run reported its threads' clocks: each thread is scanned by its own
    // clock (numa01: one process may get its first scan in the window and the other not).
    const perThread = perThreadClocks(infos);
    if (perThread) {
      add('sim.prewindow_cpu_ms', perThread.map((t) => round(t.pre, 1)).join(','), "each thread's threads_task_cpu_s − threads_cpu_s (CPU time before the window)");
      add('sim.cpu_share', perThread.map((t) => round(Math.max(0.01, Math.min(1, t.share)), 4)).join(','), "each thread's threads_cpu_s / elapsed_s");
    } else {
      const pre = meanOf(infos, (i) => (Number(i.thread_task_cpu_s) - Number(i.thread_cpu_s)) * 1000);
      const share = meanOf(infos, (i) => Number(i.thread_cpu_s) / Number(i.elapsed_s));
      if (pre !== undefined) add('sim.prewindow_cpu_ms', round(pre, 1), 'thread_task_cpu_s − thread_cpu_s (CPU time before the window)');
      if (share !== undefined && share > 0) add('sim.cpu_share', round(Math.min(1, share), 4), 'thread_cpu_s / elapsed_s');
    }
    const wall = meanOf(infos, (i) => Number(i.prewindow_wall_s) * 1000);
    if (wall !== undefined) add('sim.prewindow_wall_ms', round(wall, 1), 'prewindow_wall_s (wall time from the forks to the window: when their numa_next_scan comes)');
    // Per process, where ASLR put the region's mapping below its 2 MiB-aligned start (the most
    // common value over the runs): it sets how much of the region the first scan pass reaches.
    const heads = infos.map((i) => (Array.isArray(i.region_head_gap_pages) ? i.region_head_gap_pages : undefined));
    const nprocs = heads.find((h) => h)?.length ?? 0;
    const gaps = Array.from({ length: nprocs }, (_, p) => modeOf(heads.map((h) => h?.[p])));
    if (nprocs && gaps.every((g) => g !== undefined && g <= 511)) add('sim.region_head_gap_pages', gaps.join(','), 'region_head_gap_pages (where ASLR put the region below its 2 MiB-aligned start)');
  } else if (workload === 'numa-touch') {
    const pre = meanOf(infos, (i) => (Number(i.task_cpu_s) - Number(i.cpu_s)) * 1000);
    const share = meanOf(infos, (i) => Number(i.cpu_s) / Number(i.move_pages_s));
    if (pre !== undefined) add('sim.prewindow_cpu_ms', round(pre, 1), 'task_cpu_s − cpu_s (CPU time before the window)');
    if (share !== undefined && share > 0) add('sim.cpu_share', round(Math.min(1, share), 4), 'cpu_s / move_pages_s (share of the window on a CPU)');
    // Per kind of page, the most common node over the runs.
    const kinds = [0, 1, 2, 3].map((j) => modeOf(infos.map((i) => (Array.isArray(i.image_nodes) ? i.image_nodes[j] : undefined))));
    if (kinds.every((n) => n !== undefined)) add('sim.image_nodes', kinds.join(','), 'image_nodes (where exec put its arguments, frame, .data and TLS)');
  }
  return out;
}

/** The sweep rate (MiB/s per thread) numa01/numa02 measured: undefined when nothing can be derived. */
export function calibratedBzeroRate(workload: string, params: WorkloadParams, results: Array<Record<string, unknown> | undefined>, nrCpus: number): number | undefined {
  if (workload !== 'numa01' && workload !== 'numa02') return undefined;
  const mean = meanOf(results.map(infoOf), (i) => Number(i.elapsed_s), (x) => x > 0);
  if (mean === undefined) return undefined;
  const size = Number(params.size_mib);
  const loops = Number(params.loops);
  const threads = Number(params.threads) || (workload === 'numa01' ? Math.max(1, Math.floor(nrCpus / 2)) : nrCpus);
  // numa01: every thread sweeps the whole process memory; numa02: each thread its own slice.
  const perThreadMiB = workload === 'numa01' ? size * loops : (size / threads) * loops;
  const rate = perThreadMiB / mean;
  return Number.isFinite(rate) && rate > 0 ? Math.round(rate) : undefined;
}

function infoOf(result: Record<string, unknown> | undefined): Record<string, unknown> {
  return (result?.info ?? {}) as Record<string, unknown>;
}

/** Mean of f over the results where it is a finite number passing `keep` (≥ 0 by default); undefined if none. */
function meanOf(infos: Array<Record<string, unknown>>, f: (i: Record<string, unknown>) => number, keep: (x: number) => boolean = (x) => x >= 0): number | undefined {
  const xs = infos.map(f).filter((x) => Number.isFinite(x) && keep(x));
  return xs.length ? mean(xs) : undefined;
}

/** The most common non-negative integer among the values (the lowest on a tie); undefined if none. */
function modeOf(values: unknown[]): number | undefined {
  const counts = new Map<number, number>();
  for (const v of values) {
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
    if (Number.isInteger(n) && n >= 0) counts.set(n, (counts.get(n) ?? 0) + 1);
  }
  let best: number | undefined;
  for (const [n, c] of counts) if (best === undefined || c > counts.get(best)! || (c === counts.get(best)! && n < best)) best = n;
  return best;
}

/** Per thread, the mean over the runs of its CPU time before the window (ms) and its share of the window. */
function perThreadClocks(infos: Array<Record<string, unknown>>): Array<{ pre: number; share: number }> | undefined {
  const nums = (x: unknown) => (Array.isArray(x) && x.every((v) => typeof v === 'number' && Number.isFinite(v)) ? (x as number[]) : undefined);
  const runs = infos.map((i) => ({ cpu: nums(i.threads_cpu_s), task: nums(i.threads_task_cpu_s), elapsed: Number(i.elapsed_s) }));
  const n = runs[0]?.cpu?.length ?? 0;
  if (n < 2 || !runs.every((r) => r.cpu?.length === n && r.task?.length === n && r.elapsed > 0)) return undefined;
  return Array.from({ length: n }, (_, j) => ({
    pre: mean(runs.map((r) => Math.max(0, r.task![j]! - r.cpu![j]!) * 1000)),
    share: mean(runs.map((r) => r.cpu![j]! / r.elapsed)),
  }));
}
