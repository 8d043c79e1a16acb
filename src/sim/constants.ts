/** x86-64 constants the model uses (include/linux/huge_mm.h, mm/migrate.c, kernel/sched/fair.c). */

export const PAGE_SIZE = 4096;
export const HPAGE_PMD_ORDER = 9;
/** Base pages per PMD-sized THP. */
export const HPAGE_PMD_NR = 1 << HPAGE_PMD_ORDER;

/** mm/migrate.c (6.3+): a batch of migrate_pages() holds at most this many base pages. */
export const NR_MAX_BATCHED_MIGRATION = HPAGE_PMD_NR;
export const NR_MAX_MIGRATE_PAGES_RETRY = 10;
export const NR_MAX_MIGRATE_ASYNC_RETRY = 3;
export const NR_MAX_MIGRATE_SYNC_RETRY = NR_MAX_MIGRATE_PAGES_RETRY - NR_MAX_MIGRATE_ASYNC_RETRY;

/** kernel/sched/fair.c */
export const NUMA_PERIOD_SLOTS = 10;
export const NUMA_PERIOD_THRESHOLD = 7;
export const MAX_SCAN_WINDOW = 2560;
export const ACTIVE_NODE_FRACTION = 3;
/** 6.7+: VMA_PID_RESET_PERIOD = 4 * sysctl_numa_balancing_scan_delay. */
export const VMA_PID_RESET_FACTOR = 4;

export const MIB_PAGES = (1 << 20) / PAGE_SIZE;

export const NUMA_NO_NODE = -1;

/** migrate_mode / migrate_reason, as the tracepoint prints them. */
export type MigrateMode = 'MIGRATE_ASYNC' | 'MIGRATE_SYNC_LIGHT' | 'MIGRATE_SYNC';
export type MigrateReason =
  | 'MR_COMPACTION'
  | 'MR_MEMORY_FAILURE'
  | 'MR_MEMORY_HOTPLUG'
  | 'MR_SYSCALL'
  | 'MR_MEMPOLICY_MBIND'
  | 'MR_NUMA_MISPLACED'
  | 'MR_CONTIG_RANGE'
  | 'MR_LONGTERM_PIN'
  | 'MR_DEMOTION';

/** Return codes of the migration helpers (include/linux/migrate.h, errno). */
export const MIGRATEPAGE_SUCCESS = 0;
export const MIGRATEPAGE_UNMAP = 1;
export const ENOENT = 2;
export const EAGAIN = 11;
export const ENOMEM = 12;
export const EACCES = 13;
export const EFAULT = 14;
export const EBUSY = 16;
export const ENOSYS = 38;

export const ERRNO_NAMES: Record<number, string> = {
  [ENOENT]: '-ENOENT',
  [EAGAIN]: '-EAGAIN',
  [ENOMEM]: '-ENOMEM',
  [EACCES]: '-EACCES',
  [EFAULT]: '-EFAULT',
  [EBUSY]: '-EBUSY',
  [ENOSYS]: '-ENOSYS',
};
