import { mean } from '../shared/experiments/stats';

/**
 * Knob values the model reads, with the kernel's defaults when a knob is absent. Keys may be
 * given as the lab's knob names (`thp.enabled`, `numa.balancing`, `numa.scan_delay_ms`, ...),
 * as sysfs/procfs/debugfs paths or sysctl names (`/sys/kernel/mm/transparent_hugepage/enabled`,
 * `kernel.numa_balancing`, `numa_balancing/scan_size_mb`); values may be sysfs's bracketed form
 * (`always [madvise] never`).
 */
export interface SimKnobs {
  thpEnabled: 'always' | 'madvise' | 'never';
  thpDefrag: 'always' | 'defer' | 'defer+madvise' | 'madvise' | 'never';
  /** /sys/kernel/mm/transparent_hugepage/shrink_underused (6.12+, default 1). */
  shrinkUnderused: boolean;
  /** khugepaged/max_ptes_none (default HPAGE_PMD_NR - 1 = 511). */
  maxPtesNone: number;
  /** /proc/sys/kernel/numa_balancing: bit 0 NORMAL, bit 1 MEMORY_TIERING. */
  numaBalancing: number;
  scanDelayMs: number;
  scanPeriodMinMs: number;
  scanPeriodMaxMs: number;
  scanSizeMb: number;
  hotThresholdMs: number;
  /** CONFIG_HZ (Debian: 250). */
  hz: number;
  /** Model-only: pages a touching thread visits per second (numa-touch writes one byte per page). */
  touchPagesPerSec: number;
  /** Model-only: bzero bandwidth of one numa01/numa02 thread, MiB/s. */
  bzeroMibPerSec: number;
  /**
   * Model-only: CPU time (ms) each workload task has used when the measured window begins — the
   * exec, the set-up and the first touch. task_tick_numa() scans by CPU time, so this shifts every
   * scan; null = the model's own estimate of the set-up. Experiments calibrate it from the
   * workload's CPU clocks (`task_cpu_s - cpu_s`).
   */
  prewindowCpuMs: number | null;
  /**
   * Model-only, numa01/numa02: the wall time (ms) from the processes' fork to the window's start.
   * A forked mm's numa_next_scan is armed at fork + scan_delay of wall time, so a thread whose CPU
   * time passes the scan period before then is not scanned until a period later; null = the CPU
   * time before the window (the setup ran at full speed). Experiments read it from the workload
   * (`prewindow_wall_s`).
   */
  prewindowWallMs: number | null;
  /**
   * Model-only: the share of the window each workload task spends on a CPU (its
   * sum_exec_runtime grows this much slower than jiffies). 1 on an idle machine; below 1 when the
   * sampler or other tasks share the CPU. Experiments calibrate it from `cpu_s / window`.
   */
  cpuShare: number;
  /**
   * Model-only, numa01/numa02: the same two per worker thread (process by process, thread by
   * thread), when the knobs are given as lists (`sim.prewindow_cpu_ms=950,1010`): each thread is
   * scanned by its own clock, so one process may get a scan in the window while the other does
   * not. The scalars above are then their means.
   */
  prewindowCpuMsPerTask: number[] | null;
  cpuSharePerTask: number[] | null;
  /**
   * Model-only: where exec and start-up put an exec'd workload's own pages, per kind: the
   * arguments at the stack's top (written by execve()), main's stack frame, .data, and the TLS
   * block at the heap's start. null = all on the workload's `from` node. Experiments read it from
   * the workload (thp-move's `image_nodes`); the knob takes one node for all or four, `a,f,d,t`.
   */
  imageNodes: ImageNodes | null;
  /**
   * Model-only, numa01/numa02, per process: pages between the start of the region's mmap() and
   * the 2 MiB-aligned region (the alignment head, 0..511, where ASLR put the mapping). The head
   * merges with the first thread stack's VMA, and task_numa_work() charges its budget for it
   * (process_image.ts). Experiments read it from the workload (`region_head_gap_pages`).
   */
  regionHeadGapPages: number[] | null;
  /** Model-only: node memory the kernel itself keeps, MiB per node. */
  reservedMibPerNode: number;
  /** Model-only: run deferred_split_scan() (memory-pressure shrinker) at the end of the setup phase. */
  shrinkAfterSetup: boolean;
}

type KnobKey = keyof SimKnobs;

