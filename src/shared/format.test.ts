import { describe, expect, it } from 'vitest';
import { formatChange, formatMeanSd, formatNumber, formatSigned } from './format';

describe('one number format', () => {
  it('groups thousands and keeps whole counters whole', () => {
    expect(formatNumber(1234567)).toBe('1,234,567');
    expect(formatNumber(1234.56)).toBe('1,234.6');
    expect(formatNumber(-0.04)).toBe('0.0');
    expect(formatNumber(Number.NaN)).toBe('—');
  });

  it('signs a difference', () => {
    expect(formatSigned(510)).toBe('+510');
    expect(formatSigned(-3.5)).toBe('-3.5');
    expect(formatSigned(0)).toBe('0');
  });

  it('gives a mean and its standard deviation the same decimals', () => {
    expect(formatMeanSd({ n: 3, mean: 1024, stddev: 0 })).toBe('1,024 ± 0');
    expect(formatMeanSd({ n: 3, mean: 1024, stddev: 2.5 })).toBe('1,024.0 ± 2.5');
    expect(formatMeanSd({ n: 1, mean: 512, stddev: 0 })).toBe('512');
    expect(formatMeanSd({ n: 0, mean: 0, stddev: 0 })).toBe('—');
  });
});

describe('formatChange: a percentage only where it means something', () => {
  it('gives the percentage within an order of magnitude', () => {
    expect(formatChange(200, 250)).toMatchObject({ text: '+25.0 %', kind: 'percent' });
    expect(formatChange(512, 256)).toMatchObject({ text: '-50.0 %', kind: 'percent' });
    expect(formatChange(8, 0)).toMatchObject({ text: '-100.0 %', kind: 'percent' });
  });

  it('gives the ratio past an order of magnitude (numa_other 2 → 512), and says why', () => {
    const c = formatChange(2, 512);
    expect(c).toMatchObject({ text: '×256', kind: 'ratio' });
    expect(c.title).toMatch(/256 times A.*\+25,500\.0 %/);
    expect(formatChange(1000, 50).text).toBe('×0.05');
  });

  it('gives none where A is 0 or the signs differ', () => {
    expect(formatChange(0, 512)).toMatchObject({ text: '—', kind: 'none' });
    expect(formatChange(0, 512).title).toMatch(/A is 0/);
    expect(formatChange(-4, 4)).toMatchObject({ text: '—', kind: 'none' });
    expect(formatChange(0, 0).title).toMatch(/both are 0/);
  });
});
