import { describe, expect, it } from 'vitest';
import { unmodelledKnobWarnings } from './coverage';

describe('host knobs the model does not model', () => {
  it('warns of mTHP sizes other than the PMD size, of khugepaged awake, of zone reclaim', () => {
    const w = unmodelledKnobWarnings({ 'thp.enabled': 'always', 'mthp.64kB.enabled': 'always', 'mthp.16kB.enabled': 'never', 'mthp.2048kB.enabled': 'inherit', 'khugepaged.scan_sleep_millisecs': '10000', 'vm.zone_reclaim_mode': '1' });
    expect(w).toEqual([
      'mTHP sizes enabled (64kB=always): the model has only 2048 kB THPs, so faults that get smaller folios are not modelled',
      'khugepaged is awake (khugepaged.scan_sleep_millisecs=10000): collapses it makes during the run are not modelled (set it to 3600000 to keep it asleep, as the virtual NUMA box does)',
      'vm.zone_reclaim_mode=1: node-local reclaim before a remote allocation is not modelled',
    ]);
  });

  it('is silent for the virtual box\'s settings, and for sizes that inherit a top level of never', () => {
    expect(unmodelledKnobWarnings({ 'thp.enabled': 'always', 'khugepaged.scan_sleep_millisecs': '3600000', 'vm.zone_reclaim_mode': '0' })).toEqual([]);
    expect(unmodelledKnobWarnings({ 'thp.enabled': 'never', 'mthp.64kB.enabled': 'inherit', 'khugepaged.scan_sleep_millisecs': '10000' })).toEqual([]);
  });
});
