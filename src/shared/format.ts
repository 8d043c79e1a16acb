/**
 * One number format for every view and report: counters as integers with thousands separators
 * (`12,345`), anything else with one decimal (`1,234.5`), a mean and its standard deviation with
 * the same decimals (`1,234.5 ± 12.0`), signed differences (`+512`, `-3.5`), and a change as a
 * percentage only where a percentage means something (formatChange). ASCII signs and en-US
 * grouping, so a copied cell pastes into a spreadsheet or a mail as it reads. Environment-free.
 */

const grouped = (x: number, decimals: number) =>
  x.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals, useGrouping: true });

/** Decimals a value is shown with: none for a whole number, else one. */
function decimalsOf(...xs: number[]): 0 | 1 {
  return xs.every((x) => Number.isInteger(x)) ? 0 : 1;
}

/** `-0.0` is `0.0`: a rounding artefact, not a direction. */
function noNegativeZero(s: string): string {
  return /^-0(\.0+)?$/.test(s) ? s.slice(1) : s;
}

/** 12345 → `12,345`; 1234.56 → `1,234.6`; NaN/∞ → `—`. */
export function formatNumber(x: number, decimals: number = decimalsOf(x)): string {
  if (!Number.isFinite(x)) return '—';
  return noNegativeZero(grouped(x, decimals));
}

/** A difference, always signed: `+512`, `-3.5`, `0`. */
export function formatSigned(x: number, decimals: number = decimalsOf(x)): string {
  const s = formatNumber(x, decimals);
  return x > 0 && s !== formatNumber(0, decimals) ? `+${s}` : s;
}

/** A group's mean over its repetitions, with its standard deviation when there is more than one: `1,234.5 ± 12.0`. */
export function formatMeanSd(s: { mean: number; stddev: number; n: number }): string {
  if (s.n === 0) return '—';
  if (s.n <= 1) return formatNumber(s.mean);
  const d = decimalsOf(s.mean, s.stddev);
  return `${formatNumber(s.mean, d)} ± ${formatNumber(s.stddev, d)}`;
}

/** How B relates to A, as shown in a compare table's change column. */
export interface Change {
  /** `+12.5 %`, `×256`, or `—`. */
  text: string;
  /** Why it reads that way (a tooltip): what was computed, or why no percentage is given. */
  title: string;
  kind: 'percent' | 'ratio' | 'none';
}

/** Past this factor either way, a change is shown as a ratio, not a percentage. */
export const ORDER_OF_MAGNITUDE = 10;

/**
 * B against A. A percentage is shown only where both sides are of one size: A non-zero, the
 * same sign as B, and B within an order of magnitude of A (B/A between 1/10 and 10). Past that,
 * a percentage says more about how small A is than about the change ("numa_other 2 → 512:
 * +25,500 %" is a change of kind — two pages against a huge page's 512 — not of amount), so the
 * ratio is shown (`×256`). Where A is 0 or the signs differ there is no ratio at all (`—`): read
 * the difference column.
 */
export function formatChange(a: number, b: number): Change {
  if (!Number.isFinite(a) || !Number.isFinite(b)) return { text: '—', title: 'not a number on one side', kind: 'none' };
  if (a === 0) {
    return b === 0
      ? { text: '—', title: 'both are 0: no change', kind: 'none' }
      : { text: '—', title: 'A is 0: a percentage of nothing is undefined; read the difference B−A', kind: 'none' };
  }
  if (b !== 0 && Math.sign(a) !== Math.sign(b)) return { text: '—', title: 'A and B have opposite signs: no percentage or ratio means anything; read the difference B−A', kind: 'none' };
  const ratio = b / a;
  const percent = (ratio - 1) * 100;
  if (b !== 0 && (ratio >= ORDER_OF_MAGNITUDE || ratio <= 1 / ORDER_OF_MAGNITUDE)) {
    return {
      text: `×${formatRatio(ratio)}`,
      title: `B is ${formatRatio(ratio)} times A: beyond an order of magnitude a percentage (${formatSigned(percent, 1)} %) measures how small A is, not the change — often a change of kind, such as base pages against huge pages`,
      kind: 'ratio',
    };
  }
  return { text: `${formatSigned(percent, 1)} %`, title: '(B−A)/A, in percent of A', kind: 'percent' };
}

/** A ratio with two significant digits at most, grouped: 256, 0.05, 1,300. */
function formatRatio(r: number): string {
  const rounded = Number(r.toPrecision(2));
  return rounded >= 1 ? formatNumber(Math.round(r)) : String(rounded);
}
