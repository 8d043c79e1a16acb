import { describe, expect, it } from 'vitest';
import { niceTicks, tickLabel } from './reportCharts';

describe('report chart axes', () => {
  it('label every tick of a sub-second axis differently', () => {
    for (const max of [0.17, 0.04, 0.9, 1.3, 7, 0.0031]) {
      const ticks = niceTicks(max);
      const labels = ticks.map((t) => tickLabel(t, ticks));
      expect(new Set(labels).size, `${max}: ${labels.join(' ')}`).toBe(labels.length);
    }
  });
  it('keep whole numbers and large counts short', () => {
    const ticks = niceTicks(40000);
    expect(ticks.map((t) => tickLabel(t, ticks))).toContain('10k');
    expect(tickLabel(2, [0, 2, 4])).toBe('2');
  });
});
