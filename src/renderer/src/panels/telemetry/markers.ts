import type { RunEvent } from '../../../../shared/telemetry/api';

/**
 * Labels for phase and event markers on a time axis, placed so they never overlap: each label
 * goes to the first of `lanes` rows where it clears the labels already there; a label that fits
 * no row is shortened, or elided (its line stays, its text is in the events list and the line's
 * tooltip).
 */

export interface PlacedMarker {
  event: RunEvent;
  x: number;
  /** What is drawn (possibly shortened with "…"). */
  label: string;
  /** The whole label (the line's tooltip). */
  fullLabel: string;
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

/** A label to place on a time axis: its line's x in px from the plot's left edge, and its text. */
export interface AxisLabel {
  x: number;
  text: string;
}

export interface PlacedLabel {
  x: number;
  /** What is drawn: the text, or its start with "…" where the whole would collide; '' when hidden. */
  shown: string;
  /** The whole text (the line's tooltip when it is shortened or hidden). */
  text: string;
  /** Row of the label, or null when it is hidden. */
  lane: number | null;
  /** 'end': the label sits left of its line (it would run past the right edge). */
  anchor: 'start' | 'end';
}

/** Shortest start of a label worth drawing ("bas…"); below that the label is hidden, its line titled. */
const MIN_CHARS = 3;

/**
 * Labels on a time axis placed so that no two overlap: each goes to the first of `lanes` rows
 * where it clears the labels already there (`gapPx` apart); where no row has room for the whole
 * text, it is shortened ("setu…") to the room of the row that has the most, and hidden when not
 * even MIN_CHARS characters fit. Text width is estimated as `charPx` per character (the charts
 * use a 10–11 px font: ~6 px a character). Pure, so the guarantee is tested without a browser.
 */
export function layoutLabels(items: readonly AxisLabel[], widthPx: number, opts: { lanes?: number; charPx?: number; gapPx?: number } = {}): PlacedLabel[] {
  const lanes = opts.lanes ?? 3;
  const charPx = opts.charPx ?? 6;
  const gap = opts.gapPx ?? 6;
  // Each row holds the extents it has taken; labels are placed left to right.
  const rows: Array<Array<[number, number]>> = Array.from({ length: lanes }, () => []);
  const order = items.map((it, i) => ({ it, i })).sort((p, q) => p.it.x - q.it.x || p.i - q.i);
  const placed: PlacedLabel[] = new Array(items.length);
  const free = (lane: number, from: number, to: number) => rows[lane]!.every(([a, b]) => to + gap <= a || from >= b + gap);
  for (const { it, i } of order) {
    const fit = (chars: number): { lane: number; anchor: 'start' | 'end'; from: number; to: number } | null => {
      const w = chars * charPx;
      // Right of the line where it fits in the plot, else left of it.
      const candidates: Array<'start' | 'end'> = it.x + w <= widthPx || it.x - w < 0 ? ['start', 'end'] : ['end', 'start'];
      for (let lane = 0; lane < lanes; lane++) {
        for (const anchor of candidates) {
          const from = anchor === 'end' ? it.x - w : it.x;
          const to = from + w;
          if (from < 0 || to > widthPx) continue;
          if (free(lane, from, to)) return { lane, anchor, from, to };
        }
      }
      return null;
    };
    let chars = it.text.length;
    let spot = fit(chars);
    while (!spot && chars > MIN_CHARS) {
      chars--;
      spot = fit(chars + 1); // the "…" takes one character's room
    }
    if (!spot) {
      placed[i] = { x: it.x, shown: '', text: it.text, lane: null, anchor: 'start' };
      continue;
    }
    rows[spot.lane]!.push([spot.from, spot.to]);
    const shown = chars === it.text.length ? it.text : `${it.text.slice(0, chars).trimEnd()}…`;
    placed[i] = { x: it.x, shown, text: it.text, lane: spot.lane, anchor: spot.anchor };
  }
  return placed;
}

export function placeMarkers(events: RunEvent[], domain: [number, number], widthPx: number, opts: { lanes?: number; charPx?: number; gapPx?: number } = {}): PlacedMarker[] {
  const span = domain[1] - domain[0];
  const shown = [...events].sort((a, b) => a.t - b.t || a.id - b.id).filter((e) => e.t >= domain[0] && e.t <= domain[1]);
  const xs = shown.map((e) => (span > 0 ? ((e.t - domain[0]) / span) * widthPx : 0));
  const labels = layoutLabels(
    shown.map((e, i) => ({ x: xs[i]!, text: markerText(e) })),
    widthPx,
    opts,
  );
  return shown.map((e, i) => ({ event: e, x: xs[i]!, label: labels[i]!.shown, fullLabel: labels[i]!.text, lane: labels[i]!.lane, anchor: labels[i]!.anchor }));
}
