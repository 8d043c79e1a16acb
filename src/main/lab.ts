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
import { openTransport } from './hosts/openTransport';
import { probeHost } from './hosts/probe';
import type { ByteStream } from './hosts/transport';
import { HostsRepo } from './store/hostsRepo';
import { openDb, type Db } from './store/store';
import type { z } from 'zod';

export type LabShell = 'electron' | 'headless';
export type LabListener = <E extends LabEvent>(event: E, payload: LabEventPayload<E>) => void;

export interface LabOptions {
  dbPath: string;
  shell: LabShell;
  nativeBinding?: string;
  version?: string;
}

type Handlers = { [M in LabMethod]: (params: z.output<(typeof labMethods)[M]['params']>) => Promise<LabResult<M>> };

/**
 * The lab: the Node-side composition root behind LabApi. Both shells (Electron main, headless
 * server) and the CLI drive this one object; nothing here imports electron.
 */
export class Lab {
  readonly db: Db;
  readonly hosts: HostsRepo;
  private readonly sessions = new Map<string, Promise<HostSession>>();
  private readonly terminals = new Map<string, { stream: ByteStream; target: string }>();
  private readonly listeners = new Set<LabListener>();
  private closed = false;

  constructor(readonly opts: LabOptions) {
    this.db = openDb({ path: opts.dbPath, nativeBinding: opts.nativeBinding });
    this.hosts = new HostsRepo(this.db);
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
      s = openTransport(parsed).then((t) => new HostSession(key, t));
      this.sessions.set(key, s);
      s.catch(() => this.sessions.delete(key));
    }
    return s;
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

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.terminals.values()) t.stream.close();
    this.terminals.clear();
    for (const s of this.sessions.values()) await (await s.catch(() => undefined))?.close();
    this.sessions.clear();
    this.db.close();
  }
}
