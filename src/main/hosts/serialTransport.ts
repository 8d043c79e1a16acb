import { connect, type Socket } from 'node:net';
import type { ByteStream, Transport } from './transport';
import { PRINTK_PREFIX } from '../../shared/experiments/oops';

/**
 * A host reached through serial ports exposed by QEMU as unix sockets (the virtual NUMA box):
 *   console  ttyS0: the kernel console and the user's interactive shell (the terminal pane);
 *            the lab stays connected to it from the start, to watch for panics and oopses;
 *   channels ttyS1, ttyS2: plain shells, one per command channel (so at most two at once);
 *   admin    ttyS3: a shell the transport uses only to kill whatever a previous channel left on
 *            a port (`numalab-reset-port ttySn`, from the box's initramfs), so every channel
 *            starts on a fresh shell.
 *
 * A serial port has no hangup: when the lab drops a socket the guest's shell (or a command
 * loop a CommandChannel left there, and what it runs) keeps running. That is why a channel
 * port is reset before it is handed out.
 *
 * QEMU's socket chardev serves one client at a time; a second lab connecting to the same box
 * waits until the first lets go.
 */

// ---------------------------------------------------------------------------------------------
// Kernel crash detection (pure)

export type CrashKind = 'panic' | 'bug' | 'oops' | 'gpf' | 'rip';

export interface CrashMatch {
  kind: CrashKind;
  /** The console line, without its printk timestamp. */
  message: string;
}

const CRASH_PATTERNS: Array<[CrashKind, RegExp]> = [
  ['panic', /Kernel panic - not syncing/],
  ['bug', /^BUG: |kernel BUG at /],
  ['gpf', /general protection fault/],
  ['oops', /^Oops: |\bOops\b/],
  ['rip', /^RIP: /],
];

/**
 * Whether one console line is the kernel reporting a crash. Only printk lines count (they carry
 * a timestamp), so the user typing `echo BUG:` in the same console never trips it.
 * `\r` (ttys print `\r\r\n`) must already be gone; see splitConsoleLines.
 */
export function detectKernelCrash(line: string): CrashMatch | undefined {
  const m = PRINTK_PREFIX.exec(line);
  if (!m) return undefined;
  const message = line.slice(m[0].length);
  for (const [kind, re] of CRASH_PATTERNS) if (re.test(message)) return { kind, message };
  return undefined;
}

/** Splits console text into complete lines (any of \n, \r\n, \r\r\n), returning the unfinished rest. */
export function splitConsoleLines(pending: string, chunk: string): { lines: string[]; rest: string } {
  const parts = (pending + chunk).split('\n');
  const rest = parts.pop() ?? '';
  return { lines: parts.map((l) => l.replace(/\r+$/, '').replace(/^\r+/, '')), rest };
}

export interface KernelCrash extends CrashMatch {
  /** The console lines around it: what came before, the crash, and what followed within a second. */
  text: string;
  at: Date;
}

// ---------------------------------------------------------------------------------------------
// The transport

export interface SerialPortPath {
  /** The unix socket QEMU listens on for this port. */
  path: string;
  /** The guest's name for it, e.g. ttyS1. */
  tty: string;
}

export interface SerialTransportOptions {
  console: SerialPortPath;
  channels: SerialPortPath[];
  admin?: SerialPortPath;
  /** Console lines kept for `consoleTail()` and crash reports. */
  historyLines?: number;
  /** How long a reset port may take to show its fresh shell's marker. */
  resetTimeoutMs?: number;
}

type Listener<T> = (v: T) => void;

function subscribe<T>(set: Set<Listener<T>>, l: Listener<T>): { dispose(): void } {
  set.add(l);
  return { dispose: () => set.delete(l) };
}

export function connectUnix(path: string, timeoutMs = 5000): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(path);
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`no answer from the serial socket ${path} within ${timeoutMs} ms`));
    }, timeoutMs);
    s.once('connect', () => {
      clearTimeout(timer);
      s.removeAllListeners('error');
      s.on('error', () => {}); // a reset connection shows up as 'close', handled by the owner
      resolve(s);
    });
    s.once('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot connect to the serial socket ${path}: ${e.message}`));
    });
  });
}

