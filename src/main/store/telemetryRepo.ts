import type { TraceCapture } from '../../shared/trace/migrateCalls';
import { describeCounter, type CounterInfo } from '../../shared/telemetry/catalog';
import type { CounterDesc, ParseReport, RunDetail, RunEvent, RunEventKind, RunStatus, RunSummary, Series } from '../../shared/telemetry/api';
import { atReads, atSampleTimes, cumulativeDelta, isSlowCounter, medianInterval, plotSeries, slowEvery, type SeriesMode } from '../../shared/telemetry/series';
import type { Db } from './store';

/**
 * Runs, counters, samples and events (migration 3). A counter's value is stored only when it
 * changed; sample_times holds every frame's time so the full state at each sample time can be
 * rebuilt. Times are integer ms since the run's first frame on the host's monotonic clock.
 */

interface RunRow {
  id: number;
  target: string;
  status: RunStatus;
  status_reason: string | null;
  rate_hz: number;
  duration_s: number | null;
  started_at: string;
  ended_at: string | null;
  host_clock: string | null;
  host_t0: number | null;
  kernel: string | null;
  sample_count: number;
  last_t_ms: number | null;
  owner: string;
  meta_json: string | null;
}

export interface RunMeta {
  sampler?: Record<string, string>;
  parse?: ParseReport;
  /** Kinds the run learned: from the kernel's print order, or from a guessed counter going down. */
  kinds?: Record<string, LearnedKind>;
  /** How the run's kernel trace went (runs asked to trace only). */
  trace?: TraceCapture;
}

export type LearnedKind = Pick<CounterInfo, 'kind' | 'kindFrom' | 'source'>;

/** Above this many samples in a range, series are computed from index seeks at bucket edges. */
const FULL_READ_LIMIT = 20000;

export class TelemetryRepo {
  private readonly counterIds = new Map<string, number>();
  private readonly counterNames = new Map<number, string>();
  private readonly learned = new Map<number, Record<string, LearnedKind>>();

  constructor(readonly db: Db) {}

  createRun(target: string, rateHz: number, durationS: number | undefined, owner: string): number {
    const r = this.db
      .prepare(`INSERT INTO runs (target, status, rate_hz, duration_s, started_at, owner) VALUES (?, 'running', ?, ?, ?, ?)`)
      .run(target, rateHz, durationS ?? null, new Date().toISOString(), owner);
    return Number(r.lastInsertRowid);
  }

  setRunHost(runId: number, hostT0: number, clock: string | null, kernel: string | null): void {
    this.db.prepare('UPDATE runs SET host_t0 = ?, host_clock = COALESCE(?, host_clock), kernel = COALESCE(?, kernel) WHERE id = ?').run(hostT0, clock, kernel, runId);
  }

  /** Merges into the run's meta (the kinds are written while the run is live, the rest at its end). */
  setMeta(runId: number, meta: RunMeta): void {
    this.db.prepare('UPDATE runs SET meta_json = ? WHERE id = ?').run(JSON.stringify({ ...this.meta(runId), ...meta }), runId);
    this.learned.delete(runId);
  }

  traceMeta(runId: number): TraceCapture | null {
    return this.meta(runId).trace ?? null;
  }

  private meta(runId: number): RunMeta {
    const r = this.db.prepare('SELECT meta_json FROM runs WHERE id = ?').get(runId) as { meta_json: string | null } | undefined;
    return r?.meta_json ? JSON.parse(r.meta_json) : {};
  }

  /** A counter as this run knows it: the catalog, corrected by what the run learned about its kind. */
  describeIn(runId: number, name: string): CounterInfo {
    let kinds = this.learned.get(runId);
    if (!kinds) this.learned.set(runId, (kinds = this.meta(runId).kinds ?? {}));
    const d = describeCounter(name);
    const k = kinds[name];
    return k ? { ...d, ...k } : d;
  }

  /** Ends a run once: a run already ended keeps its first status. */
  finishRun(runId: number, status: Exclude<RunStatus, 'running'>, reason: string | null): boolean {
    const r = this.db
      .prepare(`UPDATE runs SET status = ?, status_reason = ?, ended_at = ? WHERE id = ? AND status = 'running'`)
      .run(status, reason, new Date().toISOString(), runId);
    return r.changes > 0;
  }

