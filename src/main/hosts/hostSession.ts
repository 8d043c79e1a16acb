import { randomBytes } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
import { ChannelError, CommandChannel, type ExecOptions, type ExecResult } from './commandChannel';
import { detectPrivilege, sudoShellLine, type Privilege } from './privilege';
import { findPrompt } from './prompts';
import { TranscriptRecorder, type TranscriptSink } from './transcript';
import type { ByteStream, Transport } from './transport';

/**
 * connecting → ready; needs-input while a prompt waits for the user; lost when the host stopped
 * answering; closed once the lab ended the session (its last event: listeners learn the session
 * is gone, e.g. the app stops showing a box that was powered off).
 */
export type HostState = 'connecting' | 'ready' | 'needs-input' | 'lost' | 'closed';

export interface HostStatus {
  target: string;
  state: HostState;
  /** When the state last changed (ISO). */
  since: string;
  /** Why it is lost (or why connecting failed). */
  reason: string | null;
  /** The question waiting in the terminal tab (needs-input). */
  prompt: string | null;
  /** What the host printed last before it was lost. */
  lastLines: string[];
  privilege: Privilege | null;
  autoReconnect: boolean;
  reconnectAttempts: number;
  nextReconnectAt: string | null;
}

export interface HostSessionOptions {
  /** Idle keepalive period on the command channel (a `:`), and how long its answer may take. */
  keepaliveIntervalMs?: number;
  keepaliveTimeoutMs?: number;
  autoReconnect?: boolean;
  /** Backoff between automatic reconnects: doubles from min to max. */
  backoffMinMs?: number;
  backoffMaxMs?: number;
  /** Where terminal transcripts go (redacted at password prompts). */
  transcript?: (target: string) => TranscriptSink;
}

/** Printable lines of what a channel printed last, without the channel's frames and stderr blobs. */
function printableLines(raw: Buffer, n = 8): string[] {
  return raw
    .toString('utf8')
    .replace(/\x1e[BEZR][^\x1e]{0,64}\x1e/g, '\n')
    .replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '')
    .replace(/[^\x20-\x7e\n\t]/g, '')
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() && !/^[A-Za-z0-9+/=]{24,}$/.test(l))
    .slice(-n);
}

interface OpenTerminal {
  deliver(chunk: Buffer): void;
}

/**
 * One host the lab is connected to: its transport, the primary command channel (with a
 * keepalive that notices a dead host within seconds), dedicated channels for long-running
 * streams, a root channel when the host needs sudo, and the terminal tabs shown to the user.
 * Callers never see which kind of host it is.
 */
export class HostSession {
  private primary: CommandChannel | undefined;
  private connecting: Promise<CommandChannel> | undefined;
  private root: Promise<CommandChannel> | undefined;
  private readonly extra = new Set<CommandChannel>();
  private readonly terminals = new Set<OpenTerminal>();
  private readonly stateListeners = new Set<(s: HostStatus) => void>();
  private status: HostStatus;
  private tail = Buffer.alloc(0);
  private inflight = 0;
  private lastActivity = 0;
  private keepaliveBusy = false;
  private keepaliveTimer: ReturnType<typeof setInterval> | undefined;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  /** A lab-owned stream waiting at a prompt (sudo): the terminal tabs show it and type into it. */
  private promptRoute: { stream: ByteStream; early: Buffer[] } | undefined;
  private readonly opts: Required<Omit<HostSessionOptions, 'transcript'>> & Pick<HostSessionOptions, 'transcript'>;

  constructor(
    readonly target: string,
    readonly transport: Transport,
    opts: HostSessionOptions = {},
  ) {
    this.opts = {
      keepaliveIntervalMs: opts.keepaliveIntervalMs ?? 1000,
      keepaliveTimeoutMs: opts.keepaliveTimeoutMs ?? 2000,
      autoReconnect: opts.autoReconnect ?? false,
      backoffMinMs: opts.backoffMinMs ?? 1000,
      backoffMaxMs: opts.backoffMaxMs ?? 30000,
      transcript: opts.transcript,
    };
    this.status = {
      target,
      state: 'connecting',
      since: new Date().toISOString(),
      reason: null,
      prompt: null,
      lastLines: [],
      privilege: null,
      autoReconnect: this.opts.autoReconnect,
      reconnectAttempts: 0,
      nextReconnectAt: null,
    };
  }

