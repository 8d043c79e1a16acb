import { describe, expect, it } from 'vitest';
import { formatDuration, formatNumber, formatSeconds, formatValue, unitText } from './format';

describe('telemetry formatter', () => {
  it('rounds floating-point dust and keeps about three significant digits', () => {
    expect(formatNumber(119.9999999999983)).toBe('120');
    expect(formatNumber(0.1 + 0.2)).toBe('0.3');
    expect(formatNumber(12.345)).toBe('12.3');
    expect(formatNumber(1.23456)).toBe('1.23');
    expect(formatNumber(0.0123456)).toBe('0.0123');
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(-7)).toBe('-7');
    expect(formatNumber(null)).toBe('–');
    expect(formatNumber(Number.NaN)).toBe('–');
  });

  it('keeps integers exact, grouped; compact for axis ticks', () => {
    expect(formatNumber(1234567)).toBe('1,234,567');
    expect(formatNumber(1234567, { compact: true })).toBe('1.2M');
    expect(formatNumber(25000, { compact: true })).toBe('25k');
    expect(formatNumber(999, { compact: true })).toBe('999');
    expect(formatNumber(250_000, { compact: true })).toBe('250k');
  });

  it('says the unit for each mode: rate, per-interval count, since start, level', () => {
    expect(unitText('allocations', 'rate')).toBe('allocations/s');
    expect(unitText('pmds', 'interval', 0.1)).toBe('pmds per 100 ms interval');
    expect(unitText('thps', 'interval', 2)).toBe('thps per 2 s interval');
    expect(unitText('pages', 'interval')).toBe('pages per sample interval');
    expect(unitText('pages', 'delta')).toBe('pages since start');
    expect(unitText('thps', 'value')).toBe('thps');
    expect(unitText('unknown', 'rate')).toBe('unknown unit/s');
    expect(formatValue(119.9999999999983, 'allocations', 'rate')).toBe('120 allocations/s');
    expect(formatValue(1, 'thps', 'interval', 0.1)).toBe('1 thps per 100 ms interval');
  });

  it('formats durations and times', () => {
    expect(formatDuration(0.1)).toBe('100 ms');
    expect(formatDuration(0.02)).toBe('20 ms');
    expect(formatDuration(1.5)).toBe('1.5 s');
    expect(formatSeconds(12.34)).toBe('12.3 s');
    expect(formatSeconds(3)).toBe('3 s');
  });
});