  /** Runs left 'running' by a lab process that is gone: marked interrupted, with why. */
  /** Corrects how an ended run ended (e.g. host-lost → crashed once the console says why). */
  setStatus(runId: number, status: Exclude<RunStatus, 'running'>, reason: string | null): void {
    this.db.prepare('UPDATE runs SET status = ?, status_reason = ? WHERE id = ?').run(status, reason, runId);
  }

  recoverInterrupted(isOwnerAlive: (owner: string) => boolean): number[] {
    const rows = this.db.prepare(`SELECT id, owner, last_t_ms, sample_count FROM runs WHERE status = 'running'`).all() as Array<Pick<RunRow, 'id' | 'owner' | 'last_t_ms' | 'sample_count'>>;
    const out: number[] = [];
    for (const r of rows) {
      if (isOwnerAlive(r.owner)) continue;
      const last = r.last_t_ms === null ? 'no sample stored' : `last stored sample at ${(r.last_t_ms / 1000).toFixed(1)} s (${r.sample_count} samples)`;
      if (this.finishRun(r.id, 'interrupted', `the lab process that recorded it (${r.owner}) ended without closing the run (killed, crashed or power lost); ${last}`)) out.push(r.id);
    }
    return out;
  }

  counterId(name: string): number {
    let id = this.counterIds.get(name);
    if (id !== undefined) return id;
    const c = describeCounter(name);
    this.db.prepare('INSERT OR IGNORE INTO counters (name, unit, kind, family) VALUES (?, ?, ?, ?)').run(name, c.unit, c.kind, c.family);
    id = (this.db.prepare('SELECT id FROM counters WHERE name = ?').get(name) as { id: number }).id;
    this.counterIds.set(name, id);
    this.counterNames.set(id, name);
    return id;
  }

  private counterName(id: number): string {
    let n = this.counterNames.get(id);
    if (n === undefined) {
      n = (this.db.prepare('SELECT name FROM counters WHERE id = ?').get(id) as { name: string } | undefined)?.name ?? `#${id}`;
      this.counterNames.set(id, n);
    }
    return n;
  }

  private row(runId: number): RunRow {
    const r = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(runId) as RunRow | undefined;
    if (!r) throw Object.assign(new Error(`no run ${runId}`), { code: 'not-found' });
    return r;
  }

  private summary(r: RunRow): RunSummary {
    return {
      id: r.id,
      target: r.target,
      status: r.status,
      statusReason: r.status_reason,
      rateHz: r.rate_hz,
      durationS: r.duration_s,
      startedAt: r.started_at,
      endedAt: r.ended_at,
      samples: r.sample_count,
      lastT: r.last_t_ms === null ? null : r.last_t_ms / 1000,
      kernel: r.kernel,
      hostClock: r.host_clock,
    };
  }

  list(opts: { target?: string; limit?: number } = {}): RunSummary[] {
    const rows = (
      opts.target
        ? this.db.prepare('SELECT * FROM runs WHERE target = ? ORDER BY id DESC LIMIT ?').all(opts.target, opts.limit ?? 200)
        : this.db.prepare('SELECT * FROM runs ORDER BY id DESC LIMIT ?').all(opts.limit ?? 200)
    ) as RunRow[];
    return rows.map((r) => this.summary(r));
  }

  get(runId: number): RunSummary {
    return this.summary(this.row(runId));
  }

  hostT0(runId: number): number | null {
    return this.row(runId).host_t0;
  }

  countersOf(runId: number): CounterDesc[] {
    const rows = this.db
      .prepare('SELECT c.name FROM counters c WHERE c.id IN (SELECT DISTINCT counter_id FROM samples WHERE run_id = ?) ORDER BY c.name')
      .all(runId) as Array<{ name: string }>;
    return rows.map((r) => toDesc(this.describeIn(runId, r.name)));
  }

