import { compareReportHtml, type ReportExtras, type ReportSide } from '../../shared/experiments/report';
import type { ComparedSeries, SideSeries } from '../../shared/experiments/reportCharts';
import type { ExperimentService } from '../experiments/experimentService';
import type { ExperimentRow } from '../experiments/experimentsRepo';
import type { TelemetryRepo } from '../store/telemetryRepo';

/**
 * The compare report of two stored experiments, as `numa-lab compare --format html|png` and the
 * app's "Save PNG" give it: the spec header, the per-phase charts, the table, and — when both
 * sides' first completed repetitions have telemetry — their migration counters over time.
 */

/** The migration counters worth a chart, in order; at most MAX_SERIES of those that moved. */
const MIGRATION = ['pgmigrate_success', 'thp_migration_success', 'thp_migration_split', 'numa_pages_migrated', 'numa_hint_faults', 'numa_pte_updates', 'pgmigrate_fail', 'thp_migration_fail'];
/** When no migration counter moved (a run on a one-node host), what the workload did instead. */
const FALLBACK = ['thp_fault_alloc', 'numa_hit', 'numa_local', 'pgfault'];
const MAX_SERIES = 4;

export function reportSide(r: ExperimentRow): ReportSide {
  const behaviours = r.request.variant?.behaviours as Record<string, string> | undefined;
  return {
    id: r.id,
    target: r.target,
    kernel: r.kernel,
    workload: r.workload,
    params: r.request.params,
    knobs: r.request.knobs,
    model: r.model,
    repeat: r.request.repeat,
    rateHz: r.request.rateHz,
    ...(behaviours && Object.keys(behaviours).length ? { behaviours } : {}),
    status: r.status,
  };
}

/** The first completed repetition that has a telemetry run. */
function firstRun(r: ExperimentRow): number | null {
  return (r.outcome?.measured ?? []).find((x) => x.status === 'completed' && x.runId !== null)?.runId ?? null;
}

/**
 * When the workload started on the run's own clock: its first phase marker after the baseline
 * ("setup begins", "run begins" for a custom command). The sampler's clock, not the lab's: the
 * markers are written by the sampler, so A and B line up on what the workload did.
 */
function workloadStart(repo: TelemetryRepo, runId: number): number {
  const begins = repo.events(runId).filter((e) => e.kind === 'phase' && /\sbegins$/.test(e.text));
  return (begins.find((e) => !/^baseline\s/.test(e.text)) ?? begins[0])?.t ?? 0;
}

/** From the workload's start on, counted from 0 there: both sides' curves start at the origin. */
function fromStart(t: readonly number[], y: ReadonlyArray<number | null>, start: number): SideSeries {
  let i0 = t.findIndex((x) => x >= start);
  if (i0 < 0) return { t: [], y: [] };
  if (i0 > 0 && t[i0] !== start) i0--; // the sample just before: the level the workload started from
  const base = y.slice(0, i0 + 1).reduce<number | null>((acc, v) => (v === null ? acc : v), null) ?? 0;
  return {
    t: t.slice(i0).map((x) => +Math.max(0, x - start).toFixed(3)),
    y: y.slice(i0).map((v) => (v === null ? null : v - base)),
  };
}

function sideSeries(repo: TelemetryRepo, runId: number, names: string[]): Map<string, { unit: string; s: SideSeries }> {
  const out = new Map<string, { unit: string; s: SideSeries }>();
  try {
    const start = workloadStart(repo, runId);
    // 'delta': cumulative since the run's start (resets folded in).
    for (const x of repo.series(runId, names, 'delta', 300).series) out.set(x.name, { unit: x.unit, s: fromStart(x.t, x.y, start) });
  } catch {
    // A telemetry run removed from the store: that side has no series, and the note says so.
  }
  return out;
}

const moved = (s: SideSeries | undefined) => {
  const ys = (s?.y ?? []).filter((v): v is number => v !== null);
  return ys.length > 1 && ys.at(-1)! !== ys[0];
};

export function compareSeries(repo: TelemetryRepo, a: ExperimentRow, b: ExperimentRow): ReportExtras {
  const ra = firstRun(a);
  const rb = firstRun(b);
  if (!ra && !rb) return { seriesNote: `Neither experiment ${a.id} nor ${b.id} has a completed repetition with a telemetry run: no time series.` };
  const names = [...MIGRATION, ...FALLBACK];
  const sa = ra ? sideSeries(repo, ra, names) : new Map();
  const sb = rb ? sideSeries(repo, rb, names) : new Map();
  const pick = (list: string[]) => list.filter((n) => moved(sa.get(n)?.s) || moved(sb.get(n)?.s)).slice(0, MAX_SERIES);
  let chosen = pick(MIGRATION);
  let note: string | undefined;
  if (!chosen.length) {
    chosen = pick(FALLBACK).slice(0, 2);
    note = 'No migration counter moved in either run; shown instead: what the workloads allocated.';
  }
  const series: ComparedSeries[] = chosen.map((n) => ({ counter: n, unit: sa.get(n)?.unit ?? sb.get(n)?.unit ?? 'count', a: sa.get(n)?.s ?? null, b: sb.get(n)?.s ?? null }));
  const missing = [!ra ? `experiment ${a.id}` : null, !rb ? `experiment ${b.id}` : null].filter(Boolean).join(' and ');
  const why = [note, missing ? `${missing} has no telemetry run, so only the other side is drawn.` : undefined].filter(Boolean).join(' ');
  return { series, ...(why ? { seriesNote: why } : {}) };
}

export function compareReportFor(service: ExperimentService, telemetry: TelemetryRepo, a: number, b: number, generatedAt = new Date().toISOString()): string {
  const c = service.compare(a, b);
  return compareReportHtml(reportSide(c.a), reportSide(c.b), c.rows, generatedAt, compareSeries(telemetry, c.a, c.b));
}
