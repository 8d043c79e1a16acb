import { describe, expect, it } from 'vitest';
import { WORKLOADS, WORKLOAD_NAMES, minNodes, parseWorkloadParams } from './index';

describe('workload catalog', () => {
  it('has every workload issue 7 names, with one-line meanings', () => {
    expect([...WORKLOAD_NAMES].sort()).toEqual(['custom', 'mbind-move', 'migrate-pages', 'numa-touch', 'numa01', 'numa02', 'thp-move']);
    for (const w of WORKLOAD_NAMES) for (const p of WORKLOADS[w].params) expect(p.meaning.length).toBeGreaterThan(5);
  });

  it('thp-move defaults', () => {
    expect(parseWorkloadParams('thp-move', {})).toEqual({ thps: 8, from: 0, to: 1, thp: 1, zero: 0, unmap: 0, pages: 'all', migrate: 1 });
  });

  it('parses the CLI forms', () => {
    const p = parseWorkloadParams('thp-move', { thps: '17', unmap: '0.25', pages: 'head', thp: 'no', zero: 'true' });
    expect(p).toMatchObject({ thps: 17, unmap: 0.25, pages: 'head', thp: 0, zero: 1 });
    expect(parseWorkloadParams('numa-touch', { secs: '8' }).secs).toBe(8);
    expect(parseWorkloadParams('custom', { cmd: 'sleep 1' }).cmd).toBe('sleep 1');
  });

  it.each([
    ['thp-move', { unmap: '1.5' }, /parameter "unmap" given "1.5"; allowed: a number from 0 to 1/],
    ['thp-move', { pages: 'some' }, /parameter "pages" given "some"; allowed: one of all, head/],
    ['thp-move', { thps: '2.5' }, /parameter "thps" given "2.5"; allowed: an integer/],
    ['thp-move', { thp: 'maybe' }, /parameter "thp" given "maybe"; allowed: 1 or 0/],
    ['thp-move', { size: '3' }, /unknown parameter "size" \(given "3"\); allowed parameters: thps, from/],
    ['thp-move', { from: '1', to: '1' }, /"from" and "to" are both 1/],
    ['custom', {}, /parameter "cmd" is required/],
    ['nope', {}, /unknown workload "nope"; allowed: thp-move/],
  ])('%s %j is refused with a clear message', (w, raw, msg) => {
    expect(() => parseWorkloadParams(w, raw as Record<string, string>)).toThrow(msg);
  });

  it('minNodes', () => {
    expect(minNodes('thp-move', parseWorkloadParams('thp-move', {}))).toBe(2);
    expect(minNodes('thp-move', parseWorkloadParams('thp-move', { migrate: '0' }))).toBe(1);
    expect(minNodes('thp-move', parseWorkloadParams('thp-move', { to: '3' }))).toBe(4);
    expect(minNodes('numa01', parseWorkloadParams('numa01', {}))).toBe(2);
    expect(minNodes('custom', parseWorkloadParams('custom', { cmd: 'x' }))).toBe(1);
  });
});
