import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../../shared/telemetry/api';
import { layoutLabels, placeMarkers } from './markers';

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

/** Every pair of labels drawn in one row is `gap` apart; each lies inside the plot. */
function expectNoOverlap(p: ReturnType<typeof layoutLabels>, width: number, charPx: number, gap: number) {
  const extent = (l: (typeof p)[number]) => {
    const w = l.shown.length * charPx;
    return l.anchor === 'end' ? [l.x - w, l.x] : [l.x, l.x + w];
  };
  for (const l of p) {
    if (l.lane === null) {
      expect(l.shown).toBe('');
      continue;
    }
    const [a, b] = extent(l);
    expect(a).toBeGreaterThanOrEqual(0);
    expect(b).toBeLessThanOrEqual(width);
  }
  for (let i = 0; i < p.length; i++)
    for (let j = i + 1; j < p.length; j++) {
      if (p[i]!.lane === null || p[i]!.lane !== p[j]!.lane) continue;
      const [a1, b1] = extent(p[i]!);
      const [a2, b2] = extent(p[j]!);
      expect(b1 + gap <= a2 || b2 + gap <= a1, `"${p[i]!.shown}" and "${p[j]!.shown}" overlap in row ${p[i]!.lane}`).toBe(true);
    }
}

describe('phase labels on a chart', () => {
  it('never overlap when short phases start a few pixels apart ("baselsetup · migrate" no more)', () => {
    // An experiment with a 0 s baseline: baseline, setup and migrate begin within milliseconds.
    const items = [
      { x: 0, text: 'baseline' },
      { x: 3, text: 'setup · migrate' },
      { x: 5, text: 'teardown' },
      { x: 260, text: 'cooldown' },
    ];
    const p = layoutLabels(items, 300, { lanes: 2, charPx: 6, gapPx: 4 });
    expectNoOverlap(p, 300, 6, 4);
    // The first two get a row each, whole; the third finds no room in either and is hidden (its line keeps the tooltip).
    expect(p.map((l) => l.lane)).toEqual([0, 1, null, 0]);
    expect(p[0]!.shown).toBe('baseline');
    expect(p[1]!.shown).toBe('setup · migrate');
    expect(p[2]!.text).toBe('teardown');
    // Near the right edge: left of its line, inside the plot.
    expect(p[3]).toMatchObject({ shown: 'cooldown', anchor: 'end' });
  });

  it('shortens a label to the room it has rather than drawing it over its neighbour', () => {
    // One row, 100 px: "migrate" takes 0..42; "teardown" at 70 fits neither right (past the edge) nor left (over migrate) whole.
    const p = layoutLabels(
      [
        { x: 0, text: 'migrate' },
        { x: 70, text: 'teardown' },
      ],
      100,
      { lanes: 1, charPx: 6, gapPx: 4 },
    );
    expectNoOverlap(p, 100, 6, 4);
    expect(p.map((l) => l.shown)).toEqual(['migrate', 'tear…']);
    expect(p[1]).toMatchObject({ text: 'teardown', lane: 0, anchor: 'start' });
  });

  it('holds for any set of labels (property)', async () => {
    const fc = await import('fast-check');
    fc.assert(
      fc.property(
        fc.array(fc.record({ x: fc.integer({ min: 0, max: 400 }), text: fc.string({ minLength: 1, maxLength: 24 }) }), { maxLength: 12 }),
        fc.integer({ min: 1, max: 4 }),
        (items, lanes) => {
          const p = layoutLabels(items, 400, { lanes, charPx: 6, gapPx: 6 });
          expect(p).toHaveLength(items.length);
          expectNoOverlap(p, 400, 6, 6);
          // A shortened label is the start of its text.
          for (const l of p) if (l.shown && l.shown !== l.text) expect(l.text.startsWith(l.shown.slice(0, -1).trimEnd())).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});
