import { describe, expect, it } from 'vitest';
import { anyDiverged, shownVerdicts, verdicts, type RunInput } from './verdict';
import { significance, summarize } from './stats';

type Deltas = Record<string, number>;
/** Repetitions that share one prediction (as for the deterministic migration system calls). */
const same = (measured: Deltas[], predicted: Deltas): RunInput[] => measured.map((m, i) => ({ repetition: i + 1, measured: m, predicted }));
const row = (vs: ReturnType<typeof verdicts>, c: string) => vs.find((x) => x.counter === c)!;

describe('measured vs predicted verdicts', () => {
  it('calls a deterministic counter exact only when every repetition equals its prediction', () => {
    const v = verdicts(same([{ pgmigrate_success: 4096 }, { pgmigrate_success: 4096 }], { pgmigrate_success: 4096 }), { pgmigrate_success: 4096 });
    expect(row(v, 'pgmigrate_success')).toMatchObject({ verdict: 'exact', difference: 0 });
    const d = verdicts(same([{ pgmigrate_success: 4096 }, { pgmigrate_success: 4095 }], { pgmigrate_success: 4096 }), { pgmigrate_success: 4096 });
    expect(row(d, 'pgmigrate_success')).toMatchObject({ verdict: 'diverged', reason: 'repetition 2: measured 4,095, predicted 4,096: a deterministic counter must match to the page' });
    expect(row(d, 'pgmigrate_success').runs!.map((r) => r.verdict)).toEqual(['exact', 'diverged']);
    expect(anyDiverged(d)).toBe(true);
  });

  it('lists every exact counter and every key counter even when neither side moved it (0 = 0 is a real check)', () => {
    const v = verdicts(same([{}], {}), {}, { keyCounters: ['numa_pages_migrated'] });
    expect(row(v, 'thp_migration_split')).toMatchObject({ verdict: 'exact', measured: 0, predicted: 0 });
    expect(row(v, 'numa_pages_migrated')).toMatchObject({ verdict: 'exact', key: true });
    expect(shownVerdicts(v).map((x) => x.counter)).toEqual(['numa_pages_migrated']);
  });

  it('gives a timing-dependent counter an allowance from its own pair, never from the other repetitions', () => {
    const reps = same([{ numa_hint_faults: 25 }, { numa_hint_faults: 33 }, { numa_hint_faults: 25 }], { numa_hint_faults: 30 });
    const v = row(verdicts(reps, { numa_hint_faults: 30 }), 'numa_hint_faults');
    expect(v).toMatchObject({ verdict: 'within tolerance', spread: 8, allowed: 8 });
    // Two groups: half their spread (17.5) would have widened the allowance to cover 60 against 30.
    const groups = same([{ numa_hint_faults: 25 }, { numa_hint_faults: 60 }], { numa_hint_faults: 30 });
    const g = row(verdicts(groups, { numa_hint_faults: 30 }), 'numa_hint_faults');
    expect(g).toMatchObject({ verdict: 'diverged', allowed: 8, spread: 35 });
    expect(g.runs!.map((r) => r.verdict)).toEqual(['within tolerance', 'diverged']);
  });

  it('numa01 on 6.1 (bench report): a repetition the kernel scanned while its replay says no scan is diverged, whatever the others did', () => {
    // measured numa_pte_updates 0..128008 over 5 runs; the old tolerance (mean ± spread/2) called
    // a prediction of 0 "within tolerance".
    const measured = [128008, 0, 0, 0, 0].map((x) => ({ numa_pte_updates: x, numa_huge_pte_updates: x ? 250 : 0 }));
    const noScan = measured.map((m, i) => ({ repetition: i + 1, measured: m, predicted: { numa_pte_updates: 0, numa_huge_pte_updates: 0 } }));
    const v = row(verdicts(noScan, { numa_pte_updates: 0 }, { otherPagesMove: true }), 'numa_pte_updates');
    expect(v.verdict).toBe('diverged');
    expect(v.reason).toBe('repetition 1: measured 128,008, predicted 0: 128,008 apart, 6,400.4 allowed');
    expect(v.runs!.map((r) => r.verdict)).toEqual(['diverged', 'exact', 'exact', 'exact', 'exact']);
    // The replay of repetition 1 from its own clocks (the box: a scan at 1.126 s of CPU) agrees.
    const ownClocks = noScan.map((r, i) => (i === 0 ? { ...r, predicted: { numa_pte_updates: 128008, numa_huge_pte_updates: 250 } } : r));
    expect(row(verdicts(ownClocks, { numa_pte_updates: 0 }, { otherPagesMove: true }), 'numa_pte_updates').verdict).toBe('exact');
  });

  it('numa02 on 6.12 (bench report): a run whose threads the scheduler swapped migrates everything and is diverged', () => {
    const migrated = [56836, 4, 3, 39937, 61441];
    const runs = migrated.map((x, i) => ({ repetition: i + 1, measured: { numa_pages_migrated: x }, predicted: { numa_pages_migrated: 3 } }));
    const v = row(verdicts(runs, { numa_pages_migrated: 3 }, { otherPagesMove: true }), 'numa_pages_migrated');
    expect(v.verdict).toBe('diverged');
    expect(v.runs!.filter((r) => r.verdict === 'diverged').map((r) => r.repetition)).toEqual([1, 4, 5]);
  });

  it('is undecided where the model answers differently within its timing uncertainty, and diverged outside every answer', () => {
    // numa-touch thps=2 secs=8: 2 scans (4 PMD updates) or 3 (6) within 100 ms of CPU time.
    const at = (m: number) => [{ repetition: 1, measured: { numa_huge_pte_updates: m }, predicted: { numa_huge_pte_updates: 6 }, ranges: { numa_huge_pte_updates: { lo: 4, hi: 6 } } }];
    const opts = { otherPagesMove: true, uncertainty: 'a scan within 100 ms of CPU of the window\'s end' };
    for (const m of [4, 6]) {
      const v = row(verdicts(at(m), { numa_huge_pte_updates: 6 }, opts), 'numa_huge_pte_updates');
      expect(v).toMatchObject({ verdict: 'undecided', boundary: { lo: 4, hi: 6 } });
      expect(v.reason).toBe(`the model says 4 to 6 within its timing uncertainty (a scan within 100 ms of CPU of the window's end); measured ${m} fits that range and cannot tell which`);
    }
    expect(row(verdicts(at(12), { numa_huge_pte_updates: 6 }, opts), 'numa_huge_pte_updates')).toMatchObject({ verdict: 'diverged', boundary: { lo: 4, hi: 6 } });
    // and undecided outranks agreement: the counter's verdict is its worst repetition's
    const two = [...at(6), { repetition: 2, measured: { numa_huge_pte_updates: 4 }, predicted: { numa_huge_pte_updates: 4 } }];
    expect(row(verdicts(two, { numa_huge_pte_updates: 6 }, opts), 'numa_huge_pte_updates').verdict).toBe('undecided');
  });

  it('shows machine-wide allocation counters without judging them', () => {
    const v = row(verdicts(same([{ numa_hit: 2055 }], { numa_hit: 2051 }), { numa_hit: 2051 }), 'numa_hit');
    expect(v.verdict).toBe('info');
    expect(anyDiverged(verdicts(same([{ numa_hit: 1 }], { numa_hit: 999 }), { numa_hit: 999 }))).toBe(false);
  });

  it('gives the key counters of a mechanism that was off nothing to compare, with the reason', () => {
    const v = verdicts(same([{ thp_fault_alloc: 8 }], { thp_fault_alloc: 8 }), { thp_fault_alloc: 8 }, { keyCounters: ['numa_pages_migrated', 'pgmigrate_success'], mechanismOff: 'numa.balancing=0 turns it off' });
    expect(row(v, 'numa_pages_migrated')).toMatchObject({ verdict: 'nothing to compare', reason: 'numa.balancing=0 turns it off', key: true });
    expect(row(v, 'pgmigrate_success').verdict).toBe('nothing to compare');
    // what still happened (the set-up's faults) is still judged
    expect(row(v, 'thp_fault_alloc').verdict).toBe('exact');
  });
});

describe('verdicts with NUMA balancing on', () => {
  it('gives pgmigrate_success the tolerance of numa_pages_migrated (the balancer moves a few other pages)', () => {
    const reps = same([{ pgmigrate_success: 4102, numa_pages_migrated: 4102 }], { pgmigrate_success: 4096, numa_pages_migrated: 4096 });
    expect(row(verdicts(reps, {}), 'pgmigrate_success').verdict).toBe('diverged');
    expect(row(verdicts(reps, {}, { otherPagesMove: true }), 'pgmigrate_success').verdict).toBe('within tolerance');
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
