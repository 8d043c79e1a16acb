import { describe, expect, it } from 'vitest';
import { forecastAssumptions, forecastKnobSets } from './uncertainty';
import { d, sim } from './test_helpers';

describe('what a forecast assumes (the run has not measured it yet)', () => {
  it('numa-touch: the CPU time before the window around the box-measured estimate, less a late tick, and the CPU share', () => {
    const a = forecastAssumptions('numa-touch', { thps: 8, from: 0, to: 1, secs: 8 }, 'linux-6.12+', {}, 2);
    expect(a.map((x) => [x.knob, x.nominal, x.lo, x.hi])).toEqual([
      ['sim.prewindow_cpu_ms', 20.2, 0, 121.2],
      ['sim.cpu_share', 1, 0.95, 1],
      ['sim.image_nodes', 0, 0, 1],
    ]);
  });

  it('takes a knob the user gave as an input, not an assumption', () => {
    expect(forecastAssumptions('numa-touch', { thps: 8, from: 0, to: 1 }, 'linux-6.1', { 'sim.cpu_share': '0.99' }, 2).map((x) => x.knob)).toEqual(['sim.prewindow_cpu_ms', 'sim.image_nodes']);
  });

  it('numa01/numa02: sweep speed, clocks and share; the ASLR head only where anonymous mappings are not aligned (before 6.7)', () => {
    expect(forecastAssumptions('numa02', { size_mib: 256, loops: 40, threads: 0 }, 'linux-6.1', {}, 2).map((x) => x.knob)).toEqual(['sim.bzero_mib_per_sec', 'sim.prewindow_cpu_ms', 'sim.cpu_share', 'sim.region_head_gap_pages']);
    expect(forecastAssumptions('numa02', { size_mib: 256, loops: 40, threads: 0 }, 'linux-6.12+', {}, 2).map((x) => x.knob)).not.toContain('sim.region_head_gap_pages');
  });

  it('assumes nothing for the migration system calls: their counters do not depend on timing', () => {
    expect(forecastAssumptions('thp-move', { thps: 8 }, 'linux-6.12+', {}, 2)).toEqual([]);
    expect(forecastKnobSets([], 'thp-move')).toEqual([{}, {}]);
  });

  it('runs the nominal set first, then every corner of the ranged inputs', () => {
    const a = forecastAssumptions('numa01', { size_mib: 256, loops: 10, threads: 0 }, 'linux-6.1', {}, 2);
    const sets = forecastKnobSets(a, 'numa01');
    expect(sets).toHaveLength(1 + 16);
    expect(sets[0]).toMatchObject({ 'sim.bzero_mib_per_sec': '2048', 'sim.region_head_gap_pages': '0,0' });
    expect(new Set(sets.slice(1).map((k) => k['sim.region_head_gap_pages']))).toEqual(new Set(['0,0', '511,511']));
  });

  it('the knife edge of numa-touch secs=8 is visible: the corners disagree on the third scan', () => {
    const sets = forecastKnobSets(forecastAssumptions('numa-touch', { thps: 8, from: 0, to: 1, secs: 8 }, 'linux-6.12+', {}, 2), 'numa-touch');
    const scans = new Set(sets.map((k) => d(sim('linux-6.12+', 'numa-touch', { thps: 8, secs: 8 }, k).phases.migrate, 'numa_huge_pte_updates') / 8));
    expect(scans).toEqual(new Set([2, 3]));
  });
});
