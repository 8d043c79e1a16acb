import { describe, expect, it } from 'vitest';
import { asForecast, isDisagreement, judgeExperiment, type JudgeInput } from './judge';
import { verdicts } from './verdict';

const run = (deltas: Record<string, number>, status: JudgeInput['runs'][number]['status'] = 'completed', repetition = 1) => ({ repetition, status, deltas });
const base = (over: Partial<JudgeInput>): JudgeInput => ({ workload: 'numa-touch', simulated: true, runs: [run({ numa_pages_migrated: 4113 })], verdicts: [], predictedBug: null, purpose: ['numa_pages_migrated'], ...over });
const vs = (m: Record<string, number>, p: Record<string, number>) => verdicts([{ repetition: 1, measured: m, predicted: p }], p, { otherPagesMove: true });

describe('judgeExperiment: the experiment verdict', () => {
  it('agrees only when every compared counter agrees and the purpose happened', () => {
    const j = judgeExperiment(base({ verdicts: vs({ numa_pages_migrated: 4113 }, { numa_pages_migrated: 4113 }) }));
    expect(j.verdict).toBe('agrees');
    expect(j.counts.exact).toBeGreaterThan(0);
  });

  it('calls a run where nothing moved vacuous, even when model and kernel agree on nothing', () => {
    const j = judgeExperiment(base({ runs: [run({})], verdicts: vs({}, {}) }));
    expect(j).toMatchObject({ verdict: 'vacuous' });
    expect(j.reason).toMatch(/numa_pages_migrated stayed 0 in every repetition/);
    expect(isDisagreement(j.verdict)).toBe(false);
  });

  it('says there was nothing to compare when the mechanism was off', () => {
    const j = judgeExperiment(base({ runs: [run({})], verdicts: vs({}, {}), mechanismOff: 'numa.balancing=0 turns the mechanism off' }));
    expect(j).toMatchObject({ verdict: 'nothing to compare', reason: 'numa.balancing=0 turns the mechanism off' });
  });

  it('does not compare a custom command', () => {
    expect(judgeExperiment(base({ workload: 'custom', simulated: false, purpose: [] })).verdict).toBe('not compared');
  });

  it('diverged beats undecided, undecided beats agreement', () => {
    const undecided = verdicts([{ repetition: 1, measured: { numa_huge_pte_updates: 4 }, predicted: { numa_huge_pte_updates: 6 }, ranges: { numa_huge_pte_updates: { lo: 4, hi: 6 } } }], {}, {});
    const j = judgeExperiment(base({ verdicts: undecided }));
    expect(j.verdict).toBe('undecided');
    expect(j.reason).toMatch(/^numa_huge_pte_updates: the model says 4 to 6 within its timing uncertainty/);
    const both = [...undecided, ...vs({ pgmigrate_fail: 3 }, { pgmigrate_fail: 900 }).filter((v) => v.counter === 'pgmigrate_fail')];
    expect(judgeExperiment(base({ verdicts: both })).verdict).toBe('diverged');
    expect(isDisagreement('diverged')).toBe(true);
  });

  it('compares crashes with the prediction: as predicted, unexpected, or predicted and absent', () => {
    const crashed = [{ ...run({}, 'crashed'), crash: { message: 'kernel BUG at mm/migrate.c:2598!' } }];
    const bug = { message: 'kernel BUG at mm/migrate.c: BUG_ON(!list_empty(&migratepages)) in migrate_misplaced_folio' };
    expect(judgeExperiment(base({ runs: crashed, predictedBug: bug })).verdict).toBe('crash as predicted');
    const unexpected = judgeExperiment(base({ runs: crashed }));
    expect(unexpected).toMatchObject({ verdict: 'unexpected crash', reason: 'repetition 1: the kernel crashed (kernel BUG at mm/migrate.c:2598!); the model predicted no crash' });
    expect(isDisagreement(unexpected.verdict)).toBe(true);
    const absent = judgeExperiment(base({ predictedBug: bug }));
    expect(absent.verdict).toBe('predicted crash did not happen');
    expect(isDisagreement(absent.verdict)).toBe(true);
  });

  it('says so when no repetition completed', () => {
    expect(judgeExperiment(base({ runs: [run({}, 'failed')] })).verdict).toBe('no repetition completed');
  });
});

describe('asForecast: how often the kernel did what the forecast said', () => {
  it('counts runs with no counter diverged, and of them those only within the uncertainty', () => {
    const f = verdicts(
      [
        { repetition: 1, measured: { numa_huge_pte_updates: 16 }, predicted: { numa_huge_pte_updates: 16 }, ranges: { numa_huge_pte_updates: { lo: 16, hi: 24 } } },
        { repetition: 2, measured: { numa_huge_pte_updates: 40 }, predicted: { numa_huge_pte_updates: 16 }, ranges: { numa_huge_pte_updates: { lo: 16, hi: 24 } } },
        { repetition: 3, measured: { numa_huge_pte_updates: 16 }, predicted: { numa_huge_pte_updates: 16 } },
      ],
      { numa_huge_pte_updates: 16 },
    );
    expect(asForecast(f, [1, 2, 3])).toEqual({ runs: 2, of: 3, withinUncertainty: 1 });
  });
});
