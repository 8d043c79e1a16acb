import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { numaLab } from '../support/numaLabCli';
import { BEHAVIOUR_KEYS, PRESET_NAMES } from '../../src/shared/sim/behaviours';

// `numa-lab sim --behaviour / --variant / --behaviours`: a patch under test described to the model, as users script it.
const dir = mkdtempSync(join(tmpdir(), 'variants-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const NUMA_TOUCH = ['--workload', 'numa-touch', '--param', 'thps=1', '--param', 'unmap=0.5', '--knob', 'numa.balancing=1'];

describe('numa-lab sim --behaviours', () => {
  it('lists every key, its values, each preset\'s value and the source it follows', async () => {
    const r = await numaLab('sim', '--behaviours', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.presets).toEqual([...PRESET_NAMES]);
    expect(j.behaviours.map((b: { key: string }) => b.key)).toEqual(BEHAVIOUR_KEYS);
    const target = j.behaviours.find((b: { key: string }) => b.key === 'deferred_split_target');
    expect(target.values).toEqual(['none', 'from', 'split_folios']);
    expect(target.presets).toEqual({ 'linux-6.1': 'none', 'linux-6.3..6.9': 'none', 'v5-posted': 'from', 'linux-6.10..6.11': 'split_folios', 'linux-6.12+': 'split_folios' });
    expect(target.sources.split_folios).toMatch(/7262f208ca68/);
    expect(j.rules.map((x: { key: string; effect: string }) => `${x.key}:${x.effect}`)).toContain('deferred_split_counts_as_failure:ignored');
    const text = await numaLab('sim', '--behaviours');
    expect(text.stdout).toMatch(/^behaviour +linux-6\.1 +linux-6\.3\.\.6\.9 +v5-posted +linux-6\.10\.\.6\.11 +linux-6\.12\+$/m);
    expect(text.stdout).toMatch(/^misplaced_putback +folio +folio +folio +list +list$/m);
  });
});

describe('numa-lab sim --behaviour', () => {
  it('6.12 with the split into `from` and the split not counted crashes; counted, it only migrates the subpages later', async () => {
    const crash = JSON.parse((await numaLab('sim', '--kernel', 'linux-6.12+', '--behaviour', 'deferred_split_target=from', '--behaviour', 'deferred_split_counts_as_failure=no', ...NUMA_TOUCH, '--json')).stdout);
    expect(crash.bug.condition).toMatch(/BUG_ON\(!list_empty\(&migratepages\)\)/);
    expect(crash.variant).toMatchObject({ base: 'linux-6.12+', overrides: { deferred_split_target: 'from', deferred_split_counts_as_failure: 'no' }, name: 'linux-6.12+ with deferred_split_target=from deferred_split_counts_as_failure=no' });
    expect(crash.variant.behaviours.misplaced_putback).toBe('list');
    expect(crash.variant.follows.some((f: string) => f.startsWith('deferred_split_target=from: Zi Yan'))).toBe(true);
    const counted = JSON.parse((await numaLab('sim', '--kernel', 'linux-6.12+', '--behaviour', 'deferred_split_target=from', ...NUMA_TOUCH, '--json')).stdout);
    expect(counted.bug).toBeNull();
    const stock = JSON.parse((await numaLab('sim', '--kernel', 'linux-6.12+', ...NUMA_TOUCH, '--json')).stdout);
    // The same THP: split whole into split_folios and migrated at one fault, or split on `from`,
    // put back, and its mapped subpages migrated by a hinting fault each.
    expect(counted.deltas.numa_hint_faults).toBeGreaterThan(stock.deltas.numa_hint_faults + 200);
    expect(counted.deltas.thp_migration_split).toBe(1);
  });

  it('a preset\'s own value changes nothing; text output names the switches', async () => {
    const a = JSON.parse((await numaLab('sim', '--kernel', 'linux-6.1', ...NUMA_TOUCH, '--json')).stdout);
    const b = JSON.parse((await numaLab('sim', '--kernel', 'linux-6.1', '--behaviour', 'misplaced_putback=folio', ...NUMA_TOUCH, '--json')).stdout);
    expect(b).toEqual(a);
    const t = await numaLab('sim', '--kernel', 'linux-6.12+', '--behaviour', 'misplaced_putback=folio', ...NUMA_TOUCH);
    expect(t.stdout).toMatch(/^behaviours over linux-6\.12\+: misplaced_putback=folio$/m);
  });

  it('says when a switch the user set is never reached', async () => {
    const r = await numaLab('sim', '--kernel', 'linux-6.1', '--behaviour', 'deferred_split_counts_as_failure=yes', ...NUMA_TOUCH);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ignored: deferred_split_counts_as_failure=yes has no effect with deferred_split_target=none: nothing is split on migration/m);
  });

  it.each([
    [['--behaviour', 'deferred_split_target=sideways'], /behaviour deferred_split_target: given "sideways"; allowed: none, from, split_folios/],
    [['--behaviour', 'nr_failed=yes'], /unknown behaviour "nr_failed"; allowed: migrate_core, /],
    [['--behaviour', 'deferred_split_target=from', '--kernel', 'linux-6.1'], /deferred_split_target=from with migrate_core=unmap_and_move: .*set migrate_core=batched too/],
    [['--behaviour', "deferred_split_target=$(touch /tmp/pwned)"], /allowed: none, from, split_folios/],
  ])('refuses %j with exit 2, naming what is allowed', async (flags, msg) => {
    const args = flags.includes('--kernel') ? flags : ['--kernel', 'linux-6.12+', ...flags];
    const r = await numaLab('sim', ...args, '--workload', 'thp-move');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(msg);
  });
});

describe('numa-lab sim --variant FILE.json', () => {
  it('predicts with the named variant; --behaviour refines it', async () => {
    const file = join(dir, 'v5-on-612.json');
    writeFileSync(file, JSON.stringify({ name: 'v5 on 6.12', base: 'linux-6.12+', behaviours: { deferred_split_target: 'from', deferred_split_counts_as_failure: 'no' }, notes: 'the v5 hunk carried to 6.12' }));
    const j = JSON.parse((await numaLab('sim', '--variant', file, ...NUMA_TOUCH, '--json')).stdout);
    expect(j.kernel).toBe('v5 on 6.12');
    expect(j.variant).toMatchObject({ name: 'v5 on 6.12', base: 'linux-6.12+', notes: 'the v5 hunk carried to 6.12' });
    expect(j.bug).not.toBeNull();
    const refined = JSON.parse((await numaLab('sim', '--variant', file, '--behaviour', 'deferred_split_counts_as_failure=yes', ...NUMA_TOUCH, '--json')).stdout);
    expect(refined.bug).toBeNull();
    expect(refined.variant.overrides).toEqual({ deferred_split_target: 'from' });
  });

  it.each([
    ['not JSON', '{"name": ', /not JSON/],
    ['a bad base', JSON.stringify({ name: 'x', base: 'linux-7.0' }), /base: .*allowed bases: linux-6\.1, linux-6\.3\.\.6\.9, v5-posted, linux-6\.10\.\.6\.11, linux-6\.12\+/],
    ['a bad switch', JSON.stringify({ name: 'x', base: 'linux-6.12+', behaviours: { misplaced_putback: 'all' } }), /behaviour misplaced_putback: given "all"; allowed: folio, list/],
    ['an unknown field', JSON.stringify({ name: 'x', base: 'linux-6.12+', patch: 'x.diff' }), /Unrecognized key/i],
  ])('refuses a file with %s', async (_what, text, msg) => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, text);
    const r = await numaLab('sim', '--variant', file, '--workload', 'thp-move');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(msg);
  });

  it('refuses --kernel beside --variant, and a missing file', async () => {
    const file = join(dir, 'ok.json');
    writeFileSync(file, JSON.stringify({ name: 'ok', base: 'linux-6.1' }));
    expect((await numaLab('sim', '--variant', file, '--kernel', 'linux-6.12+', '--workload', 'thp-move')).stderr).toMatch(/give --kernel or --variant, not both: the variant file names its base \(linux-6\.1\)/);
    expect((await numaLab('sim', '--variant', join(dir, 'nope.json'), '--workload', 'thp-move')).stderr).toMatch(/cannot read it \(ENOENT\)/);
  });
});
