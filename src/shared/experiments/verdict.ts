/**
 * Measured vs predicted, per counter and per repetition. The kernel is deterministic for the
 * migration path of a quiet box (the ground truth matches to the page), so those counters must be
 * exact; the NUMA-balancing counters depend on scan timing and the scheduler, so they get a
 * tolerance; the allocation counters are machine-wide (every process on the host adds to them)
 * and are shown for information only.
 *
 * Each repetition is judged against its own prediction (the replay given that repetition's
 * measurements) with an allowance that depends on that pair alone: never on the other
 * repetitions, so runs that fall into two groups cannot widen each other's tolerance. A counter's
 * verdict is the worst of its repetitions'.
 */
import type { CounterVerdict, Range, RunVerdict, Verdict } from './api';
import { mean } from './stats';

export type { CounterVerdict, RunVerdict, Verdict } from './api';
export type CounterClass = 'exact' | 'tolerant' | 'info';

export interface Tolerance {
  abs: number;
  rel: number;
}

/** Counters the ground truth README calls exact. */
export const EXACT_COUNTERS = [
  'pgmigrate_success',
  'pgmigrate_fail',
  'thp_migration_success',
  'thp_migration_fail',
  'thp_migration_split',
  'thp_split_page',
  'thp_deferred_split_page',
  'thp_split_pmd',
  'thp_fault_alloc',
  'thp_fault_fallback',
] as const;

/**
 * Allowances for counters that depend on timing, for one repetition against its own replay.
 * Sources: the ground truth's case e spread (numa_pages_migrated N×512 + 1..9) and the box runs
 * replayed per repetition (bench/results/sim-vs-box.txt, the held-out matrix): PMD updates
 * exact in every run, PTE updates and hint faults within 3 pages, except where another
 * process's pages were scanned. An allowance never covers a whole scan of the region: a scan
 * more or less is `undecided` (on a boundary) or `diverged`, never tolerated.
 */
/**
 * A folio put back on the LRU (after a split, a failed migration, a fresh fault) waits in its CPU's
 * lru_add folio batch (FOLIO_BATCH_SIZE, include/linux/pagevec.h) until the batch fills or is
 * drained; while it waits, folio_isolate_lru() fails, so its hinting fault counts without moving
 * it. When the batch drains is not the workload's to decide, and the model does not time it: up
 * to one batch of pages may fault without migrating (on the counted 6.12 build, 4 to 28 of the
 * 256 subpages a split put back, in about one run in five).
 */
export const FOLIO_BATCH_SIZE = 31;
const HINT_FAULTS_ABS = 8;

export const TOLERANT_COUNTERS: Record<string, Tolerance> = {
  // The hinting faults' own allowance (each moves at most a page), plus one lru_add batch.
  numa_pages_migrated: { abs: HINT_FAULTS_ABS + FOLIO_BATCH_SIZE, rel: 0.02 },
  numa_pte_updates: { abs: 64, rel: 0.05 },
  numa_huge_pte_updates: { abs: 0, rel: 0 },
  // The process's own one-page faults (its data, stack, move_pages arrays; process_image.ts), and
  // on ssh or local hosts those of the lab's own shells (not under MPOL_LOCAL there).
  numa_hint_faults: { abs: HINT_FAULTS_ABS, rel: 0.1 },
  numa_hint_faults_local: { abs: HINT_FAULTS_ABS, rel: 0.1 },
  pgpromote_success: { abs: 16, rel: 0.05 },
  thp_underused_split_page: { abs: 0, rel: 0 },
};

export const INFO_COUNTERS = ['numa_hit', 'numa_miss', 'numa_foreign', 'numa_local', 'numa_other', 'numa_interleave'];

/**
 * When the kernel also moves pages that are not the workload's region — NUMA balancing (its
 * stack, other processes: the ground truth's case e has N×512 + 1..9) or migrate_pages(2) of the
 * whole process — the base-page migration counters get numa_pages_migrated's tolerance, and with
 * NUMA balancing the THP migrations are the scheduler's too.
 */
