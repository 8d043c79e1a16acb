/**
 * The knob catalog: every THP and NUMA-balancing setting the lab reads, writes and restores, the
 * file(s) each lives in per kernel era, how its value is validated, and where it sits in the
 * restore order. Environment-free: the host side (src/main/knobs) only ever writes to a path
 * that comes out of this file, never to one a user typed.
 *
 * Value ranges are the kernel's own (mm/huge_memory.c, mm/khugepaged.c, kernel/sched/core.c,
 * kernel/sched/debug.c, mm/memory-tiers.c); where the kernel prints a bracketed choice list the
 * allowed values are read from the host instead (see sysfsChoice.ts).
 */

export type KnobGroup = 'thp' | 'mthp' | 'khugepaged' | 'numa' | 'tiering';

export const KNOB_GROUPS: { id: KnobGroup; title: string }[] = [
  { id: 'thp', title: 'THP' },
  { id: 'mthp', title: 'mTHP sizes' },
  { id: 'khugepaged', title: 'khugepaged' },
  { id: 'numa', title: 'NUMA balancing' },
  { id: 'tiering', title: 'Tiering and reclaim' },
];

/** u32 and int limits the kernel's parsers enforce (kstrtouint, proc_dointvec_minmax). */
export const UINT_MAX = 4294967295;
export const INT_MAX = 2147483647;

/**
 * How a value is checked. `choice`: the kernel prints `a [b] c`; allowed values are what it
 * printed (`fixed` only for files that print just the value, like demotion_enabled).
 * `int`: a decimal in [min, max]; `maxFromPmd` means the max is HPAGE_PMD_NR - 1, read on the host.
 */
export type KnobValueSpec =
  | { kind: 'choice'; fixed?: string[] }
  | { kind: 'int'; min: number; max: number; maxFromPmd?: boolean; rangeNote?: string };

/** One candidate location; the first that exists on the host wins (newest era first). */
export interface KnobLocation {
  path: string;
  /** Kernel era this location belongs to, for the one-line "where" shown to the user. */
  era: string;
  /** Needs debugfs mounted at /sys/kernel/debug. */
  debugfs?: boolean;
}

export interface KnobDef {
  id: string;
  group: KnobGroup;
  meaning: string;
  unit?: string;
  locations: KnobLocation[];
  value: KnobValueSpec;
  /** Restore/apply order: lower goes first. See RESTORE_RANKS. */
  rank: number;
  /** Shown when the knob is absent: which kernels have it. */
  since?: string;
}

/**
 * The safe order for writing several knobs (apply and restore alike): per-size mTHP before the
 * top-level `enabled` (a size set to `inherit` follows the top level the moment it is written),
 * khugepaged's tunables before `enabled` (writing `enabled` starts or stops khugepaged, which
 * should wake with its final settings), the scan tunables and tiering knobs before the
 * numa_balancing switch (so the scanner starts with the intended period and size).
 */
export const RESTORE_RANKS = { mthp: 10, khugepaged: 20, thpSecondary: 30, thpEnabled: 40, numaTunable: 50, tiering: 55, numaSwitch: 60 } as const;

const THP = '/sys/kernel/mm/transparent_hugepage';
const KHP = `${THP}/khugepaged`;
const DEBUGFS_NB = '/sys/kernel/debug/sched/numa_balancing';
export const DEBUGFS_MOUNT = '/sys/kernel/debug';

const thp = (name: string, meaning: string, value: KnobValueSpec, rank: number, since?: string): KnobDef => ({
  id: `thp.${name}`,
  group: 'thp',
  meaning,
  locations: [{ path: `${THP}/${name}`, era: 'sysfs' }],
  value,
  rank,
  since,
});

const khugepaged = (name: string, meaning: string, value: KnobValueSpec, unit?: string): KnobDef => ({
  id: `khugepaged.${name}`,
  group: 'khugepaged',
  meaning,
  unit,
  locations: [{ path: `${KHP}/${name}`, era: 'sysfs' }],
  value,
  rank: RESTORE_RANKS.khugepaged,
});

