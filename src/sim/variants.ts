/**
 * The model's kernels: the presets (each a whole kernel or posting the model follows, with what
 * it was checked on) and variants built from them — a preset plus switches
 * (shared/sim/behaviours.ts). The code paths (migrate.ts, huge_memory.ts, ...) read the switches
 * at the few places where the kernels differ; there is one copy of the code.
 */
import {
  BEHAVIOURS,
  diffBehaviours,
  ignoredSwitches,
  overrideWords,
  PRESET_NAMES,
  presetBehaviours,
  refusedCombination,
  type BehaviourKey,
  type BehaviourOverrides,
  type Behaviours,
  type PresetName,
  type ResolvedVariant,
  type VariantOverrides,
  type ModelRef,
  modelRefSpec,
} from '../shared/sim/behaviours';

export type VariantName = PresetName;

export interface KernelVariant {
  /** The preset's name, or the name given to the switch set (a patch under test). */
  name: string;
  /** The preset the switches are set over (image facts, releases). */
  base: PresetName;
  title: string;
  /** Kernel functions / commits / postings this variant follows. */
  follows: readonly string[];
  /**
   * Releases its predictions were checked against on a running kernel (the ground truth and the
   * virtual NUMA box suite); empty: it follows the cited code, never measured.
   */
  verifiedOn: readonly string[];
  behaviours: Behaviours;
  /** The switches that differ from the base preset. */
  overrides: BehaviourOverrides;
  /** Switches the user set that this combination never reaches, and why. */
  ignored: readonly string[];
  notes: string;
}

interface PresetDescription {
  title: string;
  follows: readonly string[];
  verifiedOn: readonly string[];
}

const COMMON_SOURCES = ['mm/migrate.c migrate_pages()', 'mm/huge_memory.c split_huge_page_to_list*()', 'kernel/sched/fair.c task_numa_work()'];

const PRESETS: Readonly<Record<PresetName, PresetDescription>> = {
  'linux-6.1': {
    title: 'Linux 6.1: unmap_and_move() loop, partially mapped THPs migrated whole',
    follows: [
      ...COMMON_SOURCES,
      'v6.1 mm/migrate.c migrate_pages() with unmap_and_move(), thp_split_pages, no_subpage_counting',
      'v6.1 do_numa_page(): "TODO: handle PTE-mapped THP" (PTE-mapped THPs invisible to NUMA balancing)',
      'v6.1 add_page_for_migration() (follow_page FOLL_GET|FOLL_DUMP, isolate_lru_page)',
      'v6.1 deferred_split_huge_page(): counts THP_DEFERRED_SPLIT_PAGE when first queued',
    ],
    verifiedOn: ['6.1.0-56-amd64'],
  },
  'linux-6.3..6.9': {
    title: 'Linux 6.3–6.9: batched migrate_pages_batch(), partially mapped THPs migrated whole',
    follows: [
      ...COMMON_SOURCES,
      'Huang Ying, "migrate_pages: batch _unmap and _move" (6.3): migrate_pages_batch(), migrate_pages_sync()',
      'Zi Yan, "mm/migrate: add nr_split to trace_mm_migrate_pages stats" (~6.7)',
      'Raghavendra K T / Mel Gorman, per-VMA numab_state scan filtering (6.4, 6.7)',
    ],
    verifiedOn: [],
  },
  'v5-posted': {
    title: 'Zi Yan v5 as posted: deferred-split THP split into `from` (walk ends early; BUG_ON in migrate_misplaced_folio)',
    follows: [
      ...COMMON_SOURCES,
      'Zi Yan, "[PATCH v5] mm/migrate: split source folio if it is on deferred split list" as posted: try_split_folio(folio, from)',
      "Baolin Wang's numa01 report: BUG_ON(!list_empty(&migratepages)) in migrate_misplaced_folio()",
      'Baolin Wang, "support multi-size THP numa balancing" (the mm tree the patch was posted against)',
    ],
    verifiedOn: [],
  },
  'linux-6.10..6.11': {
    title: 'Linux 6.10–6.11: deferred-split THP split into split_folios, counted as a THP failure',
    follows: [
      ...COMMON_SOURCES,
      '7262f208ca68 "mm/migrate: split source folio if it is on deferred split list" (merged for 6.10)',
      'Hugh Dickins, "mm/migrate: fix kernel BUG at mm/compaction.c:2761!" (nr_failed++)',
      'Zi Yan, "mm/migrate: make migrate_pages_batch() stats consistent" (stats->nr_thp_failed += is_thp)',
      'try_split_folio(folio, list, mode): folio_trylock in MIGRATE_ASYNC',
      'Baolin Wang, "support multi-size THP numa balancing" (6.10)',
    ],
    verifiedOn: [],
  },
  'linux-6.12+': {
    title: 'Linux 6.12+: partially_mapped flag, every fault THP queued uncounted, underused shrinker, zero-page remap on split',
    follows: [
      ...COMMON_SOURCES,
      'Usama Arif, "mm: Introduce a pageflag for partially mapped folios" (6.12): deferred_split_folio(folio, partially_mapped)',
      'Usama Arif, "mm: split underused THPs" (6.12): thp_underused(), deferred_split_scan(), THP_UNDERUSED_SPLIT_PAGE',
      'Yu Zhao / Usama Arif, "mm: remap unused subpages to shared zeropage when splitting isolated thp" (RMP_USE_SHARED_ZEROPAGE)',
      'migrate_pages_batch(): nr_pages > 2 && !list_empty(&folio->_deferred_list) && folio_test_partially_mapped(folio)',
      'David Hildenbrand, add_folio_for_migration() via folio_walk (6.12)',
    ],
    verifiedOn: ['6.12.117+deb13-amd64', '6.12.118+deb13-amd64'],
  },
};