const CURSOR_QUERY = '\x1b[6n';

export class SerialTransport implements Transport {
  private console: Socket | undefined;
  private starting: Promise<this> | undefined;
  private admin: Socket | undefined;
  private closed = false;
  private readonly history: string[] = [];
  private pendingLine = '';
  private crash: KernelCrash | undefined;
  private readonly consoleListeners = new Set<Listener<Buffer>>();
  private readonly crashListeners = new Set<Listener<KernelCrash>>();
  private readonly lostListeners = new Set<Listener<string>>();
  private readonly channelsInUse = new Map<string, Socket>();
  private readonly terminals = new Set<{ data: Set<Listener<Buffer>>; close: Set<Listener<string>> }>();

  constructor(
    readonly target: string,
    private readonly opts: SerialTransportOptions,
  ) {}

  /** Connects to the console; from then on panics and oopses are watched for. */
  start(): Promise<this> {
    // Memoized: concurrent callers share one console connection.
    this.starting ??= connectUnix(this.opts.console.path).then((s) => {
      this.console = s;
      s.on('data', (d: Buffer) => this.onConsoleData(d));
      s.on('error', () => {});
      s.on('close', () => this.handleLost());
      return this;
    });
    return this.starting;
  }

  /** Raw console output of ttyS0 (kernel messages and the user's shell). */
  onConsole(listener: Listener<Buffer>): { dispose(): void } {
    return subscribe(this.consoleListeners, listener);
  }

  /** A kernel panic, BUG, oops, GPF or RIP line seen on the console, with its context. */
  onCrash(listener: Listener<KernelCrash>): { dispose(): void } {
    return subscribe(this.crashListeners, listener);
  }

  /** The console closed: the box was powered off, QEMU died, or the guest panicked (QEMU exits then). */
  /** The generic Transport hook for the same: the lab ends sampling runs as crashed. */
  onKernelCrash(listener: Listener<KernelCrash>): { dispose(): void } {
    return this.onCrash(listener);
  }

  onLost(listener: Listener<string>): { dispose(): void } {
    return subscribe(this.lostListeners, listener);
  }

  get lastCrash(): KernelCrash | undefined {
    return this.crash;
  }

  /** The last console lines, for "did not reach a shell" and "host lost" messages. */
  consoleTail(lines = 20): string[] {
    return this.history.slice(-lines);
  }

  private lostReason(): string {
    return this.crash ? `the guest kernel crashed: ${this.crash.message}` : `the serial console of ${this.target} closed (the box was powered off or QEMU exited)`;
  }

  private handleLost(): void {
    if (this.closed) return;
    const reason = this.lostReason();
    for (const l of this.lostListeners) l(reason);
    for (const t of this.terminals) for (const l of t.close) l(reason);
    this.terminals.clear();
  }

  private onConsoleData(d: Buffer): void {
    for (const l of this.consoleListeners) l(d);
    for (const t of this.terminals) for (const l of t.data) l(d);
    const { lines, rest } = splitConsoleLines(this.pendingLine, d.toString('utf8'));
    this.pendingLine = rest.length > 4096 ? rest.slice(-4096) : rest;
    for (const line of lines) {
      this.history.push(line);
      if (this.history.length > (this.opts.historyLines ?? 300)) this.history.shift();
      const m = detectKernelCrash(line);
      if (m && !this.crash) this.reportCrash(m);
    }
  }

  /** Waits a moment for the rest of the report (register dump, call trace) before telling anyone. */
  private reportCrash(m: CrashMatch): void {
    const from = Math.max(0, this.history.length - 40);
    const crash: KernelCrash = { ...m, text: '', at: new Date() };
    this.crash = crash;
    const emit = () => {
      crash.text = this.history.slice(from).join('\n');
      for (const l of this.crashListeners) l(crash);
    };
    let sent = false;
    const once = () => {
      if (!sent) {
        sent = true;
        emit();
      }
    };
    setTimeout(once, 1000).unref();
    this.console?.once('close', once);
  }

