import type { Db } from '../store/store';
import type { MigrateCall, TraceCapture } from '../../shared/trace/migrateCalls';
import type { TraceRecord, TraceMarker } from '../../shared/trace/eventFormat';

/** An open entry of the trace journal: a tracefs instance the lab made and has not yet removed. */
export interface OpenTraceEntry {
  id: number;
  target: string;
  tracefs: string | null;
  instance: string;
  /** File (relative to the instance) → the value it held before the lab wrote it. */
  settings: Record<string, string>;
  readerPid: number | null;
  readerDir: string | null;
  runId: number | null;
  owner: string | null;
}

/** A stored trace row: a call or a marker, on the run's clock. */
export type StoredTraceRow = { seq: number; tMs: number } & ({ kind: 'call'; record: TraceRecord } | { kind: 'marker'; marker: TraceMarker });

/**
 * The trace journal and the captured records (migration 9). As with knobs, the journal row is
 * committed before the instance is made on the host, so a lab killed at any point leaves a row
 * that says what to put back.
 */
export class TraceRepo {
  constructor(private readonly db: Db) {}

  open(target?: string): OpenTraceEntry[] {
    const rows = this.db
      .prepare(
        `SELECT id, target, tracefs, instance, settings_json AS settings, reader_pid AS readerPid, reader_dir AS readerDir, run_id AS runId, owner
         FROM trace_journal WHERE restored_at IS NULL ${target === undefined ? '' : 'AND target = ?'} ORDER BY id`,
      )
      .all(...(target === undefined ? [] : [target])) as Array<Omit<OpenTraceEntry, 'settings'> & { settings: string }>;
    return rows.map((r) => ({ ...r, settings: JSON.parse(r.settings) as Record<string, string> }));
  }

  /** Journals the instance about to be made (committed when this returns). */
  begin(target: string, instance: string, owner: string | null, runId: number | null, now = new Date()): number {
    return Number(
      this.db.prepare('INSERT INTO trace_journal (target, instance, run_id, owner, started_at) VALUES (?, ?, ?, ?, ?)').run(target, instance, runId, owner, now.toISOString()).lastInsertRowid,
    );
  }

  /** What the set-up found and did: where tracefs is, each file's value before the write, the reader. */
  update(id: number, p: { tracefs?: string; settings?: Record<string, string>; readerPid?: number; readerDir?: string }): void {
    const cur = this.db.prepare('SELECT tracefs, settings_json, reader_pid, reader_dir FROM trace_journal WHERE id = ?').get(id) as
      | { tracefs: string | null; settings_json: string; reader_pid: number | null; reader_dir: string | null }
      | undefined;
    if (!cur) return;
    this.db
      .prepare('UPDATE trace_journal SET tracefs = ?, settings_json = ?, reader_pid = ?, reader_dir = ? WHERE id = ?')
      .run(p.tracefs ?? cur.tracefs, JSON.stringify({ ...JSON.parse(cur.settings_json), ...(p.settings ?? {}) }), p.readerPid ?? cur.reader_pid, p.readerDir ?? cur.reader_dir, id);
  }

  markRestored(id: number, note: string, now = new Date()): void {
    this.db.prepare('UPDATE trace_journal SET restored_at = ?, restore_note = ?, owner = NULL WHERE id = ? AND restored_at IS NULL').run(now.toISOString(), note, id);
  }

  /** The host's kernel crashed: its tracefs instance died with it, nothing is left to put back. */
  kernelGone(target: string, now = new Date()): void {
    this.db.prepare("UPDATE trace_journal SET restored_at = ?, restore_note = 'the kernel that held it is gone', owner = NULL WHERE target = ? AND restored_at IS NULL").run(now.toISOString(), target);
  }

  /** The entry's restore failed: kept open (a later start tries again), with why. */
  noteFailure(id: number, note: string): void {
    this.db.prepare('UPDATE trace_journal SET restore_note = ? WHERE id = ?').run(note, id);
  }

