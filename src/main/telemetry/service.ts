import { StringDecoder } from 'node:string_decoder';
import { LabApiError } from '../../shared/api/labApi';
import { FrameParser, type Frame } from '../../shared/telemetry/frameParser';
import { classifyKernelLine, type KernelLogRecord } from '../../shared/telemetry/kernelLog';
import type { LivePoint, RunEvent, RunStatus, RunSummary } from '../../shared/telemetry/api';
import { ChannelError, type CommandChannel } from '../hosts/commandChannel';
import type { HostSession } from '../hosts/hostSession';
import { TelemetryRepo } from '../store/telemetryRepo';
import type { Db } from '../store/store';
import { RunWriter } from './runWriter';
import { samplerScript } from './samplerScript';
import { slowEvery } from '../../shared/telemetry/series';
import { deploySampler, type SamplerDeployment } from './deploySampler';
import { shQuote } from '../hosts/shQuote';
import { TraceCapture } from '../trace/traceCapture';
import { TraceRepo } from '../trace/traceRepo';
import type { MigrateCall, TraceCapture as TraceSummary } from '../../shared/trace/migrateCalls';

/**
 * One cadence for both: commit what arrived (a lab killed with -9 loses at most this much plus
 * what the pty held) and push it live (at most 10 pushes a second, what the eye can use).
 */
export const FLUSH_MS = 100;

export interface TelemetryDeps {
  db: Db;
  session: (target: string) => Promise<HostSession>;
  emit: (event: 'telemetry.samples' | 'runs.changed', payload: unknown) => void;
  /** Identity of this lab process (`pid:starttime`), written into each run it records. */
  owner: string;
  isOwnerAlive: (owner: string) => boolean;
}

type EndStatus = Exclude<RunStatus, 'running'>;

interface ActiveRun {
  runId: number;
  target: string;
  writer: RunWriter;
  parser: FrameParser;
  abort: AbortController;
  channel?: CommandChannel;
  requested?: { status: EndStatus; reason: string | null };
  info: Record<string, string>;
  durationS?: number;
  /** The frame that reached durationS arrived: frames the sampler sent before it heard the stop are not part of the run. */
  durationReached?: boolean;
  timer: ReturnType<typeof setInterval>;
  wallTimer?: ReturnType<typeof setTimeout>;
  done: Promise<RunSummary>;
  lastFrame?: { t: number; wall: number };
  pendingKmsg: KernelLogRecord[];
  live: { points: LivePoint[]; events: RunEvent[]; calls: MigrateCall[]; prev: Map<string, number>; cum: Map<string, number>; sent: Map<string, number> };
  otherKernelLines: number;
  trace?: RunTrace;
}

/** A run's kernel trace: starting, capturing (collected live every TRACE_COLLECT_MS when asked), or missing with why. */
interface RunTrace {
  starting: Promise<void>;
  capture?: TraceCapture;
  missing?: string;
  live: boolean;
  collecting: boolean;
  timer?: ReturnType<typeof setInterval>;
  markFailed?: string;
}

/** How often a live trace is collected from the host (each collect is a command on it). */
export const TRACE_COLLECT_MS = 1000;

/**
 * Sampling runs: starts the on-host sampler on a dedicated channel, parses its stream, batches
 * rows into the store, pushes a throttled live view, and ends each run with an honest status.
 */
export class TelemetryService {
  readonly repo: TelemetryRepo;
  readonly traces: TraceRepo;
  private readonly active = new Map<number, ActiveRun>();
  /** Runs found 'running' at start whose writer was gone, now marked interrupted. */
  readonly recovered: number[];

  constructor(private readonly deps: TelemetryDeps) {
    this.repo = new TelemetryRepo(deps.db);
    this.traces = new TraceRepo(deps.db);
    this.recovered = this.repo.recoverInterrupted((o) => o !== deps.owner && deps.isOwnerAlive(o));
  }

