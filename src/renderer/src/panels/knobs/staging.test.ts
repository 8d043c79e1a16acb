import { describe, expect, it } from 'vitest';
import type { KnobState } from '../../../../shared/knobs';
import { applyRequest, diffRows, rebase, resultText, stage, unstage } from './staging';

const knob = (id: string, current: string, more: Partial<KnobState> = {}): KnobState => ({
  id,
  group: 'thp',
  meaning: '',
  unit: null,
  path: `/sys/kernel/mm/transparent_hugepage/${id.split('.').pop()}`,
  era: null,
  present: true,
  absentReason: null,
  current,
  raw: current,
  readError: null,
  original: null,
  allowed: ['always', 'defer', 'defer+madvise', 'madvise', 'never'],
  range: null,
  ...more,
});

const defrag = knob('thp.defrag', 'madvise');
const scan = knob('khugepaged.pages_to_scan', '4096', { group: 'khugepaged', allowed: null, range: { min: 1, max: 4294967295, note: null } });

describe('staged knob changes', () => {
  it('stages a change against the current value, and staging the current value drops it', () => {
    let s = stage({}, defrag, 'never');
    expect(s).toEqual({ 'thp.defrag': { value: 'never', base: 'madvise' } });
    s = stage(s, defrag, 'defer');
    expect(s['thp.defrag']).toEqual({ value: 'defer', base: 'madvise' });
    expect(stage(s, defrag, 'madvise')).toEqual({});
    expect(unstage(stage(s, scan, '100'), ['thp.defrag'])).toEqual({ 'khugepaged.pages_to_scan': { value: '100', base: '4096' } });
  });

  it('shows path, current → staged and what is allowed, and builds one request', () => {
    const s = stage(stage({}, defrag, 'never'), scan, '100');
    const rows = diffRows([defrag, scan], s);
    expect(rows.map((r) => [r.id, r.path, r.current, r.staged, r.allowed])).toEqual([
      ['thp.defrag', '/sys/kernel/mm/transparent_hugepage/defrag', 'madvise', 'never', 'always defer defer+madvise madvise never'],
      ['khugepaged.pages_to_scan', '/sys/kernel/mm/transparent_hugepage/pages_to_scan', '4096', '100', '1..4294967295'],
    ]);
    expect(applyRequest(rows)).toEqual({ ok: true, values: { 'thp.defrag': 'never', 'khugepaged.pages_to_scan': '100' } });
  });

  it('refuses to send a value the kernel would not take, saying what it allows', () => {
    const rows = diffRows([scan], stage({}, scan, '0'));
    expect(rows[0].problem).toMatch(/out of range; allowed: 1\.\.4294967295/);
    const r = applyRequest(rows);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.why).toMatch(/allowed: 1\.\.4294967295/);
  });

  it('turns a knob changed underneath into a conflict, not a silent overwrite', () => {
    const s = stage({}, defrag, 'never');
    const changed = { ...defrag, current: 'always' };
    const rows = diffRows([changed], s, { 'thp.defrag': 'cli' });
    expect(rows[0].conflict).toEqual({ now: 'always', by: 'cli' });
    const r = applyRequest(rows);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.why).toMatch(/thp\.defrag changed since you staged it/);
    // Keeping the staged value rebases it on the new current value; then it can be applied.
    const kept = rebase(s, changed);
    expect(kept['thp.defrag']).toEqual({ value: 'never', base: 'always' });
    expect(applyRequest(diffRows([changed], kept)).ok).toBe(true);
    // Changed underneath to exactly the staged value: rebasing leaves nothing to write.
    expect(rebase(s, { ...defrag, current: 'never' })).toEqual({});
  });

  it('says what the kernel said about a refused write and what it allows', () => {
    const refused = { id: 'thp.defrag', path: defrag.path, requested: 'never', before: 'madvise', after: 'madvise', ok: false, errno: 'EINVAL', error: 'Invalid argument' };
    expect(resultText(refused, 'always madvise')).toBe('refused never: the kernel said EINVAL Invalid argument; it is still madvise; allowed: always madvise');
    expect(resultText({ ...refused, ok: true, after: 'never', errno: null, error: null }, '')).toBe('madvise → never');
  });
});
