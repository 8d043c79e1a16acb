import { describe, expect, it } from 'vitest';
import { parseSysfsChoice } from './sysfsChoice';
import { formatCpuList, parseCpuList } from './cpuList';

describe('sysfs choice knobs', () => {
  it('reads the bracketed selection and every allowed value', () => {
    expect(parseSysfsChoice('always [madvise] never\n')).toEqual({ selected: 'madvise', allowed: ['always', 'madvise', 'never'] });
    expect(parseSysfsChoice('[always] defer defer+madvise madvise never')).toEqual({
      selected: 'always',
      allowed: ['always', 'defer', 'defer+madvise', 'madvise', 'never'],
    });
  });
  it('returns undefined when nothing is selected or the file is empty', () => {
    expect(parseSysfsChoice('always madvise never')).toBeUndefined();
    expect(parseSysfsChoice('')).toBeUndefined();
  });
});

describe('cpulist', () => {
  it('parses ranges and singles', () => {
    expect(parseCpuList('0-3,8,10-11\n')).toEqual([0, 1, 2, 3, 8, 10, 11]);
    expect(parseCpuList('')).toEqual([]);
  });
  it('formats back to the kernel form', () => {
    expect(formatCpuList([0, 1, 2, 3, 8, 10, 11])).toBe('0-3,8,10-11');
    expect(formatCpuList([5])).toBe('5');
  });
  it('refuses malformed lists', () => {
    expect(() => parseCpuList('0-3;rm')).toThrow(/not a cpulist/);
    expect(() => parseCpuList('3-1')).toThrow(/range/);
  });
});