  activeRuns(): Array<{ runId: number; target: string }> {
    return [...this.active.values()].map((a) => ({ runId: a.runId, target: a.target }));
  }

  /**
   * A sampling run. With `trace`, the kernel's migrate_pages() trace too: collected every
   * TRACE_COLLECT_MS and pushed live (`traceLive`, the default), or only when the run ends
   * (experiments: no extra commands on the host while the workload runs).
   */
  async start(p: { target: string; rateHz: number; durationS?: number; trace?: boolean; traceLive?: boolean }): Promise<number> {
    const session = await this.deps.session(p.target);
    for (const a of this.active.values()) {
      if (a.target === session.target) throw new LabApiError(`${session.target} is already being sampled by run ${a.runId}; stop it first`, 'busy');
    }
    // The C sampler where it can run (never throws: a reason instead, and the shell loop samples).
    const sampler: SamplerDeployment = await deploySampler(session).catch((e: unknown) => ({ ok: false as const, reason: `deploying the C sampler failed: ${e instanceof Error ? e.message : e}` }));
    const runId = this.repo.createRun(session.target, p.rateHz, p.durationS, this.deps.owner);
    let channel: CommandChannel;
    try {
      channel = await session.openDedicatedChannel();
    } catch (e) {
      this.repo.finishRun(runId, 'host-lost', `could not open a channel for the sampler: ${e instanceof Error ? e.message : e}`);
      this.deps.emit('runs.changed', { runId, status: 'host-lost' });
      throw e;
    }
    const run = this.launch(runId, session.target, channel, p, sampler);
    this.active.set(runId, run);
    if (p.trace) this.startTrace(run, session, p.traceLive ?? true);
    this.deps.emit('runs.changed', { runId, status: 'running' });
    return runId;
  }

  private launch(runId: number, target: string, channel: CommandChannel, p: { rateHz: number; durationS?: number }, sampler: SamplerDeployment): ActiveRun {
    const run: ActiveRun = {
      runId,
      target,
      writer: new RunWriter(this.repo, runId, (e) => run.live.events.push(e)),
      parser: undefined as unknown as FrameParser,
      abort: new AbortController(),
      channel,
      info: {},
      durationS: p.durationS,
      timer: setInterval(() => this.tick(run), FLUSH_MS),
      done: undefined as unknown as Promise<RunSummary>,
      pendingKmsg: [],
      live: { points: [], events: [], calls: [], prev: new Map(), cum: new Map(), sent: new Map() },
      otherKernelLines: 0,
    };
    run.parser = new FrameParser({
      frame: (f) => this.onFrame(run, f),
      kernelLog: (r) => this.onKernelLog(run, r),
      info: (k, v) => {
        run.info[k] = v;
        if (k.startsWith('error.')) this.addEvent(run, 'sampler', v, 'warning');
      },
    });
    if (p.durationS) {
      // The host clock ends the run (exactly durationS of samples); this is the fallback if it stalls.
      run.wallTimer = setTimeout(() => this.requestStop(run, 'completed', `duration ${p.durationS} s reached (wall clock: the host's clock stalled)`), (p.durationS + 15) * 1000);
    }
    const decoder = new StringDecoder('utf8');
    // The C sampler takes whole Hz (the lab's rates are); a fractional rate samples with the shell loop.
    const every = slowEvery(p.rateHz);
    const c = sampler.ok && Number.isInteger(p.rateHz) && p.rateHz >= 1 && p.rateHz <= 100 ? sampler : undefined;
    const fallback = c ? null : sampler.ok ? `the C sampler takes whole rates from 1 to 100 Hz, not ${p.rateHz}` : sampler.reason;
    run.info.sampler = c ? 'c' : 'shell';
    if (c) Object.assign(run.info, { samplerPath: c.path, samplerDeploy: c.how });
    if (fallback) {
      run.info.samplerFallback = fallback;
      this.addEvent(run, 'sampler', `sampling with the shell loop: ${fallback}`, 'warning');
    }
    // Only the lab's own integers and a path the lab chose (quoted) go into the command.
    const script =
      c ? `exec ${shQuote(c.path)} ${p.rateHz} ${every} 1` : samplerScript({ rateHz: p.rateHz, extraEvery: every, kmsg: true });
    const exec = channel.exec(script, {
      signal: run.abort.signal,
      discardStdout: true,
      onStdout: (chunk) => run.parser.push(decoder.write(chunk)),
    });
    // The trace ends before the run does: its last records are the run's, and the run's meta says how it went.
    const settle = async (status: EndStatus, reason: string | null) => {
      await this.stopTrace(run);
      return this.end(run, status, reason);
    };
    run.done = exec.then(
      (r) => settle(r.code === 0 ? 'completed' : 'crashed', `the sampler exited by itself with status ${r.code}${r.stderr.trim() ? `: ${r.stderr.trim().slice(0, 500)}` : ''}`),
      (e: unknown) => {
        if (e instanceof ChannelError && e.kind === 'closed') return settle('host-lost', e.message);
        if (e instanceof ChannelError && e.kind === 'cancelled') return settle('stopped-by-user', null);
        return settle('crashed', e instanceof Error ? e.message : String(e));
      },
    );
    return run;
  }

