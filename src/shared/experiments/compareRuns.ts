import { counterClass, EXACT_COUNTERS } from './verdict';
import { significance, summarize, type Significance, type Summary } from './stats';

/**
 * Two groups of repetitions side by side (kernel A vs kernel B, knob off vs on), per counter and
 * per phase: mean, standard deviation, the difference, and whether it is significant — the
 * table mmtests' compare-kernels prints, for the lab's counters.
 */
export interface GroupRow {
  phase: string;
  counter: string;
  a: Summary;
  b: Summary;
  difference: number;
  /** (b − a) / a in percent; null when a's mean is 0. */
  percent: number | null;
  significance: Significance;
}

export interface ComparedGroup {
  label: string;
  /** `complete: false`: a run that ended early (its kernel crashed): its finished phases count, its total does not. */
  runs: Array<{ phases: Record<string, Record<string, number>>; complete?: boolean }>;
}

/** Counters worth a row: every one either side moved, or that the kernel computes deterministically. */
export function compareGroups(a: ComparedGroup, b: ComparedGroup, opts: { includeAll?: boolean } = {}): GroupRow[] {
  const phases = [...new Set([...a.runs, ...b.runs].flatMap((r) => Object.keys(r.phases)))];
  const rows: GroupRow[] = [];
  for (const phase of [...phases, 'total']) {
    const pick = (r: ComparedGroup['runs'][number]) =>
      phase === 'total'
        ? Object.values(r.phases).reduce<Record<string, number>>((acc, d) => {
            for (const [k, v] of Object.entries(d)) acc[k] = (acc[k] ?? 0) + v;
            return acc;
          }, {})
        : r.phases[phase] ?? {};
    // Only runs that measured the phase: a run cut short has no number for what it did not finish.
    const measured = (r: ComparedGroup['runs'][number]) => (phase === 'total' ? r.complete !== false : r.phases[phase] !== undefined);
    const aVals = a.runs.filter(measured).map(pick);
    const bVals = b.runs.filter(measured).map(pick);
    const names = new Set([...aVals, ...bVals].flatMap((d) => Object.keys(d)));
    for (const c of EXACT_COUNTERS) names.add(c);
    for (const counter of [...names].sort()) {
      if (!opts.includeAll && !counterClass(counter)) continue;
      const sa = summarize(aVals.map((d) => d[counter] ?? 0));
      const sb = summarize(bVals.map((d) => d[counter] ?? 0));
      if (sa.mean === 0 && sb.mean === 0 && sa.stddev === 0 && sb.stddev === 0 && !opts.includeAll) continue;
      const difference = sb.mean - sa.mean;
      rows.push({
        phase,
        counter,
        a: sa,
        b: sb,
        difference,
        percent: sa.mean === 0 ? null : (difference / Math.abs(sa.mean)) * 100,
        significance: significance(sa, sb, counterClass(counter) === 'exact'),
      });
    }
  }
  return rows;
}
