import { randomBytes } from 'node:crypto';
import { parseTraceLine, type EventFormat } from '../../shared/trace/eventFormat';
import type { MigrateCall, TraceCapture as TraceCaptureSummary } from '../../shared/trace/migrateCalls';
import type { HostSession } from '../hosts/hostSession';
import { shQuote } from '../hosts/shQuote';
import { callOf, type StoredTraceRow, type TraceRepo } from './traceRepo';
import { INSTANCE_PREFIX, markerScript, parseProbe, parseSetup, parseStats, probeScript, setupScript, statsScript, TRACE_EVENTS } from './tracefsScripts';
import { restoreTraceEntry } from './traceRecovery';

export interface TraceCaptureDeps {
  repo: TraceRepo;
  /** This lab process (`pid:starttime`), on the journal entry. */
  owner: string | null;
  isOwnerAlive: (owner: string) => boolean;
}

/** What start() gives: a capture, or the line that says why this host's run has no trace. */
export type TraceStart = { ok: true; capture: TraceCapture } | { ok: false; reason: string };

const ROOT_ERROR = /needs root|not root|no sudo|sudo refused/;

/**
 * The kernel's migrate:mm_migrate_pages trace of one run on one host: journal → make the
 * instance and start its reader → collect what the reader wrote (live, or at the end) → end
 * marker reached → stop the reader and remove the instance → close the journal entry.
 * Records are stored on the run's clock as they are collected; phase markers are written into
 * the same stream, so a call's phase is known by order, not by comparing clocks.
 */
export class TraceCapture {
  private offset = 0;
  private partial = '';
  private seq = 0;
  private ended = false;
  private counts = { calls: 0, malformed: 0 };
  private lastMalformed: string | null = null;

  private constructor(
    private readonly session: HostSession,
    private readonly deps: TraceCaptureDeps,
    private readonly journalId: number,
    private readonly tracefs: string,
    private readonly instance: string,
    private readonly readerDir: string,
    private readonly formats: ReadonlyMap<string, EventFormat>,
    readonly events: string[],
    private readonly nonce: string,
    private readonly runId: number,
  ) {}

  static async start(session: HostSession, runId: number, deps: TraceCaptureDeps): Promise<TraceStart> {
    const privilege = session.getStatus().privilege;
    if (privilege === 'none') return { ok: false, reason: `tracefs is root-only, and ${session.target} was reached as a user that is not root and has no sudo` };
    // A trace must not stop a run to wait for a password; knobs that need root ask for it themselves.
    if (privilege === 'sudo-password') return { ok: false, reason: `tracefs is root-only, and sudo on ${session.target} asks for a password; connect as root, or allow this user sudo without one (NOPASSWD)` };
    const asRoot = async (script: string, timeoutMs = 20000) => {
      const r = await session.execAsRoot(script, { timeoutMs });
      return r.stdout;
    };
    let probe;
    try {
      probe = parseProbe(await asRoot(probeScript()));
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      return { ok: false, reason: ROOT_ERROR.test(msg) ? `tracefs needs root: ${msg}` : `probing tracefs failed: ${msg}` };
    }
    if (!probe.ok) return { ok: false, reason: probe.reason };
    // Instances a lab that is gone left on this host (its journal says what to put back) go first.
    for (const e of deps.repo.open(session.target)) {
      if (e.owner && (e.owner === deps.owner || deps.isOwnerAlive(e.owner))) continue;
      await restoreTraceEntry(session, deps.repo, { ...e, tracefs: e.tracefs ?? probe.tracefs }).catch(() => undefined);
    }
    const events = TRACE_EVENTS.filter((e) => probe.formats.has(e));
    const nonce = randomBytes(6).toString('hex');
    const instance = `${INSTANCE_PREFIX}${nonce}`;
    // Committed before the instance exists on the host: a lab killed from here on is undone at its next start.
    const journalId = deps.repo.begin(session.target, instance, deps.owner, runId);
    deps.repo.update(journalId, { tracefs: probe.tracefs });
    let setup;
    try {
      setup = parseSetup(await asRoot(setupScript(probe.tracefs, instance, events, nonce)));
    } catch (e) {
      await restoreTraceEntry(session, deps.repo, { id: journalId, tracefs: probe.tracefs, instance, settings: {}, readerDir: null }).catch(() => undefined);
      return { ok: false, reason: `setting up the trace failed: ${e instanceof Error ? e.message : e}` };
    }
    deps.repo.update(journalId, { settings: setup.originals, ...(setup.readerPid ? { readerPid: setup.readerPid } : {}), ...(setup.readerDir ? { readerDir: setup.readerDir } : {}) });
    if (setup.error || setup.failed.length) {
      await restoreTraceEntry(session, deps.repo, { id: journalId, tracefs: probe.tracefs, instance, settings: setup.originals, readerDir: setup.readerDir }).catch(() => undefined);
      return { ok: false, reason: setup.error ?? `the kernel refused ${setup.failed.join(', ')} in the tracefs instance` };
    }
    const capture = new TraceCapture(session, deps, journalId, probe.tracefs, instance, setup.readerDir!, probe.formats, events.map((e) => `migrate/${e}`), nonce, runId);
    return { ok: true, capture };
  }

