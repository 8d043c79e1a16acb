/**
 * The kernel's migrate_pages() calls against the model's, per repetition and phase, as verdict
 * rows beside the counters' (so the experiment's judgement weighs them like any counter):
 * - `sequence` (the deterministic workloads: thp-move, mbind-move): the n-th call against the
 *   n-th predicted one, every compared field equal, or `diverged` naming the first differences.
 *   One row, `trace:calls`.
 * - `per-reason` (NUMA balancing on): which call comes when follows the scheduler, so per
 *   reason the number of calls and the pages they moved, within a tolerance. Rows
 *   `trace:<reason>.calls` and `trace:<reason>.pages`.
 * A repetition whose trace was not captured is not judged; with none captured there are no rows
 * (never an `exact` where nothing was compared).
 */
import type { CounterVerdict, RunVerdict, Verdict } from './api';
import { mean } from './stats';
import { alignCalls, totalsByReason, type MigrateCall, type MigrateCallsByPhase } from '../trace/migrateCalls';
import { TOLERANT_COUNTERS, type Tolerance } from './verdict';

export type TraceRule = 'sequence' | 'per-reason' | 'info';

export interface TraceRun {
  repetition: number;
  measured: MigrateCallsByPhase;
  predicted: MigrateCallsByPhase;
}

/**
 * Per-reason allowances. Pages as numa_pages_migrated. Calls as numa_hint_faults: under NUMA
 * balancing each misplaced hinting fault makes one call, so the calls can be off by as much as
 * the faults are allowed to be (other tasks' faults, the process's own one-page faults), and a
 * tighter row would call the model wrong where the counters it is made of agree.
 */
export const TRACE_TOLERANCE: { calls: Tolerance; pages: Tolerance } = { calls: TOLERANT_COUNTERS.numa_hint_faults!, pages: TOLERANT_COUNTERS.numa_pages_migrated! };

const SEVERITY: Record<Verdict, number> = { info: 0, 'nothing to compare': 0, exact: 1, 'within tolerance': 2, undecided: 3, diverged: 4 };
const fmt = (x: number) => x.toLocaleString('en-US');

function callsIn(by: MigrateCallsByPhase, phases: readonly string[]): MigrateCall[] {
  return phases.flatMap((p) => by[p] ?? []);
}

/** One repetition's call sequence against its prediction. */
export function judgeSequence(repetition: number, measured: readonly MigrateCall[], predicted: readonly MigrateCall[], info = false): RunVerdict {
  const base = { repetition, measured: measured.length, predicted: predicted.length, allowed: 0 };
  if (info) return { ...base, verdict: 'info' };
  const differing = alignCalls(measured, predicted).filter((a) => a.differs.length);
  if (!differing.length) return { ...base, verdict: 'exact' };
  const what = differing.map((a) => {
    if (!a.measured) return `predicted (${a.predicted!.reason}, ${a.predicted!.succeeded} succeeded), not made by the kernel`;
    if (!a.predicted) return `made by the kernel (${a.measured.reason}, ${a.measured.succeeded} succeeded), not predicted`;
    return a.differs.map((f) => `${f} measured ${a.measured![f] ?? '(absent)'}, predicted ${a.predicted![f] ?? '(absent)'}`).join(', ');
  });
  // Runs of calls that differ the same way are said once: "calls 1–8: …".
  const groups: Array<{ from: number; to: number; text: string }> = [];
  differing.forEach((a, i) => {
    const g = groups.at(-1);
    if (g && g.text === what[i] && g.to === a.index) g.to = a.index + 1;
    else groups.push({ from: a.index + 1, to: a.index + 1, text: what[i]! });
  });
  const words = groups.slice(0, 3).map((g) => `${g.from === g.to ? `call ${g.from}` : `calls ${g.from}–${g.to}`}: ${g.text}`);
  const more = groups.length > 3 ? `; ${groups.slice(3).reduce((n, g) => n + g.to - g.from + 1, 0)} more calls differ` : '';
  return { ...base, verdict: 'diverged', reason: `${fmt(measured.length)} calls measured, ${fmt(predicted.length)} predicted; ${words.join('; ')}${more}` };
}

