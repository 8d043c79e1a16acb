/**
 * The kernel behaviours the model can switch: every difference between the kernels it models,
 * as a named switch with a closed set of values, the kernel function(s) it acts in, what each
 * value follows (commit, posting), and its value in each preset. A variant is a preset plus
 * overrides: "6.12 with my split target" is `linux-6.12+` with `deferred_split_target=from`.
 *
 * Environment-free data: the simulator reads the switches, the CLI lists them
 * (`numa-lab sim --behaviours`), the renderer draws them as toggles.
 */
import { z } from 'zod';

/** The presets, oldest first: the kernels (and the posting) the model follows as a whole. */
export const PRESET_NAMES = ['linux-6.1', 'linux-6.3..6.9', 'v5-posted', 'linux-6.10..6.11', 'linux-6.12+'] as const;
export const PresetNameSchema = z.enum(PRESET_NAMES);
export type PresetName = z.infer<typeof PresetNameSchema>;

const YES_NO = z.enum(['yes', 'no']);

interface BehaviourDefinition<S extends z.ZodEnum> {
  schema: S;
  /** What it decides, in one sentence. */
  summary: string;
  /** The kernel functions where it acts (mm/, kernel/sched/). */
  functions: readonly string[];
  /** What each value follows: the commit, posting or release that behaves so. */
  sources: { readonly [V in z.infer<S>]: string };
  presets: { readonly [P in PresetName]: z.infer<S> };
}

const define = <S extends z.ZodEnum>(d: BehaviourDefinition<S>) => d;

