import { describe, expect, it } from 'vitest';
import { LIVE_KEEP, LiveStore } from './liveStore';

describe('live store', () => {
  it('rebuilds values at every frame from change points, and keeps values across a trim', () => {
    const s = new LiveStore();
    s.push([{ t: 0, v: { numa_hit: 0, nr_free_pages: 10 } }, { t: 0.1, v: {} }, { t: 0.2, v: { numa_hit: 3 } }]);
    expect([...s.values('numa_hit')]).toEqual([0, 0, 3]);
    expect(s.moved('numa_hit')).toBe(true);
    expect(s.moved('nr_free_pages')).toBe(false);
    const n = LIVE_KEEP + 6001;
    s.push(Array.from({ length: n }, (_, i) => ({ t: 1 + i / 10, v: {} })));
    expect(s.samples).toBeLessThanOrEqual(LIVE_KEEP + 6000);
    const v = s.values('numa_hit');
    expect(v[0]).toBe(3);
    expect(v[v.length - 1]).toBe(3);
    expect(s.values('nr_free_pages')[0]).toBe(10);
  });
});