/** The scan tunables moved from /proc/sys/kernel to debugfs in 5.13 ("sched: Move SCHED_DEBUG sysctl to debugfs"). */
const scanTunable = (name: string, meaning: string, unit: string, min: number, procName?: string): KnobDef => ({
  id: `numa.${name}`,
  group: 'numa',
  meaning,
  unit,
  locations: [
    { path: `${DEBUGFS_NB}/${name}`, era: '5.13+: debugfs sched/numa_balancing', debugfs: true },
    ...(procName ? [{ path: `/proc/sys/kernel/${procName}`, era: 'before 5.13: sysctl' }] : []),
  ],
  value: { kind: 'int', min, max: UINT_MAX },
  rank: RESTORE_RANKS.numaTunable,
  since: procName ? undefined : '5.18 (memory tiering)',
});

const BOOL01: KnobValueSpec = { kind: 'int', min: 0, max: 1 };
const PTES: KnobValueSpec = { kind: 'int', min: 0, max: 511, maxFromPmd: true, rangeNote: 'HPAGE_PMD_NR - 1' };

export const KNOB_CATALOG: KnobDef[] = [
  thp('enabled', 'When anonymous memory gets PMD-sized THPs: always, only in MADV_HUGEPAGE regions, or never.', { kind: 'choice' }, RESTORE_RANKS.thpEnabled),
  thp('defrag', 'How hard a THP fault tries to compact memory (direct, deferred to kcompactd, only for madvised regions, never).', { kind: 'choice' }, RESTORE_RANKS.thpSecondary),
  thp('use_zero_page', 'Read faults on THP regions map the huge zero page (1) instead of allocating.', BOOL01, RESTORE_RANKS.thpSecondary),
  thp('shmem_enabled', 'THP policy for shmem/tmpfs mappings (deny and force are for testing).', { kind: 'choice' }, RESTORE_RANKS.thpSecondary),
  thp('shrink_underused', 'Let the deferred-split shrinker split THPs that are mostly zero-filled (1).', BOOL01, RESTORE_RANKS.thpSecondary, '6.12'),
  khugepaged('defrag', 'khugepaged may compact memory to allocate a THP for collapse (1).', BOOL01),
  khugepaged('pages_to_scan', 'Pages khugepaged scans per wake-up.', { kind: 'int', min: 1, max: UINT_MAX, rangeNote: 'the kernel refuses 0' }, 'pages'),
  khugepaged('scan_sleep_millisecs', 'Sleep between khugepaged scan passes.', { kind: 'int', min: 0, max: UINT_MAX }, 'ms'),
  khugepaged('alloc_sleep_millisecs', 'Sleep after a failed THP allocation before khugepaged retries.', { kind: 'int', min: 0, max: UINT_MAX }, 'ms'),
  khugepaged('max_ptes_none', 'Empty PTEs a collapse may fill (511: collapse even almost empty ranges).', PTES, 'ptes'),
  khugepaged('max_ptes_swap', 'Swapped-out PTEs a collapse may swap back in.', PTES, 'ptes'),
  khugepaged('max_ptes_shared', 'Shared PTEs a collapse may include.', PTES, 'ptes'),
  {
    id: 'numa.balancing',
    group: 'numa',
    meaning: 'Automatic NUMA balancing: 0 off, 1 NORMAL (move memory to the accessing node), 2 MEMORY_TIERING (promote hot pages), 3 both.',
    locations: [{ path: '/proc/sys/kernel/numa_balancing', era: 'sysctl' }],
    value: { kind: 'int', min: 0, max: 3, rangeNote: '0-3 where the kernel has memory tiering (5.18+), 0-1 before' },
    rank: RESTORE_RANKS.numaSwitch,
  },
  {
    id: 'numa.promote_rate_limit_MBps',
    group: 'numa',
    meaning: 'Upper bound on promotion bandwidth in tiering mode.',
    unit: 'MB/s',
    locations: [{ path: '/proc/sys/kernel/numa_balancing_promote_rate_limit_MBps', era: 'sysctl' }],
    value: { kind: 'int', min: 0, max: INT_MAX },
    rank: RESTORE_RANKS.numaTunable,
    since: '6.0',
  },
  scanTunable('scan_delay_ms', 'Delay before a new task first scans its address space.', 'ms', 0, 'numa_balancing_scan_delay_ms'),
  scanTunable('scan_period_min_ms', 'Shortest period between scans of a task.', 'ms', 0, 'numa_balancing_scan_period_min_ms'),
  scanTunable('scan_period_max_ms', 'Longest period between scans of a task.', 'ms', 0, 'numa_balancing_scan_period_max_ms'),
  scanTunable('scan_size_mb', 'Address space marked PROT_NONE per scan.', 'MB', 1, 'numa_balancing_scan_size_mb'),
  scanTunable('hot_threshold_ms', 'Tiering: a page faulted within this time of its scan counts as hot.', 'ms', 0),
  {
    id: 'vm.zone_reclaim_mode',
    group: 'tiering',
    meaning: 'Reclaim on the local node before allocating off-node: bits 1 reclaim, 2 write dirty pages, 4 swap.',
    locations: [{ path: '/proc/sys/vm/zone_reclaim_mode', era: 'sysctl' }],
    value: { kind: 'int', min: 0, max: 7, rangeNote: 'bits 1|2|4' },
    rank: RESTORE_RANKS.tiering,
  },
  {
    id: 'numa.demotion_enabled',
    group: 'tiering',
    meaning: 'Reclaim demotes pages to a slower memory tier instead of discarding them.',
    locations: [{ path: '/sys/kernel/mm/numa/demotion_enabled', era: 'sysfs' }],
    value: { kind: 'choice', fixed: ['true', 'false'] },
    rank: RESTORE_RANKS.tiering,
    since: '5.15',
  },
];