  async openTerminalStream(cols: number, rows: number): Promise<ByteStream> {
    // A serial line carries no window size (TIOCSWINSZ does not cross it), so the pane's size is
    // set on the guest's side of the port from the admin shell: `stty -F /dev/ttyS0 rows R cols C`
    // is TIOCSWINSZ there, and the kernel sends SIGWINCH to the terminal's foreground job, as a
    // pty would. (The pane's xterm answers busybox's cursor-position query, ESC[6n, itself.)
    await this.start();
    const setSize = (c: number, r: number) => {
      if (!this.opts.admin) return;
      const size = (v: number) => Math.max(2, Math.min(1000, Math.floor(Number(v) || 0)));
      this.adminSocket().then(
        (a) => a.write(`\x15stty -F /dev/${this.opts.console.tty} rows ${size(r)} cols ${size(c)}\n`),
        () => {},
      );
    };
    setSize(cols, rows);
    if (this.closed || this.console!.destroyed) throw new Error(this.lostReason());
    const entry = { data: new Set<Listener<Buffer>>(), close: new Set<Listener<string>>() };
    this.terminals.add(entry);
    const s = this.console!;
    return {
      write: (data) => {
        if (this.terminals.has(entry)) s.write(typeof data === 'string' ? data : Buffer.from(data));
      },
      onData: (l) => subscribe(entry.data, l),
      onClose: (l) => subscribe(entry.close, l),
      resize: (c, r) => {
        if (this.terminals.has(entry)) setSize(c, r);
      },
      close: () => {
        // The console connection stays: crash watching goes on without a pane.
        if (this.terminals.delete(entry)) for (const l of entry.close) l('the terminal was closed by the lab');
      },
    };
  }

  async openChannelStream(): Promise<ByteStream> {
    if (this.closed) throw new Error(`the transport to ${this.target} is closed`);
    await this.start();
    const port = this.opts.channels.find((p) => !this.channelsInUse.has(p.tty));
    if (!port) {
      throw new Error(
        `${this.target} has ${this.opts.channels.length} command channel ports (${this.opts.channels.map((p) => p.tty).join(', ')}) and all are in use; close a channel before opening another`,
      );
    }
    // Reserve before the first await, so two concurrent calls cannot take the same port.
    this.channelsInUse.set(port.tty, undefined as unknown as Socket);
    let s: Socket | undefined;
    try {
      s = await connectUnix(port.path);
      this.channelsInUse.set(port.tty, s);
      await this.resetPort(port, s);
    } catch (e) {
      // A port whose reset failed is let go: QEMU serves one client per port and queues the
      // next, so a socket kept open here would leave every later channel on it without output.
      s?.destroy();
      this.channelsInUse.delete(port.tty);
      throw e;
    }
    return this.channelStream(port, s);
  }

  /**
   * Kills what runs on the port (from the admin shell) and waits for init's fresh shell on it.
   * The admin script first prints a nonce on the port itself, then kills: only a readiness
   * marker after that nonce, on the same byte stream, comes from the fresh shell.
   */
  private async resetPort(port: SerialPortPath, s: Socket): Promise<void> {
    if (!this.opts.admin) return;
    const timeoutMs = this.opts.resetTimeoutMs ?? 30000;
    // QEMU registers a new client of a socket chardev from its main loop; under load, what the
    // guest writes before that is dropped — the ack with it — or comes late, after the attempt
    // gave up. A reset whose ack never came is therefore tried again (a fresh nonce each time,
    // so a late ack of an earlier attempt is never taken for this one's), three times in all.
    const shares = [0.3, 0.3, 0.4];
    let last: Error | undefined;
    for (const share of shares) {
      const r = await this.resetPortOnce(port, s, Math.round(timeoutMs * share));
      if (r.ok) return;
      if (r.ackSeen) throw r.error;
      last = r.error;
    }
    throw last!;
  }