export const BEHAVIOURS = {
  migrate_core: define({
    schema: z.enum(['unmap_and_move', 'batched']),
    summary: 'how migrate_pages() walks its list: one folio at a time, or unmapping a batch, flushing the TLB once, then moving the batch',
    functions: ['migrate_pages()', 'unmap_and_move() (6.1)', 'migrate_pages_batch(), migrate_pages_sync() (6.3+)'],
    sources: {
      unmap_and_move: 'v6.1 mm/migrate.c: migrate_pages() looping over unmap_and_move() for up to 10 passes, split THPs retried in a second round',
      batched: 'Huang Ying, "migrate_pages: batch _unmap and _move" (6.3)',
    },
    presets: { 'linux-6.1': 'unmap_and_move', 'linux-6.3..6.9': 'batched', 'v5-posted': 'batched', 'linux-6.10..6.11': 'batched', 'linux-6.12+': 'batched' },
  }),
  deferred_split_target: define({
    schema: z.enum(['none', 'from', 'split_folios']),
    summary: 'whether, and into which list, migrate_pages_batch() splits a large folio that sits on the deferred split list',
    functions: ['migrate_pages_batch()', 'try_split_folio()'],
    sources: {
      none: 'up to 6.9: a THP on the deferred split list is migrated whole',
      from: 'Zi Yan, "[PATCH v5] mm/migrate: split source folio if it is on deferred split list" as posted: try_split_folio(folio, from) — the walk has already saved the next entry, so split pages of the last folio are left on `from` untried',
      split_folios: '7262f208ca68 "mm/migrate: split source folio if it is on deferred split list" as merged for 6.10: try_split_folio(folio, split_folios), migrated after the batch',
    },
    presets: { 'linux-6.1': 'none', 'linux-6.3..6.9': 'none', 'v5-posted': 'from', 'linux-6.10..6.11': 'split_folios', 'linux-6.12+': 'split_folios' },
  }),
  deferred_split_counts_as_failure: define({
    schema: YES_NO,
    summary: 'whether that split counts in nr_failed / nr_thp_failed, and so in what migrate_pages() returns',
    functions: ['migrate_pages_batch()', 'migrate_pages() return value'],
    sources: {
      yes: 'Hugh Dickins, "mm/migrate: fix kernel BUG at mm/compaction.c:2761!" (nr_failed++) and Zi Yan, "mm/migrate: make migrate_pages_batch() stats consistent" (stats->nr_thp_failed += is_thp), both in 6.10',
      no: 'v5 as posted and 7262f208ca68 before the hotfix: "It should not count as a failure"',
    },
    presets: { 'linux-6.1': 'no', 'linux-6.3..6.9': 'no', 'v5-posted': 'no', 'linux-6.10..6.11': 'yes', 'linux-6.12+': 'yes' },
  }),
  misplaced_putback: define({
    schema: z.enum(['folio', 'list']),
    summary: 'what migrate_misplaced_folio() puts back when migrate_pages() leaves folios on its list: the one folio it isolated, or the whole list',
    functions: ['migrate_misplaced_folio()', 'putback_movable_pages()'],
    sources: {
      folio: 'up to 6.9 and v5: list_del(&folio->lru) and putback of the isolated folio; BUG_ON(!list_empty(&migratepages))',
      list: 'Peter Xu, "mm/migrate: putback split folios when numa hint migration fails" (6.10, Fixes: 7262f208ca68): putback_movable_pages(&migratepages)',
    },
    presets: { 'linux-6.1': 'folio', 'linux-6.3..6.9': 'folio', 'v5-posted': 'folio', 'linux-6.10..6.11': 'list', 'linux-6.12+': 'list' },
  }),
  partially_mapped_flag: define({
    schema: YES_NO,
    summary: 'PG_partially_mapped: THP_DEFERRED_SPLIT_PAGE counts when the flag is set, and the split on migration (and by the shrinker) is limited to folios flagged partially mapped',
    functions: ['deferred_split_folio(folio, partially_mapped)', 'migrate_pages_batch(): folio_test_partially_mapped()', 'deferred_split_scan()'],
    sources: {
      yes: 'Usama Arif, "mm: Introduce a pageflag for partially mapped folios" (6.12)',
      no: 'up to 6.11: every folio on the deferred split list is there because it was partly unmapped; counted when first queued',
    },
    presets: { 'linux-6.1': 'no', 'linux-6.3..6.9': 'no', 'v5-posted': 'no', 'linux-6.10..6.11': 'no', 'linux-6.12+': 'yes' },
  }),
  underused_shrinker: define({
    schema: YES_NO,
    summary: 'every THP created at fault time goes on the deferred split list unflagged (with thp.shrink_underused=1), and deferred_split_scan() splits those thp_underused() judges underused',
    functions: ['do_huge_pmd_anonymous_page(): deferred_split_folio(folio, false)', 'deferred_split_scan()', 'thp_underused()'],
    sources: {
      yes: 'Usama Arif, "mm: split underused THPs" (6.12): THP_UNDERUSED_SPLIT_PAGE',
      no: 'up to 6.11: only partly unmapped THPs are queued',
    },
    presets: { 'linux-6.1': 'no', 'linux-6.3..6.9': 'no', 'v5-posted': 'no', 'linux-6.10..6.11': 'no', 'linux-6.12+': 'yes' },
  }),
  split_remaps_zero_page: define({
    schema: YES_NO,
    summary: 'splitting an isolated THP maps its zero-filled subpages to the shared zero page instead of keeping them',
    functions: ['split_huge_page_to_list_to_order()', 'remap_page(RMP_USE_SHARED_ZEROPAGE)', 'try_to_map_unused_to_zeropage()'],
    sources: {
      yes: 'Yu Zhao / Usama Arif, "mm: remap unused subpages to shared zeropage when splitting isolated thp" (6.12)',
      no: 'up to 6.11: every subpage stays mapped after a split',
    },
    presets: { 'linux-6.1': 'no', 'linux-6.3..6.9': 'no', 'v5-posted': 'no', 'linux-6.10..6.11': 'no', 'linux-6.12+': 'yes' },
  }),
  numa_pte_mapped_large_folios: define({
    schema: YES_NO,
    summary: 'NUMA balancing of PTE-mapped large folios: change_pte_range() makes their PTEs prot-none and do_numa_page() migrates the whole folio',
    functions: ['change_pte_range()', 'do_numa_page()', 'numa_migrate_check()'],
    sources: {
      yes: 'Baolin Wang, "support multi-size THP numa balancing" (6.10; in the mm tree v5 was posted against)',
      no: 'up to 6.9: `folio_ref_count != 1` skips them and do_numa_page() bails out on a compound page ("TODO: handle PTE-mapped THP")',
    },
    presets: { 'linux-6.1': 'no', 'linux-6.3..6.9': 'no', 'v5-posted': 'yes', 'linux-6.10..6.11': 'yes', 'linux-6.12+': 'yes' },
  }),
  vma_scan_filter: define({
    schema: YES_NO,
    summary: 'per-VMA numab_state in task_numa_work(): new VMAs wait a scan delay, and VMAs no task of the process faulted on recently are skipped',
    functions: ['task_numa_work()', 'vma_is_accessed()'],
    sources: {
      yes: 'Raghavendra K T / Mel Gorman, per-VMA numab_state scan filtering (6.4, 6.7)',
      no: '6.1: every VMA is scanned in turn',
    },
    presets: { 'linux-6.1': 'no', 'linux-6.3..6.9': 'yes', 'v5-posted': 'yes', 'linux-6.10..6.11': 'yes', 'linux-6.12+': 'yes' },
  }),
  map_stack_nohugepage: define({
    schema: YES_NO,
    summary: 'MAP_STACK implies VM_NOHUGEPAGE: thread stacks never get THPs (before, a glibc thread stack whose top is 2 MiB aligned gets one at its first write)',
    functions: ['do_mmap(): calc_vm_flag_bits(MAP_STACK)'],
    sources: {
      yes: 'c4608d1bf7c6 "mm: mmap: map MAP_STACK to VM_NOHUGEPAGE" (6.7)',
      no: 'before 6.7: on the 6.1 box numa02 faulted 129 THPs for a 128-THP region, one split at thread exit',
    },
    presets: { 'linux-6.1': 'no', 'linux-6.3..6.9': 'no', 'v5-posted': 'yes', 'linux-6.10..6.11': 'yes', 'linux-6.12+': 'yes' },
  }),
  anon_thp_align: define({
    schema: YES_NO,
    summary: 'anonymous mappings of 2 MiB multiples are THP-aligned by the kernel; before, ASLR decides the alignment head (0–511 pages) of a region the workload aligns itself',
    functions: ['thp_get_unmapped_area() for anonymous mappings', '__get_unmapped_area()'],
    sources: {
      yes: 'Rik van Riel, "mm: align larger anonymous mappings on THP boundaries" (6.7)',
      no: 'before 6.7: the head is an input the forecast ranges over (0–511 pages) and the replay takes from the run',
    },
    presets: { 'linux-6.1': 'no', 'linux-6.3..6.9': 'no', 'v5-posted': 'yes', 'linux-6.10..6.11': 'yes', 'linux-6.12+': 'yes' },
  }),
  trace_large_folio_split: define({
    schema: YES_NO,
    summary: 'the migrate:mm_migrate_pages tracepoint has a large_folio_split field',
    functions: ['trace_mm_migrate_pages()'],
    sources: {
      yes: 'Zi Yan, "mm/migrate: add nr_split to trace_mm_migrate_pages stats" (~6.7)',
      no: '6.1: succeeded, failed, thp_succeeded, thp_failed, thp_split, mode, reason',
    },
    presets: { 'linux-6.1': 'no', 'linux-6.3..6.9': 'yes', 'v5-posted': 'yes', 'linux-6.10..6.11': 'yes', 'linux-6.12+': 'yes' },
  }),
  promote_needs_tiering_mode: define({
    schema: YES_NO,
    summary: 'pgpromote_success also needs numa_balancing & NUMA_BALANCING_MEMORY_TIERING (else: whenever a folio moves from a lower tier to a top-tier node)',
    functions: ['migrate_misplaced_folio()'],
    sources: {
      yes: '~6.11: count PGPROMOTE_SUCCESS only in memory-tiering mode',
      no: '6.1: whenever the source node is not top tier and the target is',
    },
    presets: { 'linux-6.1': 'no', 'linux-6.3..6.9': 'no', 'v5-posted': 'no', 'linux-6.10..6.11': 'yes', 'linux-6.12+': 'yes' },
  }),
  move_pages_unmapped_status: define({
    schema: z.enum(['EFAULT', 'ENOENT']),
    summary: 'the move_pages(2) status of an address with no page behind it (the shared zero page is -EFAULT in both)',
    functions: ['add_page_for_migration() / add_folio_for_migration()'],
    sources: {
      EFAULT: '6.1–6.11: follow_page(FOLL_DUMP) → no_page_table() → -EFAULT for an anonymous VMA',
      ENOENT: 'David Hildenbrand, add_folio_for_migration() via folio_walk_start() (6.12): no folio → -ENOENT',
    },
    presets: { 'linux-6.1': 'EFAULT', 'linux-6.3..6.9': 'EFAULT', 'v5-posted': 'EFAULT', 'linux-6.10..6.11': 'EFAULT', 'linux-6.12+': 'ENOENT' },
  }),
} as const;

