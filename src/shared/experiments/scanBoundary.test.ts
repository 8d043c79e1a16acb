import { describe, expect, it } from 'vitest';
import { predictedRanges, shiftPrewindow } from './scanBoundary';

describe('shiftPrewindow', () => {
  it('shifts one value or every thread of a list, never below 0, and keeps the other knobs', () => {
    expect(shiftPrewindow({ 'sim.prewindow_cpu_ms': '42.1', 'sim.cpu_share': '0.98' }, 100)).toEqual({ 'sim.prewindow_cpu_ms': '142.1', 'sim.cpu_share': '0.98' });
    expect(shiftPrewindow({ 'sim.prewindow_cpu_ms': '185,60.5' }, -100)).toEqual({ 'sim.prewindow_cpu_ms': '85,0' });
    expect(shiftPrewindow({ 'sim.prewindow_cpu_ms': 250 }, -100)).toEqual({ 'sim.prewindow_cpu_ms': '150' });
  });

  it('has nothing to shift without the knob, and names a bad list member', () => {
    expect(shiftPrewindow({ 'sim.cpu_share': '1' }, 100)).toBeUndefined();
    expect(() => shiftPrewindow({ 'sim.prewindow_cpu_ms': '10,abc' }, 100)).toThrow(/sim.prewindow_cpu_ms=10,abc: "abc" is not a number of milliseconds/);
  });
});

describe('predictedRanges', () => {
  it('keeps only the counters on which the predictions differ, absent counting as 0', () => {
    expect(predictedRanges([{ a: 8, b: 5, c: 1 }, { a: 12, b: 5 }, { a: 8, b: 5, c: 1 }])).toEqual({ a: { lo: 8, hi: 12 }, c: { lo: 0, hi: 1 } });
    expect(predictedRanges([{ a: 1 }])).toEqual({});
  });
});
