/**
 * The /proc/vmstat counters the simulator emits. Units follow kernel-semantics.md §1: pages for
 * pgmigrate_* and numa_pte_updates, folios (THPs) for thp_*, calls for numa_hit & co.
 */
export const MODELLED_COUNTERS = [
  'pgmigrate_success',
  'pgmigrate_fail',
  'thp_migration_success',
  'thp_migration_fail',
  'thp_migration_split',
  'thp_split_page',
  'thp_split_page_failed',
  'thp_deferred_split_page',
  'thp_split_pmd',
  'thp_fault_alloc',
  'thp_fault_fallback',
  'thp_underused_split_page',
  'numa_pte_updates',
  'numa_huge_pte_updates',
  'numa_hint_faults',
  'numa_hint_faults_local',
  'numa_pages_migrated',
  'numa_hit',
  'numa_miss',
  'numa_foreign',
  'numa_local',
  'numa_other',
  'pgpromote_success',
] as const;

export type CounterName = (typeof MODELLED_COUNTERS)[number];

/** Counters the ground-truth README calls exact (deterministic on a real kernel): one list, in shared. */
export { EXACT_COUNTERS } from '../shared/experiments/verdict';

/** Global event counters; they only ever go up (count_vm_event & co.). */
export class Vmstat {
  private readonly v = new Map<CounterName, number>();

  count(name: CounterName, n = 1): void {
    if (n < 0 || !Number.isFinite(n)) throw new Error(`vmstat ${name}: negative or invalid increment ${n}`);
    if (n === 0) return;
    this.v.set(name, (this.v.get(name) ?? 0) + n);
  }

  get(name: CounterName): number {
    return this.v.get(name) ?? 0;
  }

  snapshot(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [k, val] of this.v) out[k] = val;
    return out;
  }
}

/** after - before, keeping only the counters that moved (like the ground-truth records). */
export function diffSnapshots(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(after)) {
    const d = v - (before[k] ?? 0);
    if (d !== 0) out[k] = d;
  }
  return out;
}
