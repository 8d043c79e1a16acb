/**
 * What a forecast does not know: the model's inputs that only the run itself measures (CPU
 * clocks, sweep speed, where ASLR and exec put the workload's pages). A forecast runs the model
 * at the ends of each range and reports every counter whose answer changes: that is its stated
 * uncertainty, never a single value that happens to fall on one side of a knife edge.
 */
import { SCAN_BOUNDARY_CPU_MS } from '../shared/experiments/scanBoundary';
import { HPAGE_PMD_NR, MIB_PAGES } from './constants';
import { imageFacts } from './facts';
import { resolveVariant, type KernelVariant } from './variants';
import type { WorkloadParams } from '../shared/workloads';

export interface AssumedInput {
  knob: string;
  /** The value of the nominal forecast. */
  nominal: number;
  /** The range the forecast is run over; lo === hi: assumed, not varied. */
  lo: number;
  hi: number;
  detail: string;
}

/** bzero bandwidth of one thread, MiB/s: TCG guests measured 3000–3450, real machines up to ~16 GiB/s. */
const BZERO = { nominal: 2048, lo: 1024, hi: 16384 };
/** The share of the window a busy task gets on a CPU: 1 idle; the box measured 0.75–0.84 for numa01/numa02's threads. */
const SHARE = { single: { lo: 0.95, hi: 1 }, threads: { lo: 0.7, hi: 1 } };

const round1 = (x: number) => Math.round(x * 10) / 10;

/**
 * The assumed inputs of a forecast for a workload, given the knobs the user fixed (those are
 * inputs, not assumptions). Empty for workloads whose counters do not depend on timing.
 */
export function forecastAssumptions(workload: string, params: WorkloadParams, kernel: string | KernelVariant, given: Readonly<Record<string, unknown>>, nrCpus: number): AssumedInput[] {
  const out: AssumedInput[] = [];
  const add = (a: AssumedInput) => {
    if (given[a.knob] === undefined) out.push(a);
  };
  const variant = typeof kernel === 'string' ? resolveVariant(kernel) : kernel;
  if (workload === 'numa-touch') {
    const f = imageFacts(variant.base).exec.setupCpuMs.value;
    const est = f.base + Number(params.thps) * HPAGE_PMD_NR * f.perPage;
    add({
      knob: 'sim.prewindow_cpu_ms',
      nominal: round1(est),
      // The tick that sees a scan's crossing may come up to SCAN_BOUNDARY_CPU_MS of CPU late.
      lo: round1(Math.max(0, est * f.lo - SCAN_BOUNDARY_CPU_MS)),
      hi: round1(est * f.hi),
      detail: `CPU time before the window (exec, faults, set-up): estimated ${round1(est)} ms from the box's runs, taken as ×${f.lo}…×${f.hi}, less up to ${SCAN_BOUNDARY_CPU_MS} ms for a late tick`,
    });
    add({ knob: 'sim.cpu_share', nominal: 1, ...SHARE.single, detail: 'share of the window the task runs: 1 on an idle CPU, a few % less beside the sampler or other tasks' });
    // Where exec and start-up put the process's own pages is the scheduler's choice: on `from`
    // (remote in the window: 8–11 more PTE updates, 6–9 more hint faults) or on `to` (local).
    add({ knob: 'sim.image_nodes', nominal: Number(params.from), lo: Number(params.from), hi: Number(params.to), detail: `exec and start-up pages on node ${params.from} or ${params.to} (the scheduler's choice at exec; the boxes had both)` });
  } else if (workload === 'numa01' || workload === 'numa02') {
    const threads = Number(params.threads) || (workload === 'numa01' ? Math.max(1, Math.floor(nrCpus / 2)) : nrCpus);
    const sweepMiB = workload === 'numa01' ? Number(params.size_mib) : Number(params.size_mib) / threads;
    const sweepMs = (sweepMiB * MIB_PAGES) / ((BZERO.nominal * MIB_PAGES) / 1000);
    add({ knob: 'sim.bzero_mib_per_sec', ...BZERO, detail: `bzero speed of one thread: ${BZERO.nominal} MiB/s assumed, ${BZERO.lo}–${BZERO.hi} (TCG guests ~3000, real machines far more)` });
    add({
      knob: 'sim.prewindow_cpu_ms',
      nominal: round1(sweepMs),
      lo: round1(sweepMs * 0.5),
      hi: round1(sweepMs * 12),
      // The boxes measured ×2.4–2.8 of it (numa01/numa02 256 MiB, 2 nodes) and ×9–12 (numa02 192 MiB, 3 nodes).
      detail: `each thread's CPU time before the window (fork, thread start, first touch): one sweep's ${round1(sweepMs)} ms assumed, ×0.5…×12 (the boxes measured ×2.4 to ×12 of it)`,
    });
    add({ knob: 'sim.cpu_share', nominal: 1, ...SHARE.threads, detail: "share of the window each thread runs (the box's numa01/numa02 threads: 0.75–0.84)" });
    // Without anon_thp_align an anonymous mapping is not THP-aligned: ASLR decides the region's
    // alignment head (0–511 pages), which merges with the first thread stack and costs scan budget.
    if (variant.behaviours.anon_thp_align === 'no') {
      const nprocs = workload === 'numa01' ? 2 : 1;
      add({ knob: 'sim.region_head_gap_pages', nominal: 0, lo: 0, hi: 511, detail: `where ASLR puts the region's mapping below its 2 MiB-aligned start, per process (${nprocs}): 0–511 pages on kernels before 6.7` });
    }
  }
  return out;
}

/** The knob value of an assumed input at `v`, for every task or process the knob has one per. */
export function assumedKnobValue(a: AssumedInput, v: number, workload: string): string {
  if (a.knob === 'sim.region_head_gap_pages') return Array.from({ length: workload === 'numa01' ? 2 : 1 }, () => String(Math.round(v))).join(',');
  return String(v);
}

/**
 * The knob sets a forecast runs: the nominal one first, then every corner of the ranged inputs
 * (each at its lo or hi), at most 2^4 of them.
 */
export function forecastKnobSets(assumed: readonly AssumedInput[], workload: string): Array<Record<string, string>> {
  const nominal = Object.fromEntries(assumed.map((a) => [a.knob, assumedKnobValue(a, a.nominal, workload)]));
  const ranged = assumed.filter((a) => a.lo !== a.hi);
  const corners: Array<Record<string, string>> = [];
  for (let mask = 0; mask < 1 << ranged.length; mask++) {
    corners.push({ ...nominal, ...Object.fromEntries(ranged.map((a, i) => [a.knob, assumedKnobValue(a, mask & (1 << i) ? a.hi : a.lo, workload)])) });
  }
  return [nominal, ...corners];
}
