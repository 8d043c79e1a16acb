import type { RunEvent } from '../../../../shared/telemetry/api';

/**
 * Labels for phase and event markers on a time axis, placed so they never overlap: each label
 * goes to the first of `lanes` rows where it clears the label before it; a label that fits no
 * row is elided (its line stays, its text is in the events list and the line's tooltip).
 */

export interface PlacedMarker {
  event: RunEvent;
  x: number;
  label: string;
  /** Row of the label, or null when it was elided. */
  lane: number | null;
  /** 'end': the label sits left of its line (it would run past the right edge). */
  anchor: 'start' | 'end';
}

export const EVENT_COLORS: Record<string, string> = { 'kernel-log': '#f47067', reset: '#e0c25c', knob: '#6cb6ff', phase: '#8ddb8c', note: '#adbac7', sampler: '#e0c25c' };

export function markerText(e: RunEvent, max = 26): string {
  const s = e.kind === 'reset' ? `reset ${e.counter ?? ''}` : e.kind === 'kernel-log' ? `${e.severity ?? 'kernel'}: ${e.text}` : e.kind === 'sampler' ? `sampler: ${e.text}` : e.text;
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

export function placeMarkers(events: RunEvent[], domain: [number, number], widthPx: number, opts: { lanes?: number; charPx?: number; gapPx?: number } = {}): PlacedMarker[] {
  const lanes = opts.lanes ?? 3;
  const charPx = opts.charPx ?? 6;
  const gap = opts.gapPx ?? 6;
  const span = domain[1] - domain[0];
  const ends: number[] = Array.from({ length: lanes }, () => -Infinity);
  const out: PlacedMarker[] = [];
  for (const e of [...events].sort((a, b) => a.t - b.t || a.id - b.id)) {
    if (e.t < domain[0] || e.t > domain[1]) continue;
    const x = span > 0 ? ((e.t - domain[0]) / span) * widthPx : 0;
    const label = markerText(e);
    const w = label.length * charPx;
    const anchor = x + w > widthPx && x - w >= 0 ? 'end' : 'start';
    const from = anchor === 'end' ? x - w : x;
    const lane = ends.findIndex((end) => end + gap <= from);
    if (lane >= 0) ends[lane] = from + w;
    out.push({ event: e, x, label, lane: lane >= 0 ? lane : null, anchor });
  }
  return out;
}
