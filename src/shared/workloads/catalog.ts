import type { KnobNeed, ParamSpec, WorkloadName, WorkloadParams, WorkloadSpec } from './types';

/**
 * The memory set-up every THP workload shares (issue 7, `thp-move`): `thps` regions of 2 MiB,
 * faulted on node `from`, every 4 KiB page written, then the fraction `unmap` at the end of each
 * region zapped with MADV_DONTNEED.
 */
const REGION_SETUP: readonly ParamSpec[] = [
  { name: 'thps', type: 'int', default: 8, min: 1, max: 1 << 20, meaning: 'number of 2 MiB regions to fault' },
  { name: 'from', type: 'int', default: 0, min: 0, max: 1023, meaning: 'NUMA node the regions are faulted on (the process runs on a CPU of it)' },
  { name: 'to', type: 'int', default: 1, min: 0, max: 1023, meaning: 'NUMA node the memory is moved to' },
  { name: 'thp', type: 'flag', default: 1, meaning: '1: MADV_HUGEPAGE (THP-backed); 0: MADV_NOHUGEPAGE (base pages)' },
  { name: 'zero', type: 'flag', default: 0, meaning: '1: every page is written with zeros; 0: with non-zero data' },
  { name: 'unmap', type: 'number', default: 0, min: 0, max: 1, meaning: 'fraction at the end of each region unmapped with MADV_DONTNEED after the faults (the partially mapped, deferred-split case)' },
];

const MOVE_STEP: readonly ParamSpec[] = [
  { name: 'pages', type: 'enum', default: 'all', values: ['all', 'head'], meaning: 'all: every mapped 4 KiB page is passed; head: one address per region (its first subpage)' },
  { name: 'migrate', type: 'flag', default: 1, meaning: '0: stop after the faults (usable on a one-node host)' },
];

const MOVE_STEP_NO_ADDRESSES: readonly ParamSpec[] = [
  { name: 'migrate', type: 'flag', default: 1, meaning: '0: stop after the faults (usable on a one-node host)' },
];

/** The counters of a migration system call: what moved, what failed, what was split on the way. */
const MIGRATION_COUNTERS = ['pgmigrate_success', 'pgmigrate_fail', 'thp_migration_success', 'thp_migration_fail', 'thp_migration_split', 'thp_split_page', 'thp_deferred_split_page'] as const;
/** NUMA balancing's own counters, then the migrations it made. */
const BALANCING_COUNTERS = ['numa_pte_updates', 'numa_huge_pte_updates', 'numa_hint_faults', 'numa_hint_faults_local', 'numa_pages_migrated', 'pgmigrate_success', 'thp_migration_success', 'thp_migration_split'] as const;

/** migrate=0 stops after the faults: nothing is meant to move. */
const syscallPurpose = (p: WorkloadParams) => (p.migrate === 0 ? [] : ['pgmigrate_success', 'pgmigrate_fail', 'thp_migration_split']);

/**
 * NUMA balancing is on when bit 0 (NUMA_BALANCING_NORMAL) of /proc/sys/kernel/numa_balancing is
 * set; 2 alone (MEMORY_TIERING) only promotes from slow tiers, which these workloads do not use.
 */
const NEEDS_BALANCING: readonly KnobNeed[] = [
  {
    knob: 'numa.balancing',
    value: '1',
    on: (v) => (Number(v) & 1) === 1,
    why: 'its memory moves only through NUMA balancing: task_numa_work() scans, hint faults, migrate_misplaced_folio(); 1 or 3 turns it on',
  },
];