const KEY_SUFFIXES: Record<KnobKey, string[]> = {
  thpEnabled: ['thp.enabled', 'transparent_hugepage/enabled', 'thp_enabled'],
  thpDefrag: ['thp.defrag', 'transparent_hugepage/defrag', 'thp_defrag'],
  shrinkUnderused: ['thp.shrink_underused', 'transparent_hugepage/shrink_underused', 'shrink_underused'],
  maxPtesNone: ['khugepaged/max_ptes_none', 'thp.khugepaged.max_ptes_none', 'max_ptes_none'],
  numaBalancing: ['numa.balancing', 'kernel.numa_balancing', 'kernel/numa_balancing', 'numa_balancing'],
  scanDelayMs: ['numa.scan_delay_ms', 'scan_delay_ms', 'numa_balancing_scan_delay_ms'],
  scanPeriodMinMs: ['numa.scan_period_min_ms', 'scan_period_min_ms', 'numa_balancing_scan_period_min_ms'],
  scanPeriodMaxMs: ['numa.scan_period_max_ms', 'scan_period_max_ms', 'numa_balancing_scan_period_max_ms'],
  scanSizeMb: ['numa.scan_size_mb', 'scan_size_mb', 'numa_balancing_scan_size_mb'],
  hotThresholdMs: ['numa.hot_threshold_ms', 'hot_threshold_ms', 'numa_balancing_hot_threshold_ms'],
  hz: ['sim.hz', 'hz'],
  touchPagesPerSec: ['sim.touch_pages_per_sec'],
  bzeroMibPerSec: ['sim.bzero_mib_per_sec'],
  prewindowCpuMs: ['sim.prewindow_cpu_ms'],
  prewindowWallMs: ['sim.prewindow_wall_ms'],
  cpuShare: ['sim.cpu_share'],
  imageNodes: ['sim.image_nodes'],
  regionHeadGapPages: ['sim.region_head_gap_pages'],
  // set through sim.prewindow_cpu_ms / sim.cpu_share given as lists
  prewindowCpuMsPerTask: [],
  cpuSharePerTask: [],
  reservedMibPerNode: ['sim.reserved_mib_per_node'],
  shrinkAfterSetup: ['sim.shrink_after_setup'],
};

/**
 * The model's own inputs, `sim.*` (calibration such as sim.cpu_share, the tick rate): knobs of the
 * prediction only, never written to a host.
 */
export const MODEL_KNOBS: readonly string[] = Object.values(KEY_SUFFIXES)
  .flat()
  .filter((s) => s.startsWith('sim.'));

export function isModelKnob(name: string): boolean {
  return name.startsWith('sim.');
}

/** Whether the model reads this host knob (by the lab's id or a path); the others it ignores. */
export function isModelledKnob(name: string): boolean {
  return !isModelKnob(name) && (findKey(name) !== null || PMD_MTHP_ENABLED.test(name.trim()));
}

export function defaultKnobs(): SimKnobs {
  return {
    thpEnabled: 'always',
    thpDefrag: 'madvise',
    shrinkUnderused: true,
    maxPtesNone: 511,
    numaBalancing: 0,
    scanDelayMs: 1000,
    scanPeriodMinMs: 1000,
    scanPeriodMaxMs: 60000,
    scanSizeMb: 256,
    hotThresholdMs: 1000,
    hz: 250,
    // The ground-truth guest's touch loop made 2e5–4e5 passes over 4096 pages in 8 s.
    touchPagesPerSec: 2e8,
    bzeroMibPerSec: 2048,
    prewindowCpuMs: null,
    prewindowWallMs: null,
    cpuShare: 1,
    imageNodes: null,
    regionHeadGapPages: null,
    prewindowCpuMsPerTask: null,
    cpuSharePerTask: null,
    reservedMibPerNode: 64,
    shrinkAfterSetup: false,
  };
}

/** Where an exec'd process's start-up pages are (sim.image_nodes). */
export interface ImageNodes {
  /** The arguments and environment at the stack's top, written by execve(). */
  args: number;
  /** main()'s stack frame. */
  frame: number;
  /** The binary's .data (and, on 6.12, the small VMA below it). */
  data: number;
  /** The main thread's TLS block: the first pages of the brk heap of a static binary. */
  tls: number;
}

function imageNodes(name: string, v: unknown): ImageNodes {
  const parts = (Array.isArray(v) ? v.map(String) : String(v).split(',')).map((x) => x.trim());
  const ids = parts.map(Number);
  if ((parts.length !== 1 && parts.length !== 4) || ids.some((n, i) => parts[i] === '' || !Number.isInteger(n) || n < 0 || n > 1023)) {
    throw new Error(`knob ${name}: given "${String(v)}"; allowed: a node id, or four (args,frame,data,tls) separated by commas, e.g. 0,0,1,1`);
  }
  const [args, frame = args, data = args, tls = args] = ids as [number, ...number[]];
  return { args, frame, data, tls };
}

function bracketed(v: string): string {
  const m = /\[([^\]]+)\]/.exec(v);
  return (m ? m[1]! : v).trim();
}

function findKey(raw: string): KnobKey | null {
  const k = raw.trim().toLowerCase();
  for (const [key, suffixes] of Object.entries(KEY_SUFFIXES) as [KnobKey, string[]][]) {
    for (const s of suffixes) if (k === s || k.endsWith('/' + s) || k.endsWith('.' + s)) return key;
  }
  return null;
}