  private startTrace(run: ActiveRun, session: HostSession, live: boolean): void {
    const t: RunTrace = { starting: Promise.resolve(), live, collecting: false };
    run.trace = t;
    t.starting = TraceCapture.start(session, run.runId, { repo: this.traces, owner: this.deps.owner, isOwnerAlive: this.deps.isOwnerAlive })
      .then((r) => {
        if (!r.ok) {
          t.missing = r.reason;
          this.addEvent(run, 'sampler', `no kernel trace: ${r.reason}`, 'warning');
          return;
        }
        t.capture = r.capture;
        if (run.requested) return;
        if (live) t.timer = setInterval(() => void this.collectTrace(run), TRACE_COLLECT_MS);
      })
      .catch((e: unknown) => {
        t.missing = `starting the trace failed: ${e instanceof Error ? e.message : e}`;
      });
  }

  /** Waits until a run's trace is set up (or known missing): the workload should not start before it. */
  async traceReady(runId: number): Promise<{ capturing: boolean; missing: string | null }> {
    const t = this.active.get(runId)?.trace;
    if (!t) return { capturing: false, missing: null };
    await t.starting;
    return { capturing: !!t.capture, missing: t.missing ?? null };
  }

  /** A marker in a run's trace stream (an experiment's phase boundary). */
  async traceMark(runId: number, text: string): Promise<void> {
    const t = this.active.get(runId)?.trace;
    if (!t?.capture) return;
    await t.capture.mark(text).catch((e: unknown) => {
      t.markFailed ??= `the phase marker "${text}" could not be written (${e instanceof Error ? e.message : e}): the calls' phases may be wrong`;
    });
  }

  private async collectTrace(run: ActiveRun): Promise<void> {
    const t = run.trace;
    if (!t?.capture || t.collecting || run.writer.hostT0 === undefined) return;
    t.collecting = true;
    try {
      const r = await t.capture.collect((s) => run.writer.msOf(s));
      run.live.calls.push(...r.calls);
    } catch {
      // A collect that fails is retried at the next tick; the end collects everything left.
    } finally {
      t.collecting = false;
    }
  }

  private async stopTrace(run: ActiveRun): Promise<void> {
    const t = run.trace;
    if (!t) return;
    await t.starting;
    if (t.timer) clearInterval(t.timer);
    while (t.collecting) await new Promise((r) => setTimeout(r, 20));
    let summary: TraceSummary;
    if (t.capture) {
      const r = await t.capture.stop((s) => run.writer.msOf(s));
      run.live.calls.push(...r.calls);
      summary = { ...r.summary, kept: r.summary.calls, reason: t.markFailed ?? r.summary.reason };
    } else {
      summary = { status: 'missing', reason: t.missing ?? 'the trace did not start', events: [], calls: 0, kept: 0, overrun: 0, dropped: 0, malformed: 0, runId: run.runId };
    }
    this.repo.setMeta(run.runId, { trace: summary });
  }

