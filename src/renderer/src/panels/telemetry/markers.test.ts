import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../../shared/telemetry/api';
import { placeMarkers } from './markers';

const ev = (id: number, t: number, text: string): RunEvent => ({ id, runId: 1, t, kind: 'phase', severity: null, counter: null, text });

describe('marker labels', () => {
  it('stagger labels that would collide and elide those that fit no row', () => {
    const events = [ev(1, 1, 'setup'), ev(2, 1.1, 'migrate'), ev(3, 1.2, 'teardown'), ev(4, 1.3, 'extra'), ev(5, 9, 'late')];
    const p = placeMarkers(events, [0, 10], 400, { lanes: 3, charPx: 6 });
    expect(p.map((m) => m.lane)).toEqual([0, 1, 2, null, 0]);
    // Labels in one row never overlap.
    for (const lane of [0, 1, 2]) {
      const row = p.filter((m) => m.lane === lane).sort((a, b) => a.x - b.x);
      for (let i = 1; i < row.length; i++) expect(row[i].x).toBeGreaterThanOrEqual(row[i - 1].x + row[i - 1].label.length * 6);
    }
    // Near the right edge a label sits left of its line, inside the chart.
    const edge = placeMarkers([ev(9, 9.9, 'teardown')], [0, 10], 400, { charPx: 6 });
    expect(edge[0].anchor).toBe('end');
    // Out of the window: not placed.
    expect(placeMarkers(events, [5, 10], 400)).toHaveLength(1);
  });
});