  detail(runId: number): RunDetail {
    const r = this.row(runId);
    const meta: RunMeta = r.meta_json ? JSON.parse(r.meta_json) : {};
    return { ...this.summary(r), counters: this.countersOf(runId), parse: meta.parse ?? null, sampler: meta.sampler ?? {} };
  }

  addEvent(runId: number, tMs: number, kind: RunEventKind, text: string, extra: { severity?: string; counter?: string; data?: unknown } = {}): RunEvent {
    const counterId = extra.counter ? this.counterId(extra.counter) : null;
    const r = this.db
      .prepare('INSERT INTO events (run_id, t_ms, kind, severity, counter_id, text, data_json) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(runId, tMs, kind, extra.severity ?? null, counterId, text, extra.data === undefined ? null : JSON.stringify(extra.data));
    return { id: Number(r.lastInsertRowid), runId, t: tMs / 1000, kind, severity: extra.severity ?? null, counter: extra.counter ?? null, text };
  }

  events(runId: number, from?: number, to?: number): RunEvent[] {
    const rows = this.db
      .prepare('SELECT id, t_ms, kind, severity, counter_id, text FROM events WHERE run_id = ? AND t_ms >= ? AND t_ms <= ? ORDER BY t_ms, id')
      .all(runId, Math.round((from ?? 0) * 1000), to === undefined ? Number.MAX_SAFE_INTEGER : Math.round(to * 1000)) as Array<{
      id: number;
      t_ms: number;
      kind: RunEventKind;
      severity: string | null;
      counter_id: number | null;
      text: string;
    }>;
    return rows.map((e) => ({ id: e.id, runId, t: e.t_ms / 1000, kind: e.kind, severity: e.severity, counter: e.counter_id === null ? null : this.counterName(e.counter_id), text: e.text }));
  }

  /** Reset events of one counter: (t_ms, value before the reset), to fold into cumulative deltas. */
  private resets(runId: number, counterId: number): Array<{ t: number; before: number }> {
    const rows = this.db.prepare(`SELECT t_ms, data_json FROM events WHERE run_id = ? AND kind = 'reset' AND counter_id = ? ORDER BY t_ms`).all(runId, counterId) as Array<{
      t_ms: number;
      data_json: string | null;
    }>;
    return rows.map((r) => ({ t: r.t_ms, before: Number((r.data_json ? JSON.parse(r.data_json) : {}).before ?? 0) }));
  }

  /** Sample times in [fromMs, toMs]. */
  sampleTimes(runId: number, fromMs = 0, toMs = Number.MAX_SAFE_INTEGER): Float64Array {
    const rows = this.db.prepare('SELECT t_ms FROM sample_times WHERE run_id = ? AND t_ms >= ? AND t_ms <= ? ORDER BY t_ms').raw().all(runId, fromMs, toMs) as number[][];
    return Float64Array.from(rows, (r) => r[0]);
  }

  /** Change rows of one counter covering [fromMs, toMs]: the last change at or before fromMs, and all after. */
  changes(runId: number, counterId: number, fromMs: number, toMs: number): { t: Float64Array; v: Float64Array } {
    const rows = this.db
      .prepare(
        `SELECT t_ms, value FROM samples WHERE run_id = @run AND counter_id = @cid AND t_ms <= @to AND t_ms >=
           COALESCE((SELECT max(t_ms) FROM samples WHERE run_id = @run AND counter_id = @cid AND t_ms <= @from), 0) ORDER BY t_ms`,
      )
      .raw()
      .all({ run: runId, cid: counterId, from: fromMs, to: toMs }) as Array<[number, number | null]>;
    const t = new Float64Array(rows.length);
    const v = new Float64Array(rows.length);
    rows.forEach((r, i) => {
      t[i] = r[0];
      v[i] = r[1] === null ? Number.NaN : r[1];
    });
    return { t, v };
  }

  /** Values at each of `edgesMs` (the latest change at or before each), in one statement. */
  private valuesAt(runId: number, counterId: number, fromMs: number, stepMs: number, n: number): Float64Array {
    const rows = this.db
      .prepare(
        `WITH RECURSIVE e(i, t) AS (SELECT 0, @from UNION ALL SELECT i + 1, @from + (i + 1) * @step FROM e WHERE i + 1 < @n)
         SELECT (SELECT value FROM samples WHERE run_id = @run AND counter_id = @cid AND t_ms <= e.t ORDER BY t_ms DESC LIMIT 1) FROM e`,
      )
      .raw()
      .all({ run: runId, cid: counterId, from: fromMs, step: stepMs, n }) as Array<[number | null]>;
    return Float64Array.from(rows, (r) => (r[0] === null ? Number.NaN : r[0]));
  }

  series(runId: number, names: string[], mode: SeriesMode, maxPoints: number, from?: number, to?: number): { from: number; to: number; series: Series[] } {
    const run = this.row(runId);
    const lastMs = run.last_t_ms ?? 0;
    const fromMs = Math.max(0, Math.round((from ?? 0) * 1000));
    const toMs = Math.min(lastMs, to === undefined ? lastMs : Math.round(to * 1000));
    const expected = ((toMs - fromMs) / 1000) * run.rate_hz;
    const seek = expected > Math.max(FULL_READ_LIMIT, maxPoints * 8);
    const times = seek ? undefined : this.sampleTimes(runId, fromMs, toMs);
    const series = names.map((name) => {
      const info = this.describeIn(runId, name);
      const id = this.counterIds.get(name) ?? (this.db.prepare('SELECT id FROM counters WHERE name = ?').get(name) as { id: number } | undefined)?.id;
      const base = { name, unit: info.unit, kind: info.kind, family: info.family };
      if (id === undefined || toMs < fromMs) return { ...base, mode: info.kind === 'gauge' ? 'value' : mode, t: [], y: [], downsampled: 'none', sourcePoints: 0 } as Series;
      return seek ? this.seekSeries(runId, id, info, mode, fromMs, toMs, maxPoints, Math.round(expected)) : this.fullSeries(runId, id, info, mode, fromMs, toMs, maxPoints, times!);
    });
    return { from: fromMs / 1000, to: toMs / 1000, series };
  }

  /** Cumulative increase from the run's first value to each time, resets folded in (counters only). */
  private offsetAt(runId: number, counterId: number, tMs: number, first: number, valueAtT: number): number {
    let acc = valueAtT - first;
    for (const r of this.resets(runId, counterId)) if (r.t <= tMs) acc += r.before;
    return acc;
  }

  private firstValue(runId: number, counterId: number): number {
    const r = this.db.prepare('SELECT value FROM samples WHERE run_id = ? AND counter_id = ? AND value IS NOT NULL ORDER BY t_ms LIMIT 1').get(runId, counterId) as { value: number } | undefined;
    return r?.value ?? 0;
  }

  private fullSeries(runId: number, id: number, info: CounterInfo, mode: SeriesMode, fromMs: number, toMs: number, maxPoints: number, times: Float64Array): Series {
    const ch = this.changes(runId, id, fromMs, toMs);
    let values: Float64Array = atSampleTimes(times, ch.t, ch.v);
    let tS: Float64Array = Float64Array.from(times, (t) => t / 1000);
    if (info.kind === 'counter' && mode !== 'delta' && isSlowCounter(info.name) && times.length) {
      // Read every few ticks only: rates and interval counts between its reads (series.ts isSlowCounter).
      const before = (this.db.prepare('SELECT count(*) AS n FROM sample_times WHERE run_id = ? AND t_ms < ?').get(runId, times[0]) as { n: number }).n;
      const r = atReads(tS, values, slowEvery(this.row(runId).rate_hz), before);
      [tS, values] = [r.t, r.v];
    }
    let p = plotSeries(tS, values, info.kind, mode, maxPoints);
    if (p.mode === 'delta' && times.length && fromMs > 0) {
      // The window starts later than the run: its cumulative values continue from the run's start.
      const firstIdx = values.findIndex((v) => !Number.isNaN(v));
      if (firstIdx >= 0) {
        const off = this.offsetAt(runId, id, times[firstIdx], this.firstValue(runId, id), values[firstIdx]);
        const y = Float64Array.from(p.y, (v) => v + off);
        p = { ...p, y };
      }
    }
    const intervalS = p.mode === 'interval' ? medianInterval(tS) : undefined;
    return {
      name: info.name,
      unit: info.unit,
      kind: info.kind,
      family: info.family,
      mode: p.mode,
      ...(intervalS !== undefined ? { intervalS } : {}),
      t: [...p.x],
      y: [...p.y].map(nanToNull),
      downsampled: p.downsampled,
      sourcePoints: times.length,
    };
  }

  private seekSeries(runId: number, id: number, info: CounterInfo, mode: SeriesMode, fromMs: number, toMs: number, maxPoints: number, expected: number): Series {
    const plotMode = info.kind === 'gauge' ? 'value' : mode;
    const buckets = Math.max(2, maxPoints - 1);
    const step = Math.max(1, Math.floor((toMs - fromMs) / buckets));
    const n = Math.floor((toMs - fromMs) / step) + 1;
    const raw = this.valuesAt(runId, id, fromMs, step, n);
    const t = Array.from({ length: n }, (_, i) => (fromMs + i * step) / 1000);
    let y: Float64Array;
    if (plotMode === 'value') y = raw;
    else {
      // Exact for monotonic counters: the increase over a bucket is the difference at its edges.
      const first = this.firstValue(runId, id);
      const resets = this.resets(runId, id);
      let r = 0;
      let folded = 0;
      const cum = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const edge = fromMs + i * step;
        while (r < resets.length && resets[r].t <= edge) folded += resets[r++].before;
        cum[i] = Number.isNaN(raw[i]) ? Number.NaN : raw[i] - first + folded;
      }
      if (plotMode === 'delta') y = cum;
      else {
        // 'interval': the count over each bucket (the bucket is the interval, said in intervalS).
        const per = plotMode === 'interval' ? 1 : step / 1000;
        y = new Float64Array(n);
        y[0] = Number.NaN;
        for (let i = 1; i < n; i++) y[i] = (cum[i] - cum[i - 1]) / per;
      }
    }
    const intervalS = plotMode === 'interval' ? { intervalS: step / 1000 } : {};
    return { name: info.name, unit: info.unit, kind: info.kind, family: info.family, mode: plotMode, ...intervalS, t, y: [...y].map(nanToNull), downsampled: 'seek', sourcePoints: expected };
  }

