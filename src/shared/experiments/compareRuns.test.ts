import { describe, expect, it } from 'vitest';
import { compareGroups } from './compareRuns';

const run = (migrate: Record<string, number>) => ({ phases: { setup: { thp_fault_alloc: 8 }, migrate } });

describe('comparing two groups of runs', () => {
  it('shows 6.1 vs 6.12 on the partially mapped case as significant deterministic differences', () => {
    const a = { label: '6.1', runs: [run({ pgmigrate_success: 4096, thp_migration_success: 8 })] };
    const b = { label: '6.12', runs: [run({ pgmigrate_success: 4096, thp_migration_fail: 8, thp_migration_split: 8, thp_split_page: 8 })] };
    const rows = compareGroups(a, b);
    const get = (phase: string, c: string) => rows.find((r) => r.phase === phase && r.counter === c)!;
    expect(get('migrate', 'thp_migration_success')).toMatchObject({ difference: -8, percent: -100, significance: 'differs (deterministic)' });
    expect(get('migrate', 'thp_migration_split')).toMatchObject({ difference: 8, percent: null, significance: 'differs (deterministic)' });
    expect(get('migrate', 'pgmigrate_success').significance).toBe('same');
    expect(get('total', 'thp_fault_alloc').significance).toBe('same');
  });

  it('uses confidence intervals for timing-dependent counters over repetitions', () => {
    const a = { label: 'off', runs: [25, 33, 25].map((v) => run({ numa_hint_faults: v })) };
    const b = { label: 'on', runs: [300, 310, 305].map((v) => run({ numa_hint_faults: v })) };
    expect(compareGroups(a, b).find((r) => r.phase === 'migrate' && r.counter === 'numa_hint_faults')!.significance).toBe('significant');
  });
});

describe('compareGroups with a run cut short by a crash', () => {
  it('counts its finished phases, and has no number for the phase it did not finish nor for its total', () => {
    const a = { label: 'A', runs: [{ phases: { setup: { thp_fault_alloc: 1 }, migrate: { pgmigrate_success: 514 } } }] };
    const b = { label: 'B', runs: [{ phases: { setup: { thp_fault_alloc: 1 } }, complete: false }] };
    const rows = compareGroups(a, b);
    const row = (phase: string, counter: string) => rows.find((r) => r.phase === phase && r.counter === counter)!;
    expect(row('setup', 'thp_fault_alloc').significance).toBe('same');
    expect(row('migrate', 'pgmigrate_success').b.n).toBe(0);
    expect(row('migrate', 'pgmigrate_success').significance).toBe('not measured');
    expect(row('total', 'pgmigrate_success').significance).toBe('not measured');
  });
});