const BALANCING_TOLERANT: Record<string, Tolerance> = {
  pgmigrate_success: TOLERANT_COUNTERS.numa_pages_migrated!,
  pgmigrate_fail: TOLERANT_COUNTERS.numa_pages_migrated!,
  // Which THPs NUMA balancing moves follows where the scheduler ran each thread when it first
  // touched them (numa02 on the box: 1 THP in most runs, all 120 when both threads were swapped).
  thp_migration_success: { abs: 2, rel: 0.1 },
};

export interface VerdictOptions {
  /** NUMA balancing or migrate_pages(2) moves pages beyond the workload's region. */
  otherPagesMove?: boolean;
  /** Counters shown, not judged, for this workload. */
  infoOnly?: readonly string[];
  /** Counters always listed (zeros included), marked `key`. */
  keyCounters?: readonly string[];
  /**
   * The mechanism these counters measure was off (e.g. numa.balancing=0 for numa-touch): the
   * key counters get `nothing to compare` with this reason.
   */
  mechanismOff?: string;
  /** What the model's timing uncertainty is, in words, for the reason of an undecided verdict. */
  uncertainty?: string;
}

export function counterClass(name: string, opts: Pick<VerdictOptions, 'otherPagesMove' | 'infoOnly'> = {}): CounterClass | undefined {
  if (opts.infoOnly?.includes(name)) return 'info';
  if (opts.otherPagesMove && name in BALANCING_TOLERANT) return 'tolerant';
  if ((EXACT_COUNTERS as readonly string[]).includes(name)) return 'exact';
  if (name in TOLERANT_COUNTERS) return 'tolerant';
  if (INFO_COUNTERS.includes(name)) return 'info';
  return undefined;
}

type Deltas = Record<string, number>;

/** One repetition's measured deltas beside its own prediction. */
export interface RunInput {
  /** 1-based, as in the experiment's `measured`. */
  repetition: number;
  measured: Deltas;
  predicted: Deltas;
  /** Per counter, the range of the model's answers within its timing uncertainty (only where they differ). */
  ranges?: Record<string, Range>;
}

/** Worse verdicts rank higher: a counter's verdict is its worst repetition's. */
const SEVERITY: Record<Verdict, number> = { info: 0, 'nothing to compare': 0, exact: 1, 'within tolerance': 2, undecided: 3, diverged: 4 };

const round2 = (x: number) => Math.round(x * 100) / 100;
const fmt = (x: number) => x.toLocaleString('en-US');

/** The allowance for a pair, from the pair alone. */
export function allowance(counter: string, measured: number, predicted: number, otherPagesMove = false): number {
  const t = (otherPagesMove ? BALANCING_TOLERANT[counter] : undefined) ?? TOLERANT_COUNTERS[counter];
  if (!t) return 0;
  return Math.max(t.abs, t.rel * Math.max(Math.abs(measured), Math.abs(predicted)));
}

/**
 * One counter of one repetition. With a range (the model's answer changes within its timing
 * uncertainty) a measured value that any answer in it explains is `undecided`, one outside it
 * `diverged`: such a run can refute the model, never confirm it.
 */