  /** How a run's trace went (null: the run had none). */
  traceOf(runId: number): TraceSummary | null {
    return this.repo.traceMeta(runId);
  }

  private onFrame(run: ActiveRun, f: Frame): void {
    // A loaded host (or a slow reader here) can deliver frames past the duration in one chunk,
    // before the stop reaches the sampler: the run is durationS of samples, no more.
    if (run.durationReached) return;
    const first = run.writer.hostT0 === undefined;
    const t = run.writer.addFrame(f);
    run.lastFrame = { t: f.t, wall: Date.now() };
    if (first) {
      this.repo.setRunHost(run.runId, f.t, run.info.clock !== 'n' ? '/proc/uptime (10 ms)' : run.info.sampler === 'c' ? 'CLOCK_MONOTONIC (ns, clock_gettime)' : 'CLOCK_MONOTONIC (ns, /proc/timer_list)', run.info.kernel ?? null);
      for (const r of run.pendingKmsg.splice(0)) this.onKernelLog(run, r);
    }
    // Live view: every counter (a counter picked in the view charts live), and only what changed
    // since the last point sent (the first point carries them all).
    const v: Record<string, number> = {};
    for (const [name, value] of f.values) {
      const c = run.writer.kindOf(name);
      let y = value;
      if (c.kind === 'counter') {
        const prev = run.live.prev.get(name);
        const cum = (run.live.cum.get(name) ?? 0) + (prev === undefined ? 0 : value >= prev ? value - prev : value);
        run.live.prev.set(name, value);
        run.live.cum.set(name, cum);
        y = cum;
      }
      if (run.live.sent.get(name) !== y) {
        v[name] = y;
        run.live.sent.set(name, y);
      }
    }
    run.live.points.push({ t: t / 1000, v });
    if (run.durationS !== undefined && t / 1000 >= run.durationS) {
      run.durationReached = true;
      this.requestStop(run, 'completed', null);
    }
  }

  private onKernelLog(run: ActiveRun, r: KernelLogRecord): void {
    if (run.writer.hostT0 === undefined) {
      run.pendingKmsg.push(r);
      return;
    }
    const match = classifyKernelLine(r.text);
    if (!match) {
      run.otherKernelLines++;
      return;
    }
    this.addEvent(run, 'kernel-log', r.text, match, Math.max(0, run.writer.msOf(r.t)));
  }

  private addEvent(run: ActiveRun, kind: RunEvent['kind'], text: string, severity: string | null, tMs?: number): RunEvent {
    const e = this.repo.addEvent(run.runId, tMs ?? this.nowMs(run), kind, text, severity ? { severity } : {});
    run.live.events.push(e);
    return e;
  }

  /** The run's clock now, estimated from the last frame (for markers the lab itself makes). */
  private nowMs(run: ActiveRun): number {
    if (!run.lastFrame) return 0;
    return Math.max(0, run.writer.msOf(run.lastFrame.t) + (Date.now() - run.lastFrame.wall));
  }

  private tick(run: ActiveRun): void {
    try {
      run.writer.flush();
    } catch (e) {
      this.requestStop(run, 'crashed', `could not store samples: ${e instanceof Error ? e.message : e}`);
    }
    this.push(run);
  }

  private push(run: ActiveRun): void {
    if (!run.live.points.length && !run.live.events.length && !run.live.calls.length) return;
    const calls = run.live.calls.splice(0);
    this.deps.emit('telemetry.samples', { runId: run.runId, points: run.live.points.splice(0), events: run.live.events.splice(0), ...(calls.length ? { calls } : {}) });
  }