/** Per-size mTHP knobs (6.8+): one directory per size the kernel supports, found on the host. */
export const MTHP_DIR_RE = /^hugepages-(\d{1,9})kB$/;
export const MTHP_ID_RE = /^mthp\.(\d{1,9})kB\.(enabled|shmem_enabled)$/;
const MTHP_FILES = {
  enabled: 'Per-size anonymous THP policy; inherit follows the top-level enabled.',
  shmem_enabled: 'Per-size shmem THP policy; inherit follows the top-level shmem_enabled.',
} as const;

export function mthpKnob(sizeKb: number, file: keyof typeof MTHP_FILES): KnobDef {
  return {
    id: `mthp.${sizeKb}kB.${file}`,
    group: 'mthp',
    meaning: MTHP_FILES[file],
    locations: [{ path: `${THP}/hugepages-${sizeKb}kB/${file}`, era: '6.8+: per-size mTHP' }],
    value: { kind: 'choice' },
    rank: RESTORE_RANKS.mthp,
    since: '6.8',
  };
}

/** mTHP knobs for the sizes a host reported (directory names under transparent_hugepage). */
export function mthpKnobs(sizesKb: number[]): KnobDef[] {
  return [...new Set(sizesKb)].sort((a, b) => a - b).flatMap((s) => [mthpKnob(s, 'enabled'), mthpKnob(s, 'shmem_enabled')]);
}

/** Every candidate path the probe must look at, for the fixed catalog. */
export function catalogPaths(defs: KnobDef[] = KNOB_CATALOG): string[] {
  return [...new Set(defs.flatMap((d) => d.locations.map((l) => l.path)))];
}

export const THP_SYSFS_DIR = THP;
export const HPAGE_PMD_SIZE_PATH = `${THP}/hpage_pmd_size`;

/**
 * Sorts knob ids into the safe write order (RESTORE_RANKS); ties keep a stable, readable order.
 * Unknown ids go last, in name order.
 */
export function safeWriteOrder<T extends { id: string; rank?: number }>(items: T[]): T[] {
  const rankOf = (x: T) => x.rank ?? knobRank(x.id);
  return [...items].sort((a, b) => rankOf(a) - rankOf(b) || a.id.localeCompare(b.id));
}

export function knobRank(id: string): number {
  if (MTHP_ID_RE.test(id)) return RESTORE_RANKS.mthp;
  return KNOB_CATALOG.find((d) => d.id === id)?.rank ?? 1000;
}

/** The catalog entry for an id, including mTHP ids (whose size must have been seen on the host). */
export function knobDef(id: string): KnobDef | undefined {
  const fixed = KNOB_CATALOG.find((d) => d.id === id);
  if (fixed) return fixed;
  const m = MTHP_ID_RE.exec(id);
  return m ? mthpKnob(Number(m[1]), m[2] as keyof typeof MTHP_FILES) : undefined;
}