  /**
   * Kills what runs on the port (from the admin shell) and waits for init's fresh shell on it.
   * The admin script first prints a nonce on the port itself, then kills: only a readiness
   * marker after that nonce, on the same byte stream, comes from the fresh shell.
   */
  private resetPortOnce(port: SerialPortPath, s: Socket, timeoutMs: number): Promise<{ ok: true } | { ok: false; ackSeen: boolean; error: Error }> {
    const nonce = Math.random().toString(36).slice(2, 10);
    const what = `resetting ${port.tty} of ${this.target}`;
    const ack = `NUMALAB reset ${port.tty} ${nonce}`;
    const marker = `NUMALAB ready ${port.tty}`;
    let seen = '';
    return new Promise((resolve) => {
      const timer = setTimeout(
        () =>
          finish({
            ok: false,
            ackSeen: seen.includes(ack),
            error: new Error(`${what}: the fresh shell did not show up within ${timeoutMs} ms (the admin shell on ttyS3 may be stuck); last output: ${JSON.stringify(seen.slice(-600))}`),
          }),
        timeoutMs,
      );
      const onPort = (d: Buffer) => {
        seen = (seen + d.toString('latin1')).slice(-8192);
        const at = seen.indexOf(ack);
        if (at >= 0 && seen.indexOf(marker, at + ack.length) >= 0) finish({ ok: true });
      };
      const onClose = () => finish({ ok: false, ackSeen: true, error: new Error(`${what}: the serial port closed`) });
      const finish = (r: { ok: true } | { ok: false; ackSeen: boolean; error: Error }) => {
        clearTimeout(timer);
        s.off('data', onPort);
        s.off('close', onClose);
        resolve(r);
      };
      s.on('data', onPort);
      s.on('close', onClose);
      this.adminSocket().then(
        // ^U drops anything half-typed on the admin line.
        (a) => a.write(`\x15numalab-reset-port ${port.tty} ${nonce}\n`),
        (e: Error) => finish({ ok: false, ackSeen: true, error: e }),
      );
    });
  }

  private async adminSocket(): Promise<Socket> {
    if (this.admin && !this.admin.destroyed) return this.admin;
    const s = await connectUnix(this.opts.admin!.path);
    s.on('data', () => {}); // keeps it flowing: its prompts are of no interest
    s.on('error', () => {});
    this.admin = s;
    return s;
  }

  private channelStream(port: SerialPortPath, s: Socket): ByteStream {
    const data = new Set<Listener<Buffer>>();
    const close = new Set<Listener<string>>();
    let open = true;
    const end = (reason: string) => {
      if (!open) return;
      open = false;
      this.channelsInUse.delete(port.tty);
      for (const l of close) l(reason);
    };
    s.on('data', (d: Buffer) => {
      // Echo is off on channel ports, so busybox's line editor never asks where the cursor
      // is; should a shell ask anyway, answer as a terminal would so it does not wait.
      if (d.includes(CURSOR_QUERY)) s.write('\x1b[1;1R');
      for (const l of data) l(d);
    });
    s.on('error', () => {});
    s.on('close', () => end(this.closed ? 'the transport was closed' : this.lostReason()));
    return {
      write: (d) => {
        if (open) s.write(typeof d === 'string' ? d : Buffer.from(d));
      },
      onData: (l) => subscribe(data, l),
      onClose: (l) => subscribe(close, l),
      close: () => {
        if (!open) return;
        // What the channel left running on the port is killed when the port is next handed
        // out, not now: a kill sent now could reach the guest late (QEMU takes a new client
        // only when the old one is gone) and take the fresh shell of the next channel.
        end('the channel was closed by the lab');
        s.destroy();
      },
    };
  }

  /** Transport.connect: the console connection (crash watching starts with it). */
  async connect(): Promise<void> {
    await this.start();
  }

  /**
   * Transport.reset, for a reconnect (e.g. the box was booted again under the same name):
   * drops every socket so the next call connects afresh; the crash seen before is forgotten.
   */
  async reset(): Promise<void> {
    for (const s of this.channelsInUse.values()) s?.destroy();
    this.channelsInUse.clear();
    this.admin?.destroy();
    this.admin = undefined;
    const c = this.console;
    this.console = undefined;
    this.starting = undefined;
    c?.removeAllListeners('close');
    c?.destroy();
    this.crash = undefined;
    this.pendingLine = '';
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.terminals) for (const l of t.close) l('the transport was closed');
    this.terminals.clear();
    for (const s of this.channelsInUse.values()) s?.destroy();
    this.admin?.destroy();
    this.console?.destroy();
  }
}
