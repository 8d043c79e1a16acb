import { describe, expect, it } from 'vitest';
import { phaseMarkers } from './phaseMarkers';

describe('phaseMarkers', () => {
  const run = [
    { t: 0, text: 'baseline begins' },
    { t: 0.02, text: 'setup begins' },
    { t: 0.3, text: 'setup ends' },
    { t: 2.1, text: 'migrate begins' },
    { t: 2.15, text: 'migrate ends' },
    { t: 2.2, text: 'cooldown begins' },
    { t: 6, text: 'repetition 2 of 3' },
  ];

  it('draws one line per phase start and merges starts that would print over each other', () => {
    expect(phaseMarkers(run, 6)).toEqual([
      { t: 0, label: 'baseline · setup' },
      { t: 2.1, label: 'migrate · cooldown' },
    ]);
  });

  it('keeps starts apart when the time span leaves room for both labels', () => {
    expect(phaseMarkers(run, 0.2).map((m) => m.label)).toEqual(['baseline', 'setup', 'migrate', 'cooldown']);
  });

  it('names a phase once when repetitions start it again at the same moment, and sorts by time', () => {
    const evs = [
      { t: 5, text: 'setup begins' },
      { t: 1, text: 'setup begins' },
      { t: 1.01, text: 'setup begins' },
    ];
    expect(phaseMarkers(evs, 10)).toEqual([
      { t: 1, label: 'setup' },
      { t: 5, label: 'setup' },
    ]);
  });

  it('draws nothing for a run without phase starts', () => {
    expect(phaseMarkers([{ t: 1, text: 'run ends' }], 10)).toEqual([]);
  });
});