function judgeTotal(repetition: number, m: number, p: number, t: Tolerance, what: string): RunVerdict {
  const allowed = Math.round(Math.max(t.abs, t.rel * Math.max(Math.abs(m), Math.abs(p))) * 100) / 100;
  const base = { repetition, measured: m, predicted: p, allowed };
  if (m === p) return { ...base, verdict: 'exact' };
  if (Math.abs(m - p) <= allowed) return { ...base, verdict: 'within tolerance' };
  return { ...base, verdict: 'diverged', reason: `${what}: measured ${fmt(m)}, predicted ${fmt(p)}: ${fmt(Math.abs(m - p))} apart, ${fmt(allowed)} allowed` };
}

function row(counter: string, runs: RunVerdict[], reference: number, key = true): CounterVerdict {
  const values = runs.map((r) => r.measured);
  const worst = runs.reduce<RunVerdict | undefined>((w, v) => (!w || SEVERITY[v.verdict] > SEVERITY[w.verdict] ? v : w), undefined)!;
  const m = Math.round(mean(values) * 100) / 100;
  const reason = worst.reason && (runs.length > 1 ? `repetition ${worst.repetition}: ${worst.reason}` : worst.reason);
  return {
    counter,
    measured: m,
    predicted: reference,
    difference: Math.round((m - reference) * 100) / 100,
    verdict: worst.verdict,
    allowed: worst.allowed,
    spread: values.length ? Math.max(...values) - Math.min(...values) : 0,
    ...(reason ? { reason } : {}),
    ...(key ? { key: true } : {}),
    runs,
  };
}

/** The trace rows over `phases` (one phase, or all of them for the whole run). */
export function traceVerdictsOver(runs: readonly TraceRun[], reference: MigrateCallsByPhase, phases: readonly string[], rule: TraceRule): CounterVerdict[] {
  if (!runs.length) return [];
  if (rule !== 'per-reason') {
    const perRun = runs.map((r) => judgeSequence(r.repetition, callsIn(r.measured, phases), callsIn(r.predicted, phases), rule === 'info'));
    return [row('trace:calls', perRun, callsIn(reference, phases).length)];
  }
  const totals = runs.map((r) => ({ r, m: totalsByReason(callsIn(r.measured, phases)), p: totalsByReason(callsIn(r.predicted, phases)) }));
  const ref = totalsByReason(callsIn(reference, phases));
  const reasons = [...new Set(totals.flatMap((t) => [...Object.keys(t.m), ...Object.keys(t.p)]).concat(Object.keys(ref)))].sort();
  return reasons.flatMap((reason) => [
    row(`trace:${reason}.calls`, totals.map((t) => judgeTotal(t.r.repetition, t.m[reason]?.calls ?? 0, t.p[reason]?.calls ?? 0, TRACE_TOLERANCE.calls, `${reason} calls`)), ref[reason]?.calls ?? 0),
    row(`trace:${reason}.pages`, totals.map((t) => judgeTotal(t.r.repetition, t.m[reason]?.succeeded ?? 0, t.p[reason]?.succeeded ?? 0, TRACE_TOLERANCE.pages, `pages ${reason} calls moved`)), ref[reason]?.succeeded ?? 0),
  ]);
}

/** Per phase, and for the whole run (every phase in order). */
export function traceVerdicts(runs: readonly TraceRun[], reference: MigrateCallsByPhase, phases: readonly string[], rule: TraceRule): { byPhase: Record<string, CounterVerdict[]>; total: CounterVerdict[] } {
  return {
    byPhase: Object.fromEntries(phases.map((p) => [p, traceVerdictsOver(runs, reference, [p], rule)])),
    total: traceVerdictsOver(runs, reference, phases, rule),
  };
}
