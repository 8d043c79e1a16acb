import { describe, expect, it } from 'vitest';
import { describeCounter } from './catalog';
import { chartGroups, DEFAULT_CHARTS, expandChoice, perNodeKey, pickerEntries, CHART_CHOICE_PATTERN } from './charts';

const NAMES = [
  'numa_hit',
  'numa_miss',
  'numa_pte_updates',
  'numa_huge_pte_updates',
  'pgmigrate_success',
  'thp_migration_success',
  'nr_isolated_anon',
  'thp_split_page',
  'thp_split_pmd',
  'nr_file_hugepages',
  'nr_anon_transparent_hugepages',
  'compact_stall',
  'numastat.node0.numa_hit',
  'numastat.node1.numa_hit',
  'meminfo.node0.MemFree',
  'meminfo.node1.MemFree',
  'pgfault',
];

describe('chart grouping', () => {
  it('puts one unit and one kind on each axis: levels never beside events', () => {
    const groups = chartGroups(DEFAULT_CHARTS, NAMES);
    for (const g of groups) {
      const units = new Set(g.names.map((n) => describeCounter(n).unit));
      const kinds = new Set(g.names.map((n) => describeCounter(n).kind));
      expect(units.size, g.key).toBe(1);
      expect(kinds.size, g.key).toBe(1);
      expect([...units][0]).toBe(g.unit);
      expect([...kinds][0]).toBe(g.kind);
    }
    const migration = groups.filter((g) => g.family === 'migration');
    // pgmigrate_success (pages, an event) and nr_isolated_anon (pages, a level) are two charts.
    expect(migration.find((g) => g.names.includes('pgmigrate_success'))?.names).not.toContain('nr_isolated_anon');
    expect(migration.find((g) => g.names.includes('nr_isolated_anon'))?.kind).toBe('gauge');
    // The THP split (an event, thps) and nr_file_hugepages (a level, thps) are apart too.
    const thp = groups.filter((g) => g.family === 'thp');
    expect(thp.find((g) => g.names.includes('thp_split_page'))?.names).not.toContain('nr_file_hugepages');
    expect(thp.find((g) => g.names.includes('nr_file_hugepages'))?.key).toBe('thp-thps-level');
    expect(groups.find((g) => g.key === 'numa-allocations')?.names).toEqual(['numa_hit', 'numa_miss']);
    // Families outside the default (memory: pgfault) are not charted unless picked.
    expect(groups.some((g) => g.names.includes('pgfault'))).toBe(false);
  });

  it('family charts show only counters that moved; picked counters always, and only once', () => {
    const moved = (n: string) => n === 'numa_hit' || n === 'thp_split_pmd';
    const groups = chartGroups([...DEFAULT_CHARTS, 'thp_split_pmd', 'numa_pte_updates'], NAMES, moved);
    expect(groups.filter((g) => g.names.includes('thp_split_pmd')).map((g) => g.key)).toEqual(['pick-thp_split_pmd']);
    const pte = groups.find((g) => g.key === 'pick-numa_pte_updates');
    expect(pte?.unit).toBe('ptes');
    expect(pte?.picked).toBe(true);
    expect(groups.find((g) => g.key === 'pick-thp_split_pmd')?.unit).toBe('pmds');
    expect(groups.some((g) => g.names.includes('numa_miss'))).toBe(false);
  });

  it('charts a per-node key with every node in one chart, labelled node 0 / node 1', () => {
    expect(perNodeKey('numastat.node1.numa_hit')).toBe('numastat.node*.numa_hit');
    expect(expandChoice('numastat.node*.numa_hit', NAMES)).toEqual(['numastat.node0.numa_hit', 'numastat.node1.numa_hit']);
    const [g, m] = chartGroups(['numastat.node*.numa_hit', 'meminfo.node*.MemFree'], NAMES);
    expect(g.names).toEqual(['numastat.node0.numa_hit', 'numastat.node1.numa_hit']);
    expect(g.labels).toEqual({ 'numastat.node0.numa_hit': 'node 0', 'numastat.node1.numa_hit': 'node 1' });
    expect(g.unit).toBe('allocations');
    expect(m.kind).toBe('gauge');
    expect(m.unit).toBe('kB');
  });

  it('lists picker entries with per-node names collapsed, and valid choice strings', () => {
    const e = pickerEntries(NAMES);
    const node = e.find((x) => x.choice === 'numastat.node*.numa_hit');
    expect(node?.nodes).toEqual([0, 1]);
    expect(node?.info.unit).toBe('allocations');
    expect(e.some((x) => x.choice === 'numastat.node0.numa_hit')).toBe(false);
    for (const x of [...e.map((y) => y.choice), ...DEFAULT_CHARTS]) expect(CHART_CHOICE_PATTERN.test(x), x).toBe(true);
  });
});