export type BehaviourKey = keyof typeof BEHAVIOURS;
export const BEHAVIOUR_KEYS = Object.keys(BEHAVIOURS) as BehaviourKey[];

type OverrideShape = { [K in BehaviourKey]: z.ZodOptional<(typeof BEHAVIOURS)[K]['schema']> };
/** Switches given over a preset (any subset); the boundary schema of `--behaviour` and variant files. */
export const BehaviourOverridesSchema = z.object(Object.fromEntries(BEHAVIOUR_KEYS.map((k) => [k, BEHAVIOURS[k].schema.optional()])) as OverrideShape).strict();
export type BehaviourOverrides = z.infer<typeof BehaviourOverridesSchema>;
/** A whole switch set: every behaviour decided. */
export type Behaviours = Required<BehaviourOverrides>;

/** The values a behaviour takes. */
export function behaviourValues(key: BehaviourKey): readonly string[] {
  return BEHAVIOURS[key].schema.options;
}

export function presetBehaviours(preset: PresetName): Behaviours {
  return Object.fromEntries(BEHAVIOUR_KEYS.map((k) => [k, BEHAVIOURS[k].presets[preset]])) as Behaviours;
}

/**
 * Combinations that cannot happen or mean nothing, decided per switch: `refused` where the model
 * would have to invent code (the step is in a function the other switch removes), `ignored`
 * where the switch is simply never reached (the note says so; the result is the same for every
 * value). Only a switch the user set gets an `ignored` note.
 */
