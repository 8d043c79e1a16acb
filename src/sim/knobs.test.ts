import { describe, expect, it } from 'vitest';
import { isModelledKnob, normalizeKnobs } from './knobs';

describe('knobs the model reads', () => {
  it('6.8+: the PMD size\'s own mTHP setting decides PMD THPs unless it is inherit', () => {
    expect(normalizeKnobs({ 'thp.enabled': 'always', 'mthp.2048kB.enabled': 'never' }).thpEnabled).toBe('never');
    expect(normalizeKnobs({ 'thp.enabled': 'never', 'mthp.2048kB.enabled': 'always' }).thpEnabled).toBe('always');
    expect(normalizeKnobs({ 'thp.enabled': 'madvise', 'mthp.2048kB.enabled': 'inherit' }).thpEnabled).toBe('madvise');
    expect(normalizeKnobs({ '/sys/kernel/mm/transparent_hugepage/hugepages-2048kB/enabled': 'always [madvise] never inherit' }).thpEnabled).toBe('madvise');
    expect(() => normalizeKnobs({ 'mthp.2048kB.enabled': 'sometimes' })).toThrow(/knob mthp.2048kB.enabled: given "sometimes"; allowed: always, madvise, never, inherit/);
  });

  it('says which host knobs it models (the rest are ignored, and warned about where they matter)', () => {
    expect(['thp.enabled', 'numa.balancing', 'numa.scan_size_mb', 'mthp.2048kB.enabled'].map(isModelledKnob)).toEqual([true, true, true, true]);
    expect(['mthp.64kB.enabled', 'khugepaged.scan_sleep_millisecs', 'vm.zone_reclaim_mode', 'sim.cpu_share'].map(isModelledKnob)).toEqual([false, false, false, false]);
  });
});