  get state(): HostState {
    return this.status.state;
  }

  get privilege(): Privilege | null {
    return this.status.privilege;
  }

  getStatus(): HostStatus {
    return { ...this.status, lastLines: [...this.status.lastLines] };
  }

  onState(listener: (s: HostStatus) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  setAutoReconnect(on: boolean): void {
    this.opts.autoReconnect = on;
    this.update({ autoReconnect: on });
    if (on && this.status.state === 'lost' && !this.reconnectTimer) this.scheduleReconnect();
    if (!on && this.reconnectTimer) {
      clearTimeout(this.reconnectTimer);
      this.reconnectTimer = undefined;
      this.update({ nextReconnectAt: null });
    }
  }

  private update(patch: Partial<HostStatus>): void {
    const stateChanged = patch.state !== undefined && patch.state !== this.status.state;
    this.status = { ...this.status, ...patch, ...(stateChanged ? { since: new Date().toISOString() } : {}) };
    const s = this.getStatus();
    for (const l of this.stateListeners) l(s);
  }

  /** Connects (or returns the live connection): transport, primary channel, privilege. */
  connect(): Promise<void> {
    return this.channel().then(() => undefined);
  }

  private channel(): Promise<CommandChannel> {
    if (this.closed) return Promise.reject(new ChannelError(`the session to ${this.target} was closed`, 'closed'));
    if (this.primary?.isOpen) return Promise.resolve(this.primary);
    if (!this.connecting) {
      const p = this.open();
      this.connecting = p;
      p.then(
        () => (this.connecting = undefined),
        () => (this.connecting = undefined),
      );
    }
    return this.connecting;
  }

  private async open(): Promise<CommandChannel> {
    this.update({ state: 'connecting', reason: null, prompt: null });
    try {
      await this.transport.connect?.({
        onNeedsInput: (prompt) => this.update({ state: 'needs-input', prompt }),
        onInputGiven: () => this.update({ state: 'connecting', prompt: null }),
      });
      const stream = await this.transport.openChannelStream();
      stream.onData((c) => {
        this.tail = Buffer.concat([this.tail, c]).subarray(-4096);
      });
      const ch = await CommandChannel.open(stream);
      const privilege = await detectPrivilege(ch);
      if (this.closed) {
        ch.close('the host session was closed');
        throw new ChannelError(`the session to ${this.target} was closed`, 'closed');
      }
      this.primary = ch;
      ch.onClose((reason) => {
        if (this.primary === ch) this.lose(reason);
      });
      this.lastActivity = Date.now();
      this.update({ state: 'ready', privilege, prompt: null, reason: null, reconnectAttempts: 0, nextReconnectAt: null });
      this.startKeepalive();
      return ch;
    } catch (e) {
      if (!this.closed) this.lose(e instanceof Error ? e.message : String(e));
      throw e;
    }
  }

  /** The host stopped answering: fail everything in flight, keep why and what it printed last. */
  private lose(reason: string): void {
    if (this.closed) return;
    this.stopKeepalive();
    const ch = this.primary;
    this.primary = undefined;
    this.root = undefined;
    this.update({ state: 'lost', reason, prompt: null, lastLines: printableLines(this.tail) });
    ch?.close(reason);
    for (const c of this.extra) c.close(reason);
    this.extra.clear();
    void this.transport.reset?.().catch(() => undefined);
    if (this.opts.autoReconnect) this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    const n = this.status.reconnectAttempts;
    const delay = Math.min(this.opts.backoffMaxMs, this.opts.backoffMinMs * 2 ** n);
    this.update({ nextReconnectAt: new Date(Date.now() + delay).toISOString() });
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.update({ reconnectAttempts: n + 1, nextReconnectAt: null });
      this.channel().catch(() => undefined); // a failure lands in lose(), which schedules the next try
    }, delay);
    this.reconnectTimer.unref?.();
  }

  /** Reconnects now (the user asked): drops what is left of the old connection first. */
  async reconnect(): Promise<void> {
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    if (this.primary?.isOpen) return;
    if (!this.connecting) await this.transport.reset?.().catch(() => undefined);
    this.update({ reconnectAttempts: 0, nextReconnectAt: null });
    await this.connect();
  }

  private startKeepalive(): void {
    this.stopKeepalive();
    this.keepaliveTimer = setInterval(() => this.keepalive(), Math.max(100, this.opts.keepaliveIntervalMs / 4));
    this.keepaliveTimer.unref?.();
  }

  private stopKeepalive(): void {
    if (this.keepaliveTimer) clearInterval(this.keepaliveTimer);
    this.keepaliveTimer = undefined;
  }

  /** A cheap `:` when the channel has been idle for a while; no answer in time = the host is lost. */
  private keepalive(): void {
    const ch = this.primary;
    if (!ch || this.keepaliveBusy || this.inflight > 0 || this.status.state !== 'ready') return;
    if (Date.now() - this.lastActivity < this.opts.keepaliveIntervalMs) return;
    this.keepaliveBusy = true;
    const limit = this.opts.keepaliveTimeoutMs;
    const timer = setTimeout(() => {
      if (this.primary === ch) this.lose(`the host did not answer a keepalive within ${limit} ms (host down, network cut or shell hung)`);
    }, limit);
    ch.exec(':').then(
      () => {
        clearTimeout(timer);
        this.lastActivity = Date.now();
        this.keepaliveBusy = false;
      },
      () => {
        clearTimeout(timer);
        this.keepaliveBusy = false;
      },
    );
  }

  private lostError(): ChannelError {
    return new ChannelError(`host ${this.target} is lost: ${this.status.reason ?? 'unknown reason'}; reconnect to use it again`, 'closed');
  }

  /** Runs a lab command on the host (queued behind others on the primary channel). */
  async exec(script: string, opts?: ExecOptions): Promise<ExecResult> {
    if (this.status.state === 'lost' && !this.connecting) throw this.lostError();
    return this.track((await this.channel()).exec(script, opts));
  }

  private async track<T>(p: Promise<T>): Promise<T> {
    this.inflight++;
    try {
      return await p;
    } finally {
      this.inflight--;
      this.lastActivity = Date.now();
    }
  }

  /** Like exec, but a non-zero status becomes an error carrying stderr. */
  async run(script: string, opts?: ExecOptions): Promise<string> {
    const r = await this.exec(script, opts);
    if (r.code !== 0) {
      const first = script.split('\n')[0];
      throw new Error(`command failed on ${this.target} (status ${r.code}): ${r.stderr.trim() || '(no stderr)'} [${first.length > 80 ? `${first.slice(0, 80)}…` : first}]`);
    }
    return r.stdout;
  }

  /** Runs a script as root through the path the host allows (see privilege.ts). */
  async execAsRoot(script: string, opts?: ExecOptions): Promise<ExecResult> {
    if (this.status.state === 'lost' && !this.connecting) throw this.lostError();
    const primary = await this.channel();
    const p = this.status.privilege;
    if (p === 'root') return this.track(primary.exec(script, opts));
    if (p === 'none' || p === null) throw new Error(`${this.target}: this needs root, and the login user is not root and has no sudo`);
    if (!this.root) {
      const opening = this.openRootChannel(p === 'sudo-password');
      this.root = opening;
      opening.catch(() => {
        if (this.root === opening) this.root = undefined;
      });
    }
    return this.track((await this.root).exec(script, opts));
  }

  /**
   * A channel whose shell is `sudo /bin/sh`. With a password, sudo's prompt is routed to the
   * host's terminal tabs (state needs-input) and the user's keystrokes to sudo: the lab never
   * holds the password.
   */
  private async openRootChannel(withPassword: boolean): Promise<CommandChannel> {
    const stream = await this.transport.openChannelStream();
    const a = `R${randomBytes(4).toString('hex')}`;
    const b = randomBytes(4).toString('hex');
    const marker = `${a}-${b}`;
    const route = { stream, early: [] as Buffer[] };
    await new Promise<void>((resolve, reject) => {
      let seen = '';
      let routed = false;
      const sub = stream.onData((c) => {
        seen = (seen + c.toString('utf8')).slice(-4096);
        if (routed) {
          for (const t of this.terminals) t.deliver(c);
          if (!this.terminals.size) route.early.push(c);
        }
        if (seen.includes(marker)) {
          done();
          resolve();
          return;
        }
        const prompt = findPrompt(seen);
        if (prompt && withPassword && !routed) {
          routed = true;
          this.promptRoute = route;
          const shown = Buffer.from(`\r\n${prompt} `);
          for (const t of this.terminals) t.deliver(shown);
          if (!this.terminals.size) route.early.push(shown);
          this.update({ state: 'needs-input', prompt });
        }
        if (/Sorry, try again|incorrect password attempts|a password is required|not in the sudoers/i.test(seen) && !prompt) {
          const failed = /incorrect password attempts|a password is required|not in the sudoers/i.test(seen);
          if (failed) {
            done();
            reject(new Error(`${this.target}: sudo refused: ${seen.replace(/[^\x20-\x7e\n]/g, '').trim().split('\n').slice(-1)[0]}`));
          }
        }
      });
      const closeSub = stream.onClose((reason) => {
        done();
        reject(new Error(`${this.target}: the root shell ended before sudo let it in: ${reason}`));
      });
      const done = () => {
        sub.dispose();
        closeSub.dispose();
        if (this.promptRoute === route) {
          this.promptRoute = undefined;
          if (this.status.state === 'needs-input') this.update({ state: 'ready', prompt: null });
        }
      };
      stream.write(sudoShellLine(a, b, withPassword));
    });
    const ch = await CommandChannel.open(stream);
    this.extra.add(ch);
    ch.onClose(() => {
      this.extra.delete(ch);
      if (this.root && this.extra.has(ch) === false) this.root = undefined;
    });
    return ch;
  }

  /** A channel of its own, for a command that runs for long (the sampler) without blocking others. */
  async openDedicatedChannel(): Promise<CommandChannel> {
    await this.channel();
    const ch = await CommandChannel.open(await this.transport.openChannelStream());
    this.extra.add(ch);
    ch.onClose(() => this.extra.delete(ch));
    return ch;
  }

  /**
   * A terminal tab. For ssh the first one is the login session where ssh asks for passwords
   * and host keys; a sudo prompt of the lab's root channel is shown in every open tab. What
   * the user types at a password prompt is kept out of the transcript.
   */
  async openTerminal(cols: number, rows: number): Promise<ByteStream> {
    if (!this.connecting && !this.primary?.isOpen && this.status.state !== 'lost') this.channel().catch(() => undefined);
    const s = await this.transport.openTerminalStream(cols, rows);
    return this.wrapTerminal(s);
  }

  private wrapTerminal(s: ByteStream): ByteStream {
    const listeners = new Set<(c: Buffer) => void>();
    let early: Buffer[] | undefined = [];
    const rec = this.opts.transcript ? new TranscriptRecorder(this.opts.transcript(this.target)) : undefined;
    const dec = new StringDecoder('utf8');
    const term: OpenTerminal = {
      deliver: (c) => {
        rec?.output(dec.write(c));
        if (early) early.push(c);
        else for (const l of listeners) l(c);
      },
    };
    this.terminals.add(term);
    if (this.promptRoute?.early.length) for (const c of this.promptRoute.early.splice(0)) term.deliver(c);
    s.onData((c) => term.deliver(c));
    s.onClose(() => this.terminals.delete(term));
    return {
      write: (d) => {
        rec?.input(typeof d === 'string' ? d : Buffer.from(d).toString('utf8'));
        (this.promptRoute?.stream ?? s).write(d);
      },
      onData: (l) => {
        listeners.add(l);
        const first = early;
        early = undefined;
        if (first) for (const c of first) l(c);
        return { dispose: () => listeners.delete(l) };
      },
      onClose: (l) => s.onClose(l),
      resize: (c, r) => s.resize?.(c, r),
      close: () => {
        this.terminals.delete(term);
        s.close();
      },
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopKeepalive();
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.update({ state: 'closed', reason: 'the lab closed its session to this host', prompt: null, nextReconnectAt: null });
    this.stateListeners.clear();
    const p = this.primary;
    this.primary = undefined;
    p?.close('the host session was closed');
    for (const ch of this.extra) ch.close('the host session was closed');
    await this.transport.close();
  }
}