  /** Every change row of a run, for export: counter name → [[t_s, value|null]...]. */
  allChanges(runId: number): Map<string, Array<[number, number | null]>> {
    const out = new Map<string, Array<[number, number | null]>>();
    const rows = this.db.prepare('SELECT counter_id, t_ms, value FROM samples WHERE run_id = ? ORDER BY counter_id, t_ms').raw().iterate(runId) as Iterable<[number, number, number | null]>;
    let lastId = -1;
    let cur: Array<[number, number | null]> = [];
    for (const [cid, t, v] of rows) {
      if (cid !== lastId) {
        cur = [];
        out.set(this.counterName(cid), cur);
        lastId = cid;
      }
      cur.push([t / 1000, v]);
    }
    return out;
  }

  /** The cumulative delta of counters from the run's first to its last sample (resets folded). */
  totals(runId: number, names: string[]): Map<string, number> {
    const out = new Map<string, number>();
    const lastMs = this.row(runId).last_t_ms ?? 0;
    for (const name of names) {
      const id = this.counterIds.get(name) ?? (this.db.prepare('SELECT id FROM counters WHERE name = ?').get(name) as { id: number } | undefined)?.id;
      if (id === undefined) continue;
      const ch = this.changes(runId, id, 0, lastMs);
      if (!ch.v.length) continue;
      const cum = cumulativeDelta(ch.v);
      const last = cum[cum.length - 1];
      if (!Number.isNaN(last)) out.set(name, last);
    }
    return out;
  }
}

function nanToNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

export function toDesc(c: CounterInfo): CounterDesc {
  return { name: c.name, unit: c.unit, kind: c.kind, kindFrom: c.kindFrom, source: c.source, family: c.family, meaning: c.meaning, kernels: c.kernels, unknown: !!c.unknown };
}
