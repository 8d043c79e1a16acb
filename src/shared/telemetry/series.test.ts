import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { atSampleTimes, cumulativeDelta, plotSeries, ratePerSecond, resetIndices } from './series';
import { lttbIndices, minMaxBuckets } from './downsample';

describe('series', () => {
  it('rebuilds the full state at every sample time from change rows (NaN = absent)', () => {
    const v = atSampleTimes([0, 100, 200, 300, 400], [0, 200, 300], [5, 7, Number.NaN]);
    expect([...v]).toEqual([5, 5, 7, Number.NaN, Number.NaN]);
  });

  it('treats a counter going backwards as a reset, never a negative rate', () => {
    const v = [100, 110, 130, 5, 15];
    expect(resetIndices(v)).toEqual([3]);
    expect([...cumulativeDelta(v)]).toEqual([0, 10, 30, 35, 45]);
    const r = ratePerSecond([0, 0.1, 0.2, 0.3, 0.4], v);
    expect(r.slice(1).every((x) => x >= 0)).toBe(true);
    expect(r[3]).toBeCloseTo(50);
  });

  it('never returns more points than asked, and keeps a one-sample spike', () => {
    fc.assert(
      fc.property(fc.integer({ min: 10, max: 5000 }), fc.integer({ min: 3, max: 400 }), fc.integer({ min: 0, max: 4999 }), (n, max, spikeAt) => {
        const t = Float64Array.from({ length: n }, (_, i) => i / 10);
        const v = Float64Array.from({ length: n }, (_, i) => i * 3);
        const spike = spikeAt % n;
        const g = Float64Array.from({ length: n }, (_, i) => (i === spike ? 1e6 : 10));
        for (const [kind, mode, vals] of [['counter', 'rate', v], ['counter', 'delta', v], ['gauge', 'rate', g]] as const) {
          const p = plotSeries(t, vals, kind, mode, max);
          expect(p.x.length).toBeLessThanOrEqual(Math.max(max, 0));
          for (let i = 1; i < p.x.length; i++) expect(p.x[i]).toBeGreaterThanOrEqual(p.x[i - 1]);
          if (kind === 'gauge' && max >= 4) expect(Math.max(...p.y)).toBe(1e6);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('LTTB keeps first and last and picks increasing indices', () => {
    const x = Float64Array.from({ length: 1000 }, (_, i) => i);
    const y = Float64Array.from({ length: 1000 }, (_, i) => Math.sin(i / 20));
    const idx = lttbIndices(x, y, 50);
    expect(idx.length).toBe(50);
    expect(idx[0]).toBe(0);
    expect(idx[49]).toBe(999);
    for (let i = 1; i < idx.length; i++) expect(idx[i]).toBeGreaterThan(idx[i - 1]);
    expect(minMaxBuckets({ x, y }, 100).x.length).toBeLessThanOrEqual(100);
  });
});
