import { describe, expect, it } from 'vitest';
import {
  BEHAVIOUR_KEYS,
  BEHAVIOUR_RULES,
  BEHAVIOURS,
  behaviourValues,
  ignoredSwitches,
  parseBehaviour,
  PRESET_NAMES,
  presetBehaviours,
  refusedCombination,
  VariantDefinitionSchema,
} from './behaviours';

describe('the behaviour catalogue', () => {
  it('gives every switch a source for each of its values and a value in each preset', () => {
    for (const k of BEHAVIOUR_KEYS) {
      const d = BEHAVIOURS[k];
      expect(Object.keys(d.sources).sort(), k).toEqual([...behaviourValues(k)].sort());
      for (const p of PRESET_NAMES) expect(behaviourValues(k), `${k} in ${p}`).toContain(d.presets[p]);
      expect(d.functions.length, k).toBeGreaterThan(0);
    }
  });

  it('every preset is a combination the rules allow', () => {
    for (const p of PRESET_NAMES) expect(refusedCombination(presetBehaviours(p)), p).toBeUndefined();
  });

  it('no two presets have the same switch set (each preset is its switches)', () => {
    const sets = PRESET_NAMES.map((p) => JSON.stringify(presetBehaviours(p)));
    expect(new Set(sets).size).toBe(sets.length);
  });

  it('rules name real switches and values', () => {
    for (const r of BEHAVIOUR_RULES) {
      for (const v of r.values) expect(behaviourValues(r.key)).toContain(v);
      for (const v of r.whenValues) expect(behaviourValues(r.when)).toContain(v);
    }
  });
});

describe('parseBehaviour: a bad key or value is refused with the allowed ones', () => {
  it.each([
    ['deferred_split_target=from', { key: 'deferred_split_target', value: 'from' }],
    [' misplaced_putback = list ', { key: 'misplaced_putback', value: 'list' }],
  ])('%s', (pair, want) => expect(parseBehaviour(pair)).toEqual(want));

  it('names the allowed values and keys', () => {
    expect(parseBehaviour('deferred_split_target=to')).toEqual({ error: 'behaviour deferred_split_target: given "to"; allowed: none, from, split_folios' });
    expect(parseBehaviour('split=yes')).toMatchObject({ error: expect.stringMatching(/^unknown behaviour "split"; allowed: migrate_core, deferred_split_target, /) });
    expect(parseBehaviour('deferred_split_target')).toMatchObject({ error: expect.stringMatching(/expected KEY=VALUE/) });
  });
});

describe('combinations that are impossible or meaningless', () => {
  const b612 = presetBehaviours('linux-6.12+');
  it('refuses a split on migration without migrate_pages_batch()', () => {
    expect(refusedCombination({ ...presetBehaviours('linux-6.1'), deferred_split_target: 'from' })).toMatch(/^behaviour deferred_split_target=from with migrate_core=unmap_and_move: .*set migrate_core=batched too$/);
  });
  it('refuses the underused shrinker without PG_partially_mapped', () => {
    expect(refusedCombination({ ...b612, partially_mapped_flag: 'no' })).toMatch(/^behaviour underused_shrinker=yes with partially_mapped_flag=no/);
  });
  it('notes a switch the user set that the combination never reaches, and only then', () => {
    const none = { ...b612, deferred_split_target: 'none' as const };
    expect(ignoredSwitches(none, { deferred_split_target: 'none' })).toEqual([]);
    expect(ignoredSwitches({ ...none, misplaced_putback: 'folio' }, { deferred_split_target: 'none', misplaced_putback: 'folio' })).toEqual([
      'misplaced_putback=folio has no effect with deferred_split_target=none: without a split on migration the list holds only the folio migrate_misplaced_folio() isolated: both put back the same',
    ]);
  });
});

describe('a variant definition', () => {
  it('takes a base preset and switches, and refuses an unknown base or switch', () => {
    expect(VariantDefinitionSchema.parse({ name: 'my split', base: 'linux-6.12+', behaviours: { deferred_split_target: 'from' } })).toEqual({
      name: 'my split',
      base: 'linux-6.12+',
      behaviours: { deferred_split_target: 'from' },
      notes: '',
    });
    expect(VariantDefinitionSchema.safeParse({ name: 'x', base: 'linux-7' }).success).toBe(false);
    expect(VariantDefinitionSchema.safeParse({ name: 'x', base: 'linux-6.1', behaviours: { nope: 'yes' } }).success).toBe(false);
    expect(VariantDefinitionSchema.safeParse({ name: '../../etc', base: 'linux-6.1' }).success).toBe(false);
  });
});
