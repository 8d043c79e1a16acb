import { describe, expect, it } from 'vitest';
import { ABSENT, differingFields, specDiff, specWords, type SpecSide } from './specDiff';

const base: SpecSide = {
  target: 'local',
  workload: 'custom',
  kernel: '6.1.0-18-amd64',
  model: null,
  params: { cmd: 'true' },
  knobs: { 'thp.defrag': 'madvise' },
  repeat: 1,
};

describe('specDiff', () => {
  it('marks the one knob two otherwise identical runs differ by', () => {
    const rows = specDiff(base, { ...base, knobs: { 'thp.defrag': 'never' } });
    expect(rows.filter((r) => r.differs)).toEqual([{ field: 'knob thp.defrag', group: 'knob', name: 'thp.defrag', a: 'madvise', b: 'never', differs: true }]);
    expect(rows.find((r) => r.field === 'kernel')).toMatchObject({ a: '6.1.0-18-amd64', b: '6.1.0-18-amd64', differs: false });
  });

  it('shows a knob, parameter or switch given on one side only as absent on the other', () => {
    const rows = specDiff({ ...base, knobs: {} }, { ...base, params: { cmd: 'true', extra: 7 }, behaviours: { deferred_split_target: 'from' } });
    expect(rows.find((r) => r.field === 'knob thp.defrag')).toMatchObject({ a: ABSENT, b: 'madvise', differs: true });
    expect(rows.find((r) => r.field === 'param extra')).toMatchObject({ a: ABSENT, b: '7', differs: true });
    expect(rows.find((r) => r.field === 'behaviour deferred_split_target')).toMatchObject({ a: ABSENT, b: 'from', differs: true });
  });

  it('compares numbers and their strings as the same value (a stored request keeps strings)', () => {
    expect(differingFields({ ...base, params: { thps: 8 } }, { ...base, params: { thps: '8' } })).toEqual([]);
  });

  it('reads kernel and model first, then workload, parameters and knobs, names sorted within a group', () => {
    const rows = specDiff({ ...base, params: { to: 1, from: 0 }, knobs: { 'z.k': '1', 'a.k': '2' } }, { ...base, params: {}, kernel: null, model: 'linux-6.12+' });
    expect(rows.map((r) => r.field)).toEqual(['target', 'kernel', 'model', 'workload', 'param from', 'param to', 'knob a.k', 'knob thp.defrag', 'knob z.k', 'repeat']);
    expect(differingFields({ ...base, kernel: null }, base)).toEqual(['kernel']);
  });

  it('words a side for a list cell', () => {
    expect(specWords({ params: { thps: 8, migrate: 0 }, knobs: { 'thp.enabled': 'always' } })).toEqual({ params: 'thps=8 migrate=0', knobs: 'thp.enabled=always', behaviours: '' });
  });
});
