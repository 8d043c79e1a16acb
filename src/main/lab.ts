import { StringDecoder } from 'node:string_decoder';
import { randomBytes } from 'node:crypto';
import {
  LabApiError,
  parseLabParams,
  type LabEvent,
  type LabEventPayload,
  type LabMethod,
  type LabResult,
  labMethods,
} from '../shared/api/labApi';
import { formatHostTarget, parseHostTarget, TargetError } from '../shared/hostTarget';
import type { HostFacts } from '../shared/hostFacts';
import { HostSession } from './hosts/hostSession';
import { hostHandlers } from './hosts/handlers';
import { TranscriptsRepo } from './store/transcriptsRepo';
import { openTransport } from './hosts/openTransport';
import { probeHost } from './hosts/probe';
import type { ByteStream, Transport } from './hosts/transport';
import { HostsRepo } from './store/hostsRepo';
import { KnobService } from './knobs/knobService';
import { KnobJournalRepo } from './knobs/journalRepo';
import { knobHandlers } from './knobs/handlers';
import { simHandlers } from './sim/handlers';
import { VariantsRepo } from './sim/variantsRepo';
import type { DeclaredModel } from './experiments/runExperiment';
import { modelRefSpec } from '../shared/sim/behaviours';
import { ExperimentService } from './experiments/experimentService';
import { experimentHandlers } from './experiments/handlers';
import { registerTestboxTransport } from './testbox/register';
import { testboxHandlers } from './testbox/handlers';
import { kernelBuildHandlers } from './kernelBuild/handlers';
import { readDescriptor, testboxReboot } from './testbox';
import { processIdentity } from './knobs/owner';
import type { KnobRestoreResult } from '../shared/knobs/api';
import { openDb, type Db } from './store/store';
import type { z } from 'zod';
import { TelemetryService } from './telemetry/service';
import { telemetryHandlers } from './telemetry/handlers';
import { isOwnerAlive } from './knobs/owner';
import { recoverTracing } from './trace/traceRecovery';

export type LabShell = 'electron' | 'headless';
export type LabListener = <E extends LabEvent>(event: E, payload: LabEventPayload<E>) => void;

export interface LabOptions {
  dbPath: string;
  shell: LabShell;
  nativeBinding?: string;
  version?: string;
  /**
   * Knob settings. `autoRestore` (default true, or $NUMA_LAB_KNOBS_AUTORESTORE=0): at start,
   * restore the local host's knobs left changed by a lab that died; other hosts are offered
   * (knobs.pending). `mountDebugfs` (default true): mount debugfs to reach the scan tunables.
   */
  knobs?: { autoRestore?: boolean; mountDebugfs?: boolean };
}

type Handlers = { [M in LabMethod]: (params: z.output<(typeof labMethods)[M]['params']>) => Promise<LabResult<M>> };

/**
 * The lab: the Node-side composition root behind LabApi. Both shells (Electron main, headless
 * server) and the CLI drive this one object; nothing here imports electron.
 */
export class Lab {
  readonly db: Db;
  readonly hosts: HostsRepo;
  /** Model variants saved by name (a preset and switches over it). */
  readonly variants: VariantsRepo;
  readonly transcripts: TranscriptsRepo;
  private readonly sessions = new Map<string, Promise<HostSession>>();
  private readonly terminals = new Map<string, { stream: ByteStream; target: string }>();
  private readonly listeners = new Set<LabListener>();
  private closed = false;
  readonly knobs: KnobService;
  /** The start-up recovery of knobs a dead lab left changed (see KnobService.recoverUnrestored). */
  readonly knobRecovery: Promise<{ restored: KnobRestoreResult[]; offered: string[] }>;
  /** Sampling runs (issue 5); runs a dead lab left 'running' are marked interrupted here. */
  readonly telemetry: TelemetryService;
  /** The start-up recovery of tracefs instances a dead lab left on a host (local: at once; others when traced again). */
  readonly traceRecovery: Promise<Array<{ target: string; restored: boolean; error?: string }>>;
  /** Experiments (issue 7): knobs + sampling + workload + prediction, one per host at a time. */
  readonly experiments: ExperimentService;
  /** Kernel crashes hosts' consoles reported, by target, and the targets whose transport reports them. */
  private readonly crashes = new Map<string, { kind: string; message: string; text: string; at: Date }>();
  private readonly crashReporting = new Set<string>();