export function judgeRun(counter: string, cls: CounterClass, r: { repetition: number; measured: number; predicted: number; range?: Range }, opts: VerdictOptions = {}): RunVerdict {
  const { repetition, measured: m, predicted: p } = r;
  const base = { repetition, measured: m, predicted: p };
  if (cls === 'info') return { ...base, verdict: 'info', allowed: 0 };
  const allowed = cls === 'exact' ? 0 : round2(allowance(counter, m, p, opts.otherPagesMove));
  const range = r.range && r.range.lo < r.range.hi ? { lo: Math.min(r.range.lo, p), hi: Math.max(r.range.hi, p) } : undefined;
  if (range) {
    const off = Math.max(0, range.lo - m, m - range.hi);
    if (off <= allowed) {
      const why = opts.uncertainty ? ` (${opts.uncertainty})` : '';
      return { ...base, verdict: 'undecided', allowed, boundary: range, reason: `the model says ${fmt(range.lo)} to ${fmt(range.hi)} within its timing uncertainty${why}; measured ${fmt(m)} fits that range and cannot tell which` };
    }
    return { ...base, verdict: 'diverged', allowed, boundary: range, reason: `measured ${fmt(m)} is outside every answer the model gives within its timing uncertainty (${fmt(range.lo)} to ${fmt(range.hi)}${allowed ? `, ±${fmt(allowed)}` : ''})` };
  }
  if (m === p) return { ...base, verdict: 'exact', allowed };
  if (Math.abs(m - p) <= allowed) return { ...base, verdict: 'within tolerance', allowed };
  return { ...base, verdict: 'diverged', allowed, reason: cls === 'exact' ? `measured ${fmt(m)}, predicted ${fmt(p)}: a deterministic counter must match to the page` : `measured ${fmt(m)}, predicted ${fmt(p)}: ${fmt(round2(Math.abs(m - p)))} apart, ${fmt(allowed)} allowed` };
}

/**
 * Every judged counter: each repetition against its own prediction, and the counter's verdict
 * the worst of them. `reference` is the prediction shown beside the mean (the experiment's
 * replay); it takes no part in the verdict.
 */
export function verdicts(runs: RunInput[], reference: Deltas, opts: VerdictOptions = {}): CounterVerdict[] {
  const names = new Set<string>([...EXACT_COUNTERS, ...(opts.keyCounters ?? [])]);
  for (const r of runs) for (const k of [...Object.keys(r.measured), ...Object.keys(r.predicted)]) names.add(k);
  for (const k of Object.keys(reference)) names.add(k);
  const key = new Set(opts.keyCounters ?? []);
  const out: CounterVerdict[] = [];
  for (const counter of [...names].sort()) {
    const cls = counterClass(counter, opts);
    if (!cls) continue;
    const values = runs.map((r) => r.measured[counter] ?? 0);
    const m = round2(mean(values));
    const spread = values.length ? Math.max(...values) - Math.min(...values) : 0;
    const predicted = reference[counter] ?? 0;
    const row = { counter, measured: m, predicted, difference: round2(m - predicted), spread, ...(key.has(counter) ? { key: true } : {}) };
    if (opts.mechanismOff && key.has(counter)) {
      out.push({ ...row, verdict: 'nothing to compare', allowed: 0, reason: opts.mechanismOff });
      continue;
    }
    const perRun = runs.map((r) => judgeRun(counter, cls, { repetition: r.repetition, measured: r.measured[counter] ?? 0, predicted: r.predicted[counter] ?? 0, range: r.ranges?.[counter] }, opts));
    const worst = perRun.reduce<RunVerdict | undefined>((w, v) => (!w || SEVERITY[v.verdict] > SEVERITY[w.verdict] ? v : w), undefined);
    const verdict: Verdict = worst?.verdict ?? (cls === 'info' ? 'info' : 'exact');
    const reason = worst?.reason && (runs.length > 1 ? `repetition ${worst.repetition}: ${worst.reason}` : worst.reason);
    out.push({
      ...row,
      verdict,
      allowed: worst?.allowed ?? 0,
      ...(worst?.boundary ? { boundary: worst.boundary } : {}),
      ...(reason ? { reason } : {}),
      runs: perRun,
    });
  }
  return out;
}

/** Verdicts that mean the model and the kernel disagree. */
export function anyDiverged(vs: CounterVerdict[]): boolean {
  return vs.some((v) => v.verdict === 'diverged');
}

/** How many counters got each verdict. */
export function countVerdicts(vs: CounterVerdict[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of vs) out[v.verdict] = (out[v.verdict] ?? 0) + 1;
  return out;
}

/** Rows a table shows: a key counter always, any other when something happened or was judged against it. */
export function shownVerdicts(vs: CounterVerdict[]): CounterVerdict[] {
  return vs.filter((v) => v.key || v.measured !== 0 || v.predicted !== 0 || v.verdict === 'diverged' || v.verdict === 'undecided');
}