function num(name: string, v: unknown, min: number, max: number): number {
  const n = typeof v === 'number' ? v : Number(bracketed(String(v)));
  if (!Number.isFinite(n) || n < min || n > max) {
    throw new Error(`knob ${name}: given "${String(v)}"; allowed: a number from ${min} to ${max}`);
  }
  return n;
}

/** One number, or several separated by commas (per task); each within [min, max]. */
function numList(name: string, v: unknown, min: number, max: number): number[] {
  if (typeof v === 'number') return [num(name, v, min, max)];
  const parts = String(v).split(',');
  try {
    return parts.map((p) => num(name, p.trim() === '' ? NaN : p, min, max));
  } catch {
    throw new Error(`knob ${name}: given "${String(v)}"; allowed: a number from ${min} to ${max}, or one per task separated by commas`);
  }
}


function choice<T extends string>(name: string, v: unknown, allowed: readonly T[]): T {
  const s = bracketed(String(v)) as T;
  if (!allowed.includes(s)) throw new Error(`knob ${name}: given "${String(v)}"; allowed: ${allowed.join(', ')}`);
  return s;
}

/** Unknown keys are ignored (the lab passes every knob it snapshots); bad values throw. */
/** The PMD size's own mTHP switch (6.8+): the lab's id or its sysfs path. */
const PMD_MTHP_ENABLED = /(?:^mthp\.2048kB\.enabled|hugepages-2048kB\/enabled)$/i;

export function normalizeKnobs(raw: Record<string, unknown> | undefined, defaults: Partial<SimKnobs> = {}): SimKnobs {
  const k: SimKnobs = { ...defaultKnobs(), ...defaults };
  let pmdMode: SimKnobs['thpEnabled'] | undefined;
  for (const [name, v] of Object.entries(raw ?? {})) {
    if (v === undefined || v === null) continue;
    // 6.8+: a PMD-size setting other than `inherit` decides PMD THPs whatever the top-level
    // `enabled` says (thp_vma_allowable_orders(): huge_anon_orders_always/madvise/inherit).
    if (PMD_MTHP_ENABLED.test(name.trim())) {
      const mode = choice(name, v, ['always', 'madvise', 'never', 'inherit'] as const);
      if (mode !== 'inherit') pmdMode = mode;
      continue;
    }
    const key = findKey(name);
    if (!key) continue;
    switch (key) {
      case 'thpEnabled':
        k.thpEnabled = choice(name, v, ['always', 'madvise', 'never'] as const);
        break;
      case 'thpDefrag':
        k.thpDefrag = choice(name, v, ['always', 'defer', 'defer+madvise', 'madvise', 'never'] as const);
        break;
      case 'shrinkUnderused':
      case 'shrinkAfterSetup':
        k[key] = num(name, typeof v === 'boolean' ? (v ? 1 : 0) : v, 0, 1) === 1;
        break;
      case 'maxPtesNone':
        k.maxPtesNone = num(name, v, 0, 511);
        break;
      case 'numaBalancing':
        k.numaBalancing = num(name, typeof v === 'boolean' ? (v ? 1 : 0) : v, 0, 3);
        break;
      case 'scanDelayMs':
      case 'scanPeriodMinMs':
      case 'scanPeriodMaxMs':
      case 'hotThresholdMs':
        k[key] = num(name, v, 0, 1e8);
        break;
      case 'scanSizeMb':
        k.scanSizeMb = num(name, v, 1, 1e6);
        break;
      case 'hz':
        k.hz = num(name, v, 100, 1000);
        break;
      case 'touchPagesPerSec':
        k.touchPagesPerSec = num(name, v, 1, 1e12);
        break;
      case 'bzeroMibPerSec':
        k.bzeroMibPerSec = num(name, v, 1, 1e7);
        break;
      case 'prewindowCpuMs': {
        const xs = numList(name, v, 0, 1e7);
        k.prewindowCpuMs = mean(xs);
        k.prewindowCpuMsPerTask = xs.length > 1 ? xs : null;
        break;
      }
      case 'prewindowWallMs':
        k.prewindowWallMs = num(name, v, 0, 1e7);
        break;
      case 'cpuShare': {
        const xs = numList(name, v, 0.01, 1);
        k.cpuShare = mean(xs);
        k.cpuSharePerTask = xs.length > 1 ? xs : null;
        break;
      }
      case 'imageNodes':
        k.imageNodes = imageNodes(name, v);
        break;
      case 'regionHeadGapPages': {
        const xs = numList(name, v, 0, 511);
        if (xs.some((x) => !Number.isInteger(x))) throw new Error(`knob ${name}: given "${String(v)}"; allowed: whole pages from 0 to 511, one per process separated by commas`);
        k.regionHeadGapPages = xs;
        break;
      }
      case 'reservedMibPerNode':
        k.reservedMibPerNode = num(name, v, 0, 1e7);
        break;
    }
  }
  if (pmdMode) k.thpEnabled = pmdMode;
  return k;
}