  private requestStop(run: ActiveRun, status: EndStatus, reason: string | null): void {
    if (run.requested) return;
    run.requested = { status, reason };
    run.abort.abort();
  }

  private end(run: ActiveRun, status: EndStatus, reason: string | null): RunSummary {
    clearInterval(run.timer);
    if (run.wallTimer) clearTimeout(run.wallTimer);
    run.parser.end();
    const final = run.requested ?? { status, reason };
    try {
      run.writer.flush();
    } catch (e) {
      final.status = 'crashed';
      final.reason = `could not store the last samples: ${e instanceof Error ? e.message : e}`;
    }
    this.push(run);
    this.repo.setMeta(run.runId, {
      sampler: { ...run.info, otherKernelLogLines: String(run.otherKernelLines), clockNudges: String(run.writer.clockNudges) },
      parse: { ...run.parser.stats, unknownCounters: [...run.writer.unknownCounters].sort() },
    });
    this.repo.finishRun(run.runId, final.status, final.reason);
    this.active.delete(run.runId);
    run.channel?.close('the sampling run ended');
    this.deps.emit('runs.changed', { runId: run.runId, status: final.status });
    return this.repo.get(run.runId);
  }

  /** Stops a run and resolves once it is stored and closed. */
  async stop(runId: number, status: EndStatus = 'stopped-by-user', reason: string | null = null): Promise<RunSummary> {
    const run = this.active.get(runId);
    if (!run) return this.repo.get(runId);
    this.requestStop(run, status, reason);
    return run.done;
  }

  /** Resolves when a run ends (at once if it already has). */
  async whenDone(runId: number): Promise<RunSummary> {
    const run = this.active.get(runId);
    return run ? run.done : this.repo.get(runId);
  }

  /** A marker (knob change, workload phase, note) on every active run of a host. */
  mark(target: string, kind: 'knob' | 'phase' | 'note', text: string): number[] {
    const out: number[] = [];
    for (const run of this.active.values()) {
      if (run.target !== target) continue;
      this.addEvent(run, kind, text, null);
      out.push(run.runId);
    }
    return out;
  }

  /**
   * The host's kernel crashed (a panic or oops seen on its console): every run on it ends
   * 'crashed', with the console text around the crash kept as a kernel-log event.
   */
  hostCrashed(target: string, crash: { kind: string; message: string; text: string }): number[] {
    const ended: number[] = [];
    for (const run of this.active.values()) {
      if (run.target !== target) continue;
      this.addEvent(run, 'kernel-log', crash.text, crash.kind);
      this.requestStop(run, 'crashed', `the guest kernel crashed: ${crash.message}`);
      ended.push(run.runId);
    }
    // The console report comes a moment after the crash (it waits for the lines that follow),
    // so a run may already have ended 'host-lost' when its channel died: that was the crash.
    const since = Date.now() - 60_000;
    for (const r of this.repo.list({ target, limit: 20 })) {
      if (ended.includes(r.id) || r.status !== 'host-lost' || !r.endedAt || Date.parse(r.endedAt) < since) continue;
      this.repo.addEvent(r.id, Math.round((r.lastT ?? 0) * 1000), 'kernel-log', crash.text, { severity: crash.kind });
      this.repo.setStatus(r.id, 'crashed', `the guest kernel crashed: ${crash.message}`);
      this.deps.emit('runs.changed', { runId: r.id, status: 'crashed' });
      ended.push(r.id);
    }
    return ended;
  }

  /** How many runs are sampling now (what closing the lab will end). */
  activeCount(): number {
    return this.active.size;
  }

  /** The lab is closing: runs still sampling end as interrupted, with why. */
  async close(): Promise<void> {
    await Promise.all([...this.active.values()].map((r) => this.stop(r.runId, 'interrupted', 'the lab was closed while sampling').catch(() => undefined)));
  }
}
