import type { ExperimentResult, MovePagesSummary } from '../shared/experiment';
import type { MigrateTrace } from './kernel';
import type { CounterSeries } from './sampler';
import type { ResolvedVariant, VariantOverrides } from '../shared/sim/behaviours';

export interface SimTopologyNode {
  id: number;
  cpus: number[];
  memMiB: number;
  /** A lower memory tier (e.g. CXL/pmem via dax kmem): promotions from it count pgpromote_success. */
  slow?: boolean;
}

/** The experiment spec, as the real run uses it (JSON-serialisable). */
export interface SimSpec {
  topology: {
    nodes: SimTopologyNode[];
    /**
     * node_distance(): one row per node in `nodes` order (as /sys/devices/system/node/node<N>/distance
     * prints it); integers 10..254, 10 on the diagonal. Absent: 10 on the diagonal, 20 elsewhere.
     */
    distance?: number[][];
  };
  /** Knob name → value; absent knobs take the kernel defaults (see knobs.ts for accepted names). */
  knobs?: Record<string, string | number | boolean>;
  workload: string;
  /** `--param name=value` pairs (strings) or typed values. */
  params?: Record<string, string | number | boolean>;
  /** A variant name (`linux-6.12+`) or a `uname -r` release (`6.12.117+deb13-amd64`). */
  kernel: string;
  /** Behaviour switches over the kernel's variant (a patch under test), with a name for the set. */
  variant?: VariantOverrides;
}

export interface SimOptions {
  /** Seconds from the run's start at which to report cumulative counters. */
  sampleTimes?: number[];
  /** Checked in the simulation loops; set aborted=true to cancel (throws SimCancelled). */
  signal?: { aborted: boolean };
  onProgress?: (p: { phase: string; fraction: number }) => void;
  /** Seed for the access phases of multi-threaded workloads (numa01/numa02). */
  seed?: number;
  /**
   * Tests: at the end, recount every node's used pages from the page tables and every mm's RSS,
   * and throw if they differ from the allocator's books (pages lost or duplicated).
   */
  audit?: boolean;
  /**
   * Tests: false takes every NUMA hint fault through the per-page path in time order, the
   * reference the extent-batched engine (the default) must match to the counter.
   */
  batchFaults?: boolean;
  /** Tests: keep only this many mm_migrate_pages records (20000 by default; later calls are counted). */
  traceLimit?: number;
}

export interface SimBug {
  message: string;
  where: string;
  condition: string;
  function: string;
  t: number;
}

/** ExperimentResult plus what only a prediction has. */
export interface SimResult extends ExperimentResult {
  /** The kernel string the spec gave (release or variant). */
  requestedKernel: string;
  /** The model the prediction used: its base preset, every switch, and what was changed. */
  variant: ResolvedVariant;
  movePages: MovePagesSummary | null;
  /** One record per migrate_pages() call, like the migrate:mm_migrate_pages tracepoint. */
  trace: MigrateTrace[];
  /** migrate_pages() calls beyond the trace limit, counted but not listed. */
  traceDropped: number;
  series: CounterSeries | null;
  bug: SimBug | null;
  /** Simulated run length, seconds. */
  simulatedSeconds: number;
}
