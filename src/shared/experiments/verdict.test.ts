import { describe, expect, it } from 'vitest';
import { anyDiverged, verdicts } from './verdict';
import { significance, summarize } from './stats';

describe('measured vs predicted verdicts', () => {
  it('calls a deterministic counter exact only when every repetition equals the prediction', () => {
    const v = verdicts([{ pgmigrate_success: 4096 }, { pgmigrate_success: 4096 }], { pgmigrate_success: 4096 });
    expect(v.find((x) => x.counter === 'pgmigrate_success')).toMatchObject({ verdict: 'exact', difference: 0 });
    const d = verdicts([{ pgmigrate_success: 4096 }, { pgmigrate_success: 4095 }], { pgmigrate_success: 4096 });
    expect(d.find((x) => x.counter === 'pgmigrate_success')!.verdict).toBe('diverged');
    expect(anyDiverged(d)).toBe(true);
  });

  it('lists every exact counter even when neither side moved it (0 = 0 is a real check)', () => {
    const v = verdicts([{}], {});
    expect(v.find((x) => x.counter === 'thp_migration_split')).toMatchObject({ verdict: 'exact', measured: 0, predicted: 0 });
  });

  it('gives timing-dependent NUMA counters a tolerance widened by the measured spread', () => {
    const reps = [{ numa_hint_faults: 25 }, { numa_hint_faults: 33 }, { numa_hint_faults: 25 }];
    const v = verdicts(reps, { numa_hint_faults: 30 }).find((x) => x.counter === 'numa_hint_faults')!;
    expect(v.verdict).toBe('within tolerance');
    expect(v.spread).toBe(8);
    const far = verdicts(reps, { numa_hint_faults: 300 }).find((x) => x.counter === 'numa_hint_faults')!;
    expect(far.verdict).toBe('diverged');
  });

  it('shows machine-wide allocation counters without judging them', () => {
    const v = verdicts([{ numa_hit: 2055 }], { numa_hit: 2051 }).find((x) => x.counter === 'numa_hit')!;
    expect(v.verdict).toBe('info');
    expect(anyDiverged(verdicts([{ numa_hit: 1 }], { numa_hit: 999 }))).toBe(false);
  });
});

describe('verdicts with NUMA balancing on', () => {
  it('gives pgmigrate_success the tolerance of numa_pages_migrated (the balancer moves a few other pages)', () => {
    const reps = [{ pgmigrate_success: 4102, numa_pages_migrated: 4102 }];
    expect(verdicts(reps, { pgmigrate_success: 4096, numa_pages_migrated: 4096 }).find((x) => x.counter === 'pgmigrate_success')!.verdict).toBe('diverged');
    const v = verdicts(reps, { pgmigrate_success: 4096, numa_pages_migrated: 4096 }, { otherPagesMove: true }).find((x) => x.counter === 'pgmigrate_success')!;
    expect(v.verdict).toBe('within tolerance');
  });
});

describe('significance between groups of runs', () => {
  it('marks separated confidence intervals significant', () => {
    expect(significance(summarize([100, 101, 99, 100]), summarize([120, 121, 119, 120]), false)).toBe('significant');
    expect(significance(summarize([100, 130, 70]), summarize([105, 135, 75]), false)).toBe('not significant');
  });
  it('treats any difference of a deterministic counter as real, and single runs of noisy ones as undecidable', () => {
    expect(significance(summarize([4096]), summarize([2048]), true)).toBe('differs (deterministic)');
    expect(significance(summarize([4096]), summarize([4096]), true)).toBe('same');
    expect(significance(summarize([30]), summarize([25]), false)).toBe('too few runs');
  });
});