export interface BehaviourRule {
  key: BehaviourKey;
  /** The values of `key` the rule is about. */
  values: readonly string[];
  when: BehaviourKey;
  whenValues: readonly string[];
  effect: 'refused' | 'ignored';
  why: string;
}

export const BEHAVIOUR_RULES: readonly BehaviourRule[] = [
  {
    key: 'deferred_split_target',
    values: ['from', 'split_folios'],
    when: 'migrate_core',
    whenValues: ['unmap_and_move'],
    effect: 'refused',
    why: "the split is a step of migrate_pages_batch()'s unmap loop, which 6.1's unmap_and_move() loop does not have; set migrate_core=batched too",
  },
  {
    key: 'underused_shrinker',
    values: ['yes'],
    when: 'partially_mapped_flag',
    whenValues: ['no'],
    effect: 'refused',
    why: 'deferred_split_scan() tells an underused THP from a partly unmapped one by PG_partially_mapped; set partially_mapped_flag=yes too',
  },
  {
    key: 'deferred_split_counts_as_failure',
    values: ['yes', 'no'],
    when: 'deferred_split_target',
    whenValues: ['none'],
    effect: 'ignored',
    why: 'nothing is split on migration, so nothing is counted',
  },
  {
    key: 'misplaced_putback',
    values: ['folio', 'list'],
    when: 'deferred_split_target',
    whenValues: ['none'],
    effect: 'ignored',
    why: 'without a split on migration the list holds only the folio migrate_misplaced_folio() isolated: both put back the same',
  },
];

/** `key=value` → a checked override, or an error message naming what is allowed. */
export function parseBehaviour(pair: string): { key: BehaviourKey; value: string } | { error: string } {
  const eq = pair.indexOf('=');
  if (eq <= 0) return { error: `behaviour ${JSON.stringify(pair)}: expected KEY=VALUE; keys: ${BEHAVIOUR_KEYS.join(', ')}` };
  const key = pair.slice(0, eq).trim();
  const value = pair.slice(eq + 1).trim();
  if (!(key in BEHAVIOURS)) return { error: `unknown behaviour ${JSON.stringify(key)}; allowed: ${BEHAVIOUR_KEYS.join(', ')}` };
  const k = key as BehaviourKey;
  const allowed = behaviourValues(k);
  if (!allowed.includes(value)) return { error: `behaviour ${k}: given ${JSON.stringify(value)}; allowed: ${allowed.join(', ')}` };
  return { key: k, value };
}