export const WORKLOADS: Readonly<Record<WorkloadName, WorkloadSpec>> = {
  'thp-move': {
    name: 'thp-move',
    mechanism: 'syscall',
    needs: [],
    keyCounters: MIGRATION_COUNTERS,
    purpose: syscallPurpose,
    summary: 'fault 2 MiB regions (THP or base pages), optionally unmap part of each, then move_pages(2) them to another node',
    simulated: true,
    params: [...REGION_SETUP, ...MOVE_STEP],
  },
  'mbind-move': {
    name: 'mbind-move',
    mechanism: 'syscall',
    needs: [],
    keyCounters: MIGRATION_COUNTERS,
    purpose: syscallPurpose,
    summary: 'the thp-move memory set-up, moved with mbind(MPOL_BIND, MPOL_MF_MOVE) to node `to`',
    simulated: true,
    params: [...REGION_SETUP, ...MOVE_STEP_NO_ADDRESSES],
  },
  'migrate-pages': {
    name: 'migrate-pages',
    mechanism: 'syscall',
    needs: [],
    keyCounters: MIGRATION_COUNTERS,
    purpose: syscallPurpose,
    summary: 'the thp-move memory set-up, moved with migrate_pages(2) from node `from` to node `to`',
    simulated: true,
    params: [...REGION_SETUP, ...MOVE_STEP_NO_ADDRESSES],
  },
  'numa-touch': {
    name: 'numa-touch',
    mechanism: 'numa-balancing',
    needs: NEEDS_BALANCING,
    keyCounters: BALANCING_COUNTERS,
    // The point of the run: the region moves to `to` as the task touches it there.
    purpose: () => ['numa_pages_migrated'],
    summary: 'the thp-move memory set-up, then with NUMA balancing on the process moves to a CPU of node `to` and touches every mapped page for `secs` seconds',
    simulated: true,
    params: [
      ...REGION_SETUP,
      { name: 'secs', type: 'number', default: 8, min: 0.1, max: 3600, meaning: 'length of the touch window in seconds' },
    ],
  },
  numa01: {
    name: 'numa01',
    mechanism: 'numa-balancing',
    needs: NEEDS_BALANCING,
    keyCounters: BALANCING_COUNTERS,
    // Placement may be right from the start (numa02: each thread's slice on its node), so the
    // purpose is that NUMA balancing looked at the memory at all: a scan in the window.
    purpose: () => ['numa_pte_updates'],
    summary: 'autonuma-benchmark numa01: 2 processes, each with `threads` threads that all bzero the whole shared `size_mib` of their process `loops` times',
    simulated: true,
    params: [
      { name: 'size_mib', type: 'int', default: 3072, min: 2, max: 1 << 22, meaning: 'memory per process in MiB' },
      { name: 'threads', type: 'int', default: 0, min: 0, max: 4096, meaning: 'threads per process; 0 = number of CPUs / 2' },
      { name: 'loops', type: 'int', default: 50, min: 1, max: 100000, meaning: 'how many times every thread bzeroes the whole memory after the first touch' },
      { name: 'thp', type: 'flag', default: 1, meaning: '1: THP-backed malloc (THP enabled=always); 0: MADV_NOHUGEPAGE' },
    ],
  },
  numa02: {
    name: 'numa02',
    mechanism: 'numa-balancing',
    needs: NEEDS_BALANCING,
    keyCounters: BALANCING_COUNTERS,
    // Placement may be right from the start (numa02: each thread's slice on its node), so the
    // purpose is that NUMA balancing looked at the memory at all: a scan in the window.
    purpose: () => ['numa_pte_updates'],
    summary: 'autonuma-benchmark numa02: 1 process, `threads` threads each bzeroing its own slice of `size_mib` `loops` times',
    simulated: true,
    params: [
      { name: 'size_mib', type: 'int', default: 1024, min: 2, max: 1 << 22, meaning: 'memory of the process in MiB' },
      { name: 'threads', type: 'int', default: 0, min: 0, max: 4096, meaning: 'threads; 0 = number of CPUs' },
      { name: 'loops', type: 'int', default: 800, min: 1, max: 1000000, meaning: 'how many times every thread bzeroes its slice' },
      { name: 'thp', type: 'flag', default: 1, meaning: '1: THP-backed malloc (THP enabled=always); 0: MADV_NOHUGEPAGE' },
    ],
  },
  custom: {
    name: 'custom',
    mechanism: 'none',
    needs: [],
    keyCounters: [],
    purpose: () => [],
    summary: 'any command line, measured but not simulated',
    simulated: false,
    params: [{ name: 'cmd', type: 'string', default: null, required: true, meaning: 'the command line to run (quoted by the lab, never passed to a shell unquoted)' }],
  },
};