function presetVariant(name: PresetName): KernelVariant {
  const p = PRESETS[name];
  return { name, base: name, title: p.title, follows: p.follows, verifiedOn: p.verifiedOn, behaviours: presetBehaviours(name), overrides: {}, ignored: [], notes: '' };
}

export const VARIANTS: Readonly<Record<VariantName, KernelVariant>> = Object.fromEntries(PRESET_NAMES.map((n) => [n, presetVariant(n)])) as Record<VariantName, KernelVariant>;

export const VARIANT_NAMES: VariantName[] = [...PRESET_NAMES];

/** A variant's switches with the given ones set over them (the rest are the variant's own). */
function withBehaviours(v: KernelVariant, set: BehaviourOverrides): Behaviours {
  return { ...v.behaviours, ...Object.fromEntries(Object.entries(set).filter(([, x]) => x !== undefined)) } as Behaviours;
}

/**
 * The model of a kernel (a release or a preset name) with the user's switches over it. Throws,
 * naming the rule, for a combination the model refuses (shared/sim/behaviours.ts BEHAVIOUR_RULES).
 * With no switches changed it is the kernel's own variant, unchanged.
 */
export function resolveVariant(kernel: string, over?: VariantOverrides): KernelVariant {
  const v = variantForKernelRelease(kernel);
  const set = over?.behaviours ?? {};
  const behaviours = withBehaviours(v, set);
  const refused = refusedCombination(behaviours);
  if (refused) throw new Error(refused);
  const changed = diffBehaviours(v.behaviours, behaviours);
  const words = overrideWords(changed);
  // A switch set to the value the kernel has anyway changes nothing, and is not worth a note.
  const ignored = ignoredSwitches(behaviours, changed);
  if (!words.length && !over?.name && !over?.notes && !ignored.length) return v;
  return {
    name: over?.name ?? (words.length ? `${v.name} with ${words.join(' ')}` : v.name),
    base: v.base,
    title: words.length ? `${v.title}; with ${words.join(', ')}` : v.title,
    follows: [
      ...v.follows,
      ...(Object.entries(changed) as Array<[BehaviourKey, string]>).map(([key, value]) => `${key}=${value}: ${(BEHAVIOURS[key].sources as Record<string, string>)[value]}`),
    ],
    // A switch set no kernel was measured with is unverified, whatever its base was.
    verifiedOn: words.length ? [] : v.verifiedOn,
    behaviours,
    overrides: diffBehaviours(presetBehaviours(v.base), behaviours),
    ignored,
    notes: over?.notes ?? '',
  };
}