/** The overrides as `key=value` words, in catalogue order (a recorded prediction's `overrides` too). */
export function overrideWords(o: Readonly<Record<string, string | undefined>>): string[] {
  return BEHAVIOUR_KEYS.filter((k) => o[k] !== undefined).map((k) => `${k}=${o[k]}`);
}

/** The switches of `to` that differ from `from`. */
export function diffBehaviours(from: Behaviours, to: Behaviours): BehaviourOverrides {
  return Object.fromEntries(BEHAVIOUR_KEYS.filter((k) => to[k] !== from[k]).map((k) => [k, to[k]]));
}

/**
 * A variant: a preset and the switches changed over it — a patch under test described to the
 * model. The shape of `--variant FILE.json` and of a variant saved in the store.
 */
export const VariantDefinitionSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.+\-(), ]{0,63}$/, 'a name of 1–64 letters, digits, spaces, "_", ".", "+", "-", "(", ")" or ","'),
    base: PresetNameSchema,
    behaviours: BehaviourOverridesSchema.default({}),
    notes: z.string().max(4000).default(''),
  })
  .strict();
export type VariantDefinition = z.output<typeof VariantDefinitionSchema>;

/** What a SimSpec carries beside its kernel: the switches over that kernel's variant, and a name for them. */
export const VariantOverridesSchema = z
  .object({
    name: VariantDefinitionSchema.shape.name.optional(),
    behaviours: BehaviourOverridesSchema,
    notes: z.string().max(4000).optional(),
  })
  .strict();
export type VariantOverrides = z.infer<typeof VariantOverridesSchema>;

/** The model a prediction used, as recorded with it. */
export const ResolvedVariantSchema = z.object({
  name: z.string(),
  title: z.string(),
  follows: z.array(z.string()),
  base: PresetNameSchema,
  behaviours: z.record(z.string(), z.string()),
  /** The switches that differ from the base preset (the user's, or the release's). */
  overrides: z.record(z.string(), z.string()),
  /** Switches the user set that the model never reaches in this combination, and why. */
  ignored: z.array(z.string()),
  notes: z.string(),
});
export type ResolvedVariant = z.infer<typeof ResolvedVariantSchema>;

/** A refused combination's message, or undefined. */
export function refusedCombination(b: Behaviours): string | undefined {
  for (const r of BEHAVIOUR_RULES) {
    if (r.effect === 'refused' && r.values.includes(b[r.key]) && r.whenValues.includes(b[r.when])) return `behaviour ${r.key}=${b[r.key]} with ${r.when}=${b[r.when]}: ${r.why}`;
  }
  return undefined;
}

/** Notes for the switches the user set that this combination never reaches. */
export function ignoredSwitches(b: Behaviours, set: BehaviourOverrides): string[] {
  return BEHAVIOUR_RULES.filter((r) => r.effect === 'ignored' && set[r.key] !== undefined && r.whenValues.includes(b[r.when])).map(
    (r) => `${r.key}=${b[r.key]} has no effect with ${r.when}=${b[r.when]}: ${r.why}`,
  );
}

/**
 * A model as a kernel build, a box or an A/B side names it: a preset or release string, or a
 * whole variant definition (a patch under test described as switches).
 */
export const ModelRefSchema = z.union([z.string().min(1).max(128), VariantDefinitionSchema]);
export type ModelRef = z.output<typeof ModelRefSchema>;

/** The SimSpec fields of a model reference: its kernel (base) and the switches over it. */
export function modelRefSpec(ref: ModelRef): { kernel: string; variant?: VariantOverrides } {
  if (typeof ref === 'string') return { kernel: ref };
  return { kernel: ref.base, variant: { name: ref.name, behaviours: ref.behaviours, notes: ref.notes } };
}
