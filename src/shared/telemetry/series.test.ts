import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { atReads, atSampleTimes, cumulativeDelta, isSlowCounter, medianInterval, modeValues, perInterval, plotSeries, ratePerSecond, resetIndices } from './series';
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

  it('interval mode: the count of each sample interval, resets folded, gauges stay levels', () => {
    const t = [0, 0.1, 0.2, 0.3, 0.4];
    const v = [100, 101, 101, 3, 4];
    expect([...perInterval(v)]).toEqual([Number.NaN, 1, 0, 3, 1]);
    // One THP split in a 100 ms interval is 1 (per interval), which a rate calls 10/s.
    const iv = modeValues(t, v, 'counter', 'interval');
    expect(iv.mode).toBe('interval');
    expect(iv.y[1]).toBe(1);
    expect(modeValues(t, v, 'counter', 'rate').y[1]).toBeCloseTo(10);
    expect(modeValues(t, v, 'gauge', 'interval')).toEqual({ mode: 'value', y: Float64Array.from(v) });
    expect([...perInterval([5, Number.NaN, 7])]).toEqual([Number.NaN, Number.NaN, Number.NaN]);
    expect(medianInterval(t)).toBeCloseTo(0.1);
    // Downsampled interval counts keep the one-interval spike and stay counts of one interval.
    const n = 5000;
    const tt = Float64Array.from({ length: n }, (_, i) => i / 10);
    const cum = Float64Array.from({ length: n }, (_, i) => (i >= 1234 ? 1 : 0));
    const p = plotSeries(tt, cum, 'counter', 'interval', 200);
    expect(p.mode).toBe('interval');
    expect(p.x.length).toBeLessThanOrEqual(200);
    expect(Math.max(...p.y.filter((y) => !Number.isNaN(y)))).toBe(1);
  });

  it('computes slow counters (read every 2 s) between their reads, not as one-tick spikes', () => {
    expect(isSlowCounter('numastat.node1.numa_hit')).toBe(true);
    expect(isSlowCounter('mthp.64kB.split')).toBe(true);
    expect(isSlowCounter('numa_hit')).toBe(false);
    // 10 Hz, read every 20 ticks: 2000 allocations per read → 1000/s, never 20000/s.
    const t = Float64Array.from({ length: 61 }, (_, i) => i / 10);
    const v = Float64Array.from({ length: 61 }, (_, i) => Math.floor(i / 20) * 2000);
    const r = atReads(t, v, 20, 0);
    expect([...r.t]).toEqual([0, 2, 4, 6]);
    const rate = modeValues(r.t, r.v, 'counter', 'rate').y;
    expect([...rate.slice(1)].map((x) => Math.round(x))).toEqual([1000, 1000, 1000]);
    expect(medianInterval(r.t)).toBeCloseTo(2);
    // A window that starts at tick 25: its reads are ticks 40 and 60 (indices 15 and 35).
    expect([...atReads(t.slice(25), v.slice(25), 20, 25).t]).toEqual([4, 6]);
  });

  it('never returns more points than asked, and keeps a one-sample spike', () => {
    fc.assert(
      fc.property(fc.integer({ min: 10, max: 5000 }), fc.integer({ min: 3, max: 400 }), fc.integer({ min: 0, max: 4999 }), (n, max, spikeAt) => {
        const t = Float64Array.from({ length: n }, (_, i) => i / 10);
        const v = Float64Array.from({ length: n }, (_, i) => i * 3);
        const spike = spikeAt % n;
        const g = Float64Array.from({ length: n }, (_, i) => (i === spike ? 1e6 : 10));
        for (const [kind, mode, vals] of [['counter', 'rate', v], ['counter', 'delta', v], ['counter', 'interval', v], ['gauge', 'rate', g]] as const) {
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