  /** A marker in the trace stream (a phase boundary, written while the workload holds). */
  async mark(text: string): Promise<void> {
    if (this.ended) return;
    await this.session.execAsRoot(markerScript(this.tracefs, this.instance, `numalab ${text}`), { timeoutMs: 10000 });
  }

  /**
   * Reads what the reader wrote since the last collect, stores it (times through `msOf`, the
   * run's clock) and returns the new calls. Lines before the begin marker (none: the instance is
   * new) and after the end marker are not the run's.
   */
  async collect(msOf: (hostS: number) => number): Promise<{ calls: MigrateCall[]; sawEnd: boolean }> {
    const out = await this.session.run(`tail -c +${this.offset + 1} ${shQuote(`${this.readerDir}/trace`)} 2>/dev/null; true`, { timeoutMs: 60000 });
    this.offset += Buffer.byteLength(out, 'utf8');
    const text = this.partial + out;
    const nl = text.lastIndexOf('\n');
    this.partial = nl < 0 ? text : text.slice(nl + 1);
    const rows: StoredTraceRow[] = [];
    const calls: MigrateCall[] = [];
    let sawEnd = false;
    for (const line of nl < 0 ? [] : text.slice(0, nl).split('\n')) {
      if (sawEnd) break;
      const l = parseTraceLine(line, this.formats);
      if (l.kind === 'marker') {
        if (l.marker.text === `numalab end ${this.nonce}`) sawEnd = true;
        else if (l.marker.text.startsWith('numalab ') && !l.marker.text.startsWith('numalab begin')) rows.push({ seq: this.seq++, tMs: msOf(l.marker.ts), kind: 'marker', marker: { ts: l.marker.ts, text: l.marker.text.slice('numalab '.length) } });
      } else if (l.kind === 'record') {
        const tMs = msOf(l.record.ts);
        rows.push({ seq: this.seq++, tMs, kind: 'call', record: l.record });
        if (l.record.event === 'mm_migrate_pages') {
          this.counts.calls++;
          calls.push(callOf(l.record, tMs));
        }
      } else if (l.kind === 'malformed') {
        this.counts.malformed++;
        this.lastMalformed = l.reason;
      }
    }
    this.deps.repo.addRows(this.runId, rows);
    return { calls, sawEnd };
  }

  /**
   * Ends the capture: the end marker, every record before it collected (bounded wait), the
   * ring buffer's loss counts, then the instance removed and the journal entry closed.
   */
  async stop(msOf: (hostS: number) => number, opts: { waitMs?: number } = {}): Promise<{ summary: Omit<TraceCaptureSummary, 'kept'>; calls: MigrateCall[] }> {
    const calls: MigrateCall[] = [];
    let reason: string | null = null;
    let complete = true;
    let loss = { overrun: 0, dropped: 0 };
    try {
      if (!this.ended) {
        await this.session.execAsRoot(markerScript(this.tracefs, this.instance, `numalab end ${this.nonce}`), { timeoutMs: 10000 });
        loss = parseStats((await this.session.execAsRoot(statsScript(this.tracefs, this.instance), { timeoutMs: 10000 })).stdout);
        const until = Date.now() + (opts.waitMs ?? 10000);
        for (let wait = 20; ; wait = Math.min(500, wait * 2)) {
          const r = await this.collect(msOf);
          calls.push(...r.calls);
          if (r.sawEnd) break;
          if (Date.now() > until) {
            reason = 'the trace reader did not reach the end marker in time: the last records may be missing';
            complete = false;
            break;
          }
          await new Promise((res) => setTimeout(res, wait));
        }
      }
    } catch (e) {
      reason = `reading the trace failed: ${e instanceof Error ? e.message : e}`;
      complete = false;
    } finally {
      this.ended = true;
      const entry = this.deps.repo.open(this.session.target).find((e) => e.id === this.journalId);
      if (entry) await restoreTraceEntry(this.session, this.deps.repo, entry).catch(() => undefined);
    }
    if (!reason && this.counts.malformed) reason = `${this.counts.malformed} trace line${this.counts.malformed === 1 ? '' : 's'} did not fit their event's format (last: ${this.lastMalformed})`;
    return {
      summary: { status: 'captured', reason, events: this.events, calls: this.counts.calls, overrun: loss.overrun, dropped: loss.dropped, complete, malformed: this.counts.malformed, runId: this.runId },
      calls,
    };
  }
}