  /** Appends records of a run in one transaction. */
  addRows(runId: number, rows: StoredTraceRow[]): void {
    if (!rows.length) return;
    const ins = this.db.prepare('INSERT OR REPLACE INTO trace_calls (run_id, seq, t_ms, event, comm, pid, tgid, cpu, fields_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    this.db.transaction(() => {
      for (const r of rows) {
        if (r.kind === 'call') ins.run(runId, r.seq, r.tMs, r.record.event, r.record.comm, r.record.pid, r.record.tgid, r.record.cpu, JSON.stringify(r.record.fields));
        else ins.run(runId, r.seq, r.tMs, 'tracing_mark_write', null, null, null, null, JSON.stringify({ text: r.marker.text }));
      }
    })();
  }

  rows(runId: number, fromMs = 0, toMs = Number.MAX_SAFE_INTEGER): StoredTraceRow[] {
    const rows = this.db
      .prepare('SELECT seq, t_ms AS tMs, event, comm, pid, tgid, cpu, fields_json AS fields FROM trace_calls WHERE run_id = ? AND t_ms >= ? AND t_ms <= ? ORDER BY seq')
      .all(runId, fromMs, toMs) as Array<{ seq: number; tMs: number; event: string; comm: string | null; pid: number | null; tgid: number | null; cpu: number | null; fields: string }>;
    return rows.map((r) => {
      const fields = JSON.parse(r.fields) as Record<string, number | string>;
      if (r.event === 'tracing_mark_write') return { seq: r.seq, tMs: r.tMs, kind: 'marker', marker: { ts: r.tMs / 1000, text: String(fields.text ?? '') } };
      return { seq: r.seq, tMs: r.tMs, kind: 'call', record: { comm: r.comm ?? '', pid: r.pid ?? 0, tgid: r.tgid, cpu: r.cpu ?? 0, ts: r.tMs / 1000, event: r.event, fields } };
    });
  }

  /**
   * The migrate_pages() calls of a run (every task) in the wire shape, and the markers the lab
   * wrote among them (an experiment's phase boundaries), both in seconds on the run's clock.
   */
  callsAndMarkers(runId: number, fromMs?: number, toMs?: number): { calls: MigrateCall[]; markers: Array<{ t: number; text: string }> } {
    const calls: MigrateCall[] = [];
    const markers: Array<{ t: number; text: string }> = [];
    for (const r of this.rows(runId, fromMs, toMs)) {
      if (r.kind === 'marker') markers.push({ t: Math.round(r.tMs) / 1000, text: r.marker.text });
      else if (r.record.event === 'mm_migrate_pages') calls.push(callOf(r.record, r.tMs));
    }
    return { calls, markers };
  }

  calls(runId: number, fromMs?: number, toMs?: number): MigrateCall[] {
    return this.callsAndMarkers(runId, fromMs, toMs).calls;
  }
}

/** A tracepoint record in the shared call shape: the fields by name, the task beside them. */
export function callOf(r: TraceRecord, tMs: number): MigrateCall {
  const f = r.fields;
  const num = (k: string) => (typeof f[k] === 'number' ? (f[k] as number) : 0);
  const extra = Object.fromEntries(Object.entries(f).filter(([k]) => !['succeeded', 'failed', 'thp_succeeded', 'thp_failed', 'thp_split', 'mode', 'reason'].includes(k)));
  return {
    t: Math.round(tMs) / 1000,
    reason: String(f.reason ?? ''),
    mode: String(f.mode ?? ''),
    succeeded: num('succeeded'),
    failed: num('failed'),
    thp_succeeded: num('thp_succeeded'),
    thp_failed: num('thp_failed'),
    thp_split: num('thp_split'),
    ...extra,
    comm: r.comm,
    pid: r.pid,
    ...(r.tgid !== null ? { tgid: r.tgid } : {}),
  };
}

export type { TraceCapture };