/** The model a kernel build, a box or an A/B side names: a preset, a release, or a variant definition. */
export function resolveModelRef(ref: ModelRef): KernelVariant {
  const s = modelRefSpec(ref);
  return resolveVariant(s.kernel, s.variant);
}

/** What a prediction records of its model. */
export function describeVariant(v: KernelVariant): ResolvedVariant {
  return { name: v.name, title: v.title, follows: [...v.follows], base: v.base, behaviours: { ...v.behaviours }, overrides: { ...v.overrides } as Record<string, string>, ignored: [...v.ignored], notes: v.notes };
}

/** major × 1000 + minor of a release or variant name (`6.12.117+deb13-amd64` → 6012), or undefined. */
function releaseNumber(release: string): number | undefined {
  const m = /^(?:linux-)?(\d+)\.(\d+)/.exec(release.trim());
  return m ? Number(m[1]) * 1000 + Number(m[2]) : undefined;
}

/**
 * What the model of a release has not been checked on, in words (undefined: it has). A release
 * outside the major.minor range its variant was verified on, or a variant never verified:
 * "6.18.44 → linux-6.12+, verified only on 6.12.117+deb13-amd64".
 */
export function releaseCoverage(release: string): string | undefined {
  const v = variantForKernelRelease(release);
  const r = release.trim();
  const named = r in VARIANTS || !/^(?:linux-)?\d+\.\d+/.test(r) || r.startsWith('linux-');
  const own = v.follows.find((f) => !COMMON_SOURCES.includes(f)) ?? v.follows[0];
  if (!v.verifiedOn.length) return `${named ? v.name : `${r} → ${v.name}`}: not verified on a running kernel (the model follows ${own})`;
  if (named) return undefined;
  const n = releaseNumber(r)!;
  const verified = v.verifiedOn.map((x) => releaseNumber(x)!);
  if (n >= Math.min(...verified) && n <= Math.max(...verified)) return undefined;
  return `${r} → ${v.name}, verified only on ${v.verifiedOn.join(', ')}`;
}

/**
 * Map a `uname -r` string (e.g. `6.1.0-56-amd64`, `6.12.117+deb13-amd64`, `6.8.0-45-generic`)
 * or a variant name to a variant. Throws with the allowed forms when it cannot.
 */
export function variantForKernelRelease(release: string): KernelVariant {
  const r = release.trim();
  if (r in VARIANTS) return VARIANTS[r as VariantName];
  const aliases: Record<string, VariantName> = {
    '6.1': 'linux-6.1',
    'linux-6.10+': 'linux-6.10..6.11',
    'linux-6.12': 'linux-6.12+',
    v5: 'v5-posted',
  };
  if (r in aliases) return VARIANTS[aliases[r]!];
  const m = /^(?:linux-)?(\d+)\.(\d+)/.exec(r);
  if (!m) {
    throw new Error(`kernel "${release}": not a kernel release (like 6.1.0-56-amd64) nor a variant; allowed variants: ${VARIANT_NAMES.join(', ')}`);
  }
  const major = Number(m[1]);
  const minor = Number(m[2]);
  const v = major * 1000 + minor;
  if (v < 6001) {
    throw new Error(`kernel "${release}": releases before 6.1 are not modelled; allowed: 6.1 or later, or a variant (${VARIANT_NAMES.join(', ')})`);
  }
  if (v <= 6002) return VARIANTS['linux-6.1'];
  // Facts that changed inside this range: from 6.7 MAP_STACK implies VM_NOHUGEPAGE and anonymous mappings are THP-aligned.
  if (v <= 6009) {
    const base = VARIANTS['linux-6.3..6.9'];
    if (v < 6007) return base;
    const behaviours: Behaviours = { ...base.behaviours, map_stack_nohugepage: 'yes', anon_thp_align: 'yes' };
    return { ...base, behaviours, overrides: diffBehaviours(base.behaviours, behaviours) };
  }
  if (v <= 6011) return VARIANTS['linux-6.10..6.11'];
  return VARIANTS['linux-6.12+'];
}
