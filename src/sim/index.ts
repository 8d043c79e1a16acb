/**
 * Public API of the simulator (environment-free; safe to call from a worker).
 *
 * Reading it beside mm/ — kernel function → file: function
 *   migrate_pages(), migrate_pages_batch(), migrate_pages_sync(), try_split_folio(),
 *   v6.1 migrate_pages()/unmap_and_move()/try_split_thp()  → migrate.ts
 *   migrate_folio_unmap(), migrate_folio_move(), putback_movable_pages() → migrate_folio.ts
 *   split_huge_page_to_list_to_order(), __split_huge_pmd_locked(), deferred_split_folio(),
 *   deferred_split_scan(), thp_underused()                  → huge_memory.ts
 *   do_pages_move(), add_page_for_migration(), do_move_pages_to_node(),
 *   queue_pages_range() (mbind / migrate_pages(2))           → move_pages.ts
 *   do_huge_pmd_anonymous_page(), do_anonymous_page()        → fault.ts
 *   MADV_DONTNEED / zap_page_range()                          → madvise.ts
 *   task_numa_work(), change_prot_numa()                      → numa_scan.ts
 *   do_numa_page(), do_huge_pmd_numa_page(), numa_migrate_prep(), should_numa_migrate_memory(),
 *   migrate_misplaced_folio() with BUG_ON(!list_empty(&migratepages)) → numa_fault.ts
 *   task_numa_fault(), task_numa_placement(), preferred_group_nid(), score_nearby_nodes(),
 *   update_task_scan_period(), task_tick_numa()              → sched_numa.ts
 *   node_distance(), build_zonelists()/find_next_best_node(), init_numa_topology_type(),
 *   numa_nearest_node()                                       → topology.ts
 *   struct folio / page tables / mm_struct                    → folio.ts, mm.ts
 *   kernel differences: switches (data)                       → ../shared/sim/behaviours.ts, presets → variants.ts
 */
export { simulate } from './simulate';
export type { SimSpec, SimOptions, SimResult, SimBug, SimTopologyNode } from './spec';
export { VARIANTS, VARIANT_NAMES, variantForKernelRelease, resolveVariant, describeVariant } from './variants';
export type { KernelVariant, VariantName } from './variants';
export { MODELLED_COUNTERS, EXACT_COUNTERS } from './vmstat';
export type { CounterName } from './vmstat';
export type { MigrateTrace } from './kernel';
export { KernelBug, SimCancelled } from './kernel';
export type { CounterSeries } from './sampler';
export { defaultKnobs, normalizeKnobs } from './knobs';
export type { SimKnobs } from './knobs';