  constructor(readonly opts: LabOptions) {
    registerTestboxTransport();
    this.db = openDb({ path: opts.dbPath, nativeBinding: opts.nativeBinding });
    this.hosts = new HostsRepo(this.db);
    this.variants = new VariantsRepo(this.db);
    this.transcripts = new TranscriptsRepo(this.db);
    this.knobs = new KnobService(new KnobJournalRepo(this.db), {
      mountDebugfs: opts.knobs?.mountDebugfs ?? true,
      owner: processIdentity(),
      session: (t) => this.session(t),
      onChanged: (target, origin, ids) => this.emit('knobs.changed', { target, origin, ids }),
    });
    const autoRestore = opts.knobs?.autoRestore ?? process.env.NUMA_LAB_KNOBS_AUTORESTORE !== '0';
    this.knobRecovery = this.knobs.recoverUnrestored((t) => autoRestore && t === 'local');
    this.knobRecovery.catch((e) => process.stderr.write(`numa-lab: could not restore knobs left changed by an earlier lab: ${e instanceof Error ? e.message : e}\n`));
    this.telemetry = new TelemetryService({
      db: this.db,
      session: (t) => this.session(t),
      emit: (e, p) => this.emit(e, p as never),
      owner: processIdentity() ?? `pid ${process.pid}`,
      isOwnerAlive,
    });
    this.traceRecovery = recoverTracing(this.telemetry.traces, (t) => this.session(t), (o) => o !== null && !isOwnerAlive(o), (t) => autoRestore && t === 'local');
    this.traceRecovery.then(
      (r) => {
        for (const x of r) if (!x.restored) process.stderr.write(`numa-lab: could not remove the tracefs instance an earlier lab left on ${x.target}: ${x.error ?? 'still busy'}\n`);
      },
      (e) => process.stderr.write(`numa-lab: could not recover tracing state: ${e instanceof Error ? e.message : e}\n`),
    );
    this.experiments = new ExperimentService(
      this.db,
      {
        session: (t) => this.session(t),
        probe: (t) => this.probe(t),
        knobs: this.knobs,
        telemetry: this.telemetry,
        crashOf: (t) => this.crashOf(t),
        modelOf: (t) => this.declaredModel(t),
        restartHost: (t) => this.restartHost(t),
      },
      (e: string, p: unknown) => this.emit(e as never, p as never),
      processIdentity() ?? `pid ${process.pid}`,
      isOwnerAlive,
    );
    // Knob changes become markers on the time axis of that host's running sample.
    this.subscribe((event, payload) => {
      if (event !== 'knobs.changed') return;
      const p = payload as { target: string; origin: string; ids: string[] };
      this.telemetry.mark(p.target, 'knob', `${p.ids.join(', ')} changed (${p.origin})`);
    });
  }

  subscribe(listener: LabListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit<E extends LabEvent>(event: E, payload: LabEventPayload<E>): void {
    for (const l of this.listeners) l(event, payload);
  }

  /** Validates and runs one LabApi request (the boundary both shells call). */
  async dispatch(method: unknown, rawParams: unknown): Promise<unknown> {
    const { method: m, params } = parseLabParams(method, rawParams);
    const handler = this.handlers[m] as (p: unknown) => Promise<unknown>;
    return handler(params);
  }

  /** The canonical key for a user-typed target; throws a TargetError naming the allowed forms. */
  static canonicalTarget(raw: string): string {
    return formatHostTarget(parseHostTarget(raw));
  }

  async session(rawTarget: string): Promise<HostSession> {
    if (this.closed) throw new LabApiError('the lab is shutting down', 'closed');
    let parsed;
    try {
      parsed = parseHostTarget(rawTarget);
    } catch (e) {
      if (e instanceof TargetError) throw new LabApiError(e.message, 'bad-target');
      throw e;
    }
    const key = formatHostTarget(parsed);
    let s = this.sessions.get(key);
    if (!s) {
      s = openTransport(parsed).then((t) => this.newHostSession(key, t));
      this.sessions.set(key, s);
      s.catch(() => this.sessions.delete(key));
    }
    return s;
  }

  /** A session with transcripts (redacted at password prompts) and `hosts.state` events. */
  private newHostSession(key: string, t: Transport): HostSession {
    const s = new HostSession(key, t, { transcript: (target) => this.transcripts.sink(target) });
    // A guest whose kernel panics: its runs end 'crashed' with the console text kept, and an
    // experiment running on it is told (crashOf).
    this.crashes.delete(key);
    if (t.onKernelCrash) this.crashReporting.add(key);
    t.onKernelCrash?.((crash) => {
      this.crashes.set(key, crash);
      this.knobs.kernelGone(key);
      this.telemetry.traces.kernelGone(key);
      this.telemetry.hostCrashed(key, crash);
    });
    s.onState((st) => this.emit('hosts.state', st));
    return s;
  }

  /** Closes and forgets a host's session (hosts.disconnect); its terminals end with it. */
  async dropSession(key: string): Promise<boolean> {
    const s = this.sessions.get(key);
    if (!s) return false;
    this.sessions.delete(key);
    await (await s.catch(() => undefined))?.close();
    return true;
  }

  /**
   * The kernel crash a host's console reported since its session opened. The console's report
   * follows a lost channel by about a second, so a host that reports crashes is waited for a
   * little; others answer at once.
   */
  async crashOf(rawTarget: string): Promise<{ kind: string; message: string; text: string; at: Date } | undefined> {
    const key = Lab.canonicalTarget(rawTarget);
    if (!this.crashReporting.has(key)) return undefined;
    for (let waited = 0; !this.crashes.has(key) && waited < 3000; waited += 100) await new Promise((r) => setTimeout(r, 100));
    return this.crashes.get(key);
  }

  /**
   * The model a host declares for itself: a virtual NUMA box booted with --variant, or with a
   * kernel whose build declared one (a patched tree is not its release). Other hosts: none, the
   * model follows their release.
   */
  declaredModel(rawTarget: string): DeclaredModel | undefined {
    const t = parseHostTarget(rawTarget);
    if (t.kind !== 'testbox') return undefined;
    const d = readDescriptor(t.name);
    if (!d || d.variantSource === 'release' || !d.variant) return undefined;
    const why = d.variantSource === 'flag' ? `${d.target} was booted with --variant ${d.variant}` : `the kernel build of ${d.target} declared ${d.variant}`;
    return { name: d.variant, ...(d.variantDefinition ? modelRefSpec(d.variantDefinition) : { kernel: d.variant }), why };
  }

  /**
   * Boots a host again after its kernel crashed, and opens a fresh session to it: a virtual
   * NUMA box is rebooted with the machine it had; other hosts cannot be (undefined: the
   * experiment stops at the crash).
   */
  async restartHost(rawTarget: string, log: (l: string) => void = () => {}): Promise<HostSession | undefined> {
    const t = parseHostTarget(rawTarget);
    if (t.kind !== 'testbox') return undefined;
    const key = formatHostTarget(t);
    // The next session starts with no crash recorded (newHostSession forgets it).
    await this.dropSession(key);
    await testboxReboot(t.name, log);
    return this.session(key);
  }

  async liveSessions(): Promise<HostSession[]> {
    const all = await Promise.all([...this.sessions.values()].map((s) => s.catch(() => undefined)));
    return all.filter((s): s is HostSession => s !== undefined);
  }

  async probe(rawTarget: string): Promise<HostFacts> {
    const session = await this.session(rawTarget);
    const facts = await probeHost(session);
    this.hosts.touch(session.target, facts);
    return facts;
  }

  private readonly handlers: Handlers = {
    'app.info': async () => ({ version: this.opts.version ?? '0.0.0', shell: this.opts.shell, dbPath: this.opts.dbPath }),
    'hosts.list': async () => this.hosts.list(),
    ...knobHandlers(() => this.knobs),
    ...simHandlers((e, p) => this.emit(e, p), () => this.variants),
    ...experimentHandlers(() => this.experiments, { dropSession: (t) => this.dropSession(t), emit: (label, message) => this.emit('experiments.abProgress', { label, message }) }),
    ...testboxHandlers((line) => this.emit('testbox.log', { line }), (t) => this.dropSession(t), (box) => this.emit('testbox.changed', box)),
    ...kernelBuildHandlers({ progress: (p) => this.emit('kernel.buildProgress', p), log: (line) => this.emit('kernel.buildLog', { line }) }),
    ...telemetryHandlers(
      () => this.telemetry,
      (t) => {
        try {
          return Lab.canonicalTarget(t);
        } catch (e) {
          throw e instanceof TargetError ? new LabApiError(e.message, 'bad-target') : e;
        }
      },
      (t) => this.session(t),
    ),
    ...hostHandlers(() => ({
      session: (t) => this.session(t),
      dropSession: (t) => this.dropSession(t),
      liveSessions: () => this.liveSessions(),
      canonical: (t) => {
        try {
          return Lab.canonicalTarget(t);
        } catch (e) {
          throw e instanceof TargetError ? new LabApiError(e.message, 'bad-target') : e;
        }
      },
    })),
    'hosts.probe': async ({ target }) => this.probe(target),
    'terminal.open': async ({ target, cols, rows }) => {
      const session = await this.session(target);
      const stream = await session.openTerminal(cols, rows);
      const terminalId = `t${randomBytes(6).toString('hex')}`;
      this.terminals.set(terminalId, { stream, target: session.target });
      // One decoder per terminal: a UTF-8 sequence split across pty reads must not be mangled.
      const decoder = new StringDecoder('utf8');
      stream.onData((chunk) => {
        const data = decoder.write(chunk);
        if (data) this.emit('terminal.output', { terminalId, data });
      });
      stream.onClose((reason) => {
        this.terminals.delete(terminalId);
        this.emit('terminal.exit', { terminalId, reason });
      });
      return { terminalId };
    },
    'terminal.input': async ({ terminalId, data }) => {
      this.terminal(terminalId).stream.write(data);
      return null;
    },
    'terminal.resize': async ({ terminalId, cols, rows }) => {
      this.terminal(terminalId).stream.resize?.(cols, rows);
      return null;
    },
    'terminal.close': async ({ terminalId }) => {
      this.terminals.get(terminalId)?.stream.close();
      this.terminals.delete(terminalId);
      return null;
    },
  };

  private terminal(id: string) {
    const t = this.terminals.get(id);
    if (!t) throw new LabApiError(`no open terminal ${id}`, 'not-found');
    return t;
  }

  /** What closing will do, in the user's words (shown while the desktop app quits). */
  closingSteps(): string[] {
    const steps: string[] = [];
    const experiments = this.experiments.runningTargets();
    if (experiments.length) steps.push(`stopping ${experiments.length === 1 ? 'the experiment' : `${experiments.length} experiments`} on ${[...new Set(experiments)].join(', ')}`);
    const sampling = this.telemetry.activeCount();
    if (sampling) steps.push(`ending ${sampling === 1 ? 'the telemetry run' : `${sampling} telemetry runs`} (kept as interrupted)`);
    for (const [target, ids] of this.knobs.ownedChanges()) steps.push(`restoring ${ids.length === 1 ? ids[0] : `${ids.length} knobs`} on ${target}`);
    steps.push('closing host sessions');
    return steps;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.emit('app.closing', { steps: this.closingSteps() });
    // Knobs this lab changed and still holds go back before its sessions close.
    await this.experiments.close();
    await this.telemetry.close();
    await this.knobRecovery.catch(() => undefined);
    await this.traceRecovery.catch(() => undefined);
    await this.knobs.restoreOwned().catch((e) => process.stderr.write(`numa-lab: could not restore knobs on close: ${e instanceof Error ? e.message : e}\n`));
    if (this.closed) return;
    this.closed = true;
    for (const t of this.terminals.values()) t.stream.close();
    this.terminals.clear();
    for (const s of this.sessions.values()) await (await s.catch(() => undefined))?.close();
    this.sessions.clear();
    this.transcripts.flush();
    this.db.close();
  }
}
