import { randomBytes } from 'node:crypto';
import type { ByteStream } from './transport';
import { channelLoopScript, encodeRequest } from './channelProtocol';

/**
 * The lab's command channel to one shell on a host, over any ByteStream (local pty, ssh pty,
 * serial port). It turns the shell into a read-eval loop with framed replies, so a command
 * returns its stdout (byte-exact), stderr and exit status, with timeouts and cancellation, and
 * nothing the lab runs is ever shown in the user's terminal pane (that is a different stream).
 *
 * Frames on the wire (see channelProtocol.ts for the loop that writes them):
 *   \x1eB<id>\x1e  stdout bytes  \x1eE<id> <rc>\x1e  base64(stderr)  \x1eZ<id>\x1e\n
 */

export interface ExecOptions {
  /** Reject with a timeout error (after interrupting the command) when it runs longer. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Streamed stdout, for long-running commands (the sampler); the result still has it all unless `discardStdout`. */
  onStdout?: (chunk: Buffer) => void;
  discardStdout?: boolean;
}

export interface ExecResult {
  stdout: string;
  stdoutBytes: Buffer;
  stderr: string;
  code: number;
  durationMs: number;
}

export type ChannelErrorKind = 'timeout' | 'cancelled' | 'closed' | 'boot';

export class ChannelError extends Error {
  constructor(
    message: string,
    readonly kind: ChannelErrorKind,
  ) {
    super(message);
    this.name = 'ChannelError';
  }
}

interface Pending {
  id: string;
  script: string;
  opts: ExecOptions;
  resolve: (r: ExecResult) => void;
  reject: (e: Error) => void;
  started: number;
  stage: 'queued' | 'begin' | 'stdout' | 'stderr';
  chunks: Buffer[];
  code: number;
  abortError?: ChannelError;
  cleanup: () => void;
}

const RS = 0x1e;
/** How long an interrupted command may take to report before the channel is declared broken. */
const INTERRUPT_GRACE_MS = 2000;

export class CommandChannel {
  private buf: Buffer = Buffer.alloc(0);
  private queue: Pending[] = [];
  private current: Pending | undefined;
  private seq = 0;
  private readonly tag = randomBytes(4).toString('hex');
  private closedReason: string | undefined;
  private readonly disposers: Array<{ dispose(): void }> = [];
  private readonly closeListeners: Array<(reason: string) => void> = [];

  private constructor(private readonly stream: ByteStream) {}

  /** Bootstraps the read-eval loop in the shell on `stream` and waits for its ready marker. */
  static async open(stream: ByteStream, opts: { timeoutMs?: number } = {}): Promise<CommandChannel> {
    const ch = new CommandChannel(stream);
    await ch.boot(opts.timeoutMs ?? 15000);
    return ch;
  }

  get isOpen(): boolean {
    return this.closedReason === undefined;
  }

  onClose(listener: (reason: string) => void): void {
    this.closeListeners.push(listener);
  }

  private boot(timeoutMs: number): Promise<void> {
    const nonce = randomBytes(6).toString('hex');
    const ready = Buffer.from(`\x1eR${nonce}\x1e\n`);
    return new Promise<void>((resolve, reject) => {
      let seen = Buffer.alloc(0);
      const timer = setTimeout(() => {
        sub.dispose();
        closeSub.dispose();
        const tail = seen.toString('utf8').replace(/[^\x20-\x7e\n]/g, '').split('\n').slice(-5).join('\n');
        reject(new ChannelError(`the shell did not start the lab's command loop within ${timeoutMs} ms; last output: ${JSON.stringify(tail)}`, 'boot'));
      }, timeoutMs);
      const sub = this.stream.onData((chunk) => {
        seen = Buffer.concat([seen, chunk]);
        const at = seen.indexOf(ready);
        if (at < 0) {
          if (seen.length > 1 << 16) seen = seen.subarray(seen.length - 1024);
          return;
        }
        clearTimeout(timer);
        sub.dispose();
        closeSub.dispose();
        this.buf = seen.subarray(at + ready.length);
        this.disposers.push(this.stream.onData((c) => this.onData(c)));
        this.disposers.push(this.stream.onClose((reason) => this.fail(reason)));
        resolve();
        if (this.buf.length) this.parse();
      });
      const closeSub = this.stream.onClose((reason) => {
        clearTimeout(timer);
        sub.dispose();
        reject(new ChannelError(`the host's shell closed before the command loop started: ${reason}`, 'boot'));
      });
      // Ctrl-U clears any half-typed line (a serial console may hold one); then one line that
      // needs no quoting: the loop travels base64-encoded, so any POSIX sh can take it.
      const loop = Buffer.from(channelLoopScript(nonce)).toString('base64');
      this.stream.write(`\x15stty -echo 2>/dev/null; exec /bin/sh -c "$(echo ${loop} | base64 -d)"\n`);
    });
  }

  /** Runs a POSIX sh script on the host. The script is never shown in the terminal pane. */
  exec(script: string, opts: ExecOptions = {}): Promise<ExecResult> {
    if (this.closedReason !== undefined) {
      return Promise.reject(new ChannelError(`the command channel is closed: ${this.closedReason}`, 'closed'));
    }
    return new Promise<ExecResult>((resolve, reject) => {
      const p: Pending = {
        id: `${this.tag}${(this.seq++).toString(36)}`,
        script,
        opts,
        resolve,
        reject,
        started: 0,
        stage: 'queued',
        chunks: [],
        code: -1,
        cleanup: () => {},
      };
      const onAbort = () => this.abort(p, new ChannelError('the command was cancelled', 'cancelled'));
      if (opts.signal) {
        if (opts.signal.aborted) return reject(new ChannelError('the command was cancelled', 'cancelled'));
        opts.signal.addEventListener('abort', onAbort, { once: true });
      }
      p.cleanup = () => opts.signal?.removeEventListener('abort', onAbort);
      this.queue.push(p);
      this.pump();
    });
  }

  /** Closes the channel; queued and running commands fail with a clear error. */
  close(reason = 'closed by the lab'): void {
    if (this.closedReason !== undefined) return;
    this.fail(reason);
    this.stream.close();
  }

  private pump(): void {
    if (this.current || this.closedReason !== undefined) return;
    const p = this.queue.shift();
    if (!p) return;
    this.current = p;
    p.stage = 'begin';
    p.started = performance.now();
    if (p.opts.timeoutMs !== undefined) {
      const t = setTimeout(
        () => this.abort(p, new ChannelError(`the command did not finish within ${p.opts.timeoutMs} ms and was interrupted`, 'timeout')),
        p.opts.timeoutMs,
      );
      const prev = p.cleanup;
      p.cleanup = () => {
        clearTimeout(t);
        prev();
      };
    }
    this.stream.write(encodeRequest(p.id, p.script));
  }

  /** Interrupt (SIGINT to the host's foreground process group); the loop survives it. */
  private abort(p: Pending, err: ChannelError): void {
    if (p.abortError) return;
    p.abortError = err;
    if (p.stage === 'queued') {
      this.queue = this.queue.filter((q) => q !== p);
      p.cleanup();
      p.reject(err);
      return;
    }
    this.stream.write('\x03');
    const grace = setTimeout(() => {
      if (this.current === p) this.close(`a command ignored its interrupt for ${INTERRUPT_GRACE_MS} ms`);
    }, INTERRUPT_GRACE_MS);
    const prev = p.cleanup;
    p.cleanup = () => {
      clearTimeout(grace);
      prev();
    };
  }

  private onData(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    this.parse();
  }

  private parse(): void {
    for (;;) {
      const p = this.current;
      if (!p) {
        // Nothing is running: whatever arrives is stray (a late kernel message on a serial
        // port, say). Keep only a little so a frame split across chunks still parses.
        if (this.buf.length > 4096) this.buf = this.buf.subarray(this.buf.length - 64);
        return;
      }
      if (p.stage === 'begin') {
        const marker = Buffer.from(`\x1eB${p.id}\x1e`);
        const at = this.buf.indexOf(marker);
        if (at < 0) return;
        this.buf = this.buf.subarray(at + marker.length);
        p.stage = 'stdout';
      }
      if (p.stage === 'stdout') {
        const marker = Buffer.from(`\x1eE${p.id} `);
        const at = this.buf.indexOf(marker);
        if (at < 0) {
          // Hand out what cannot be the start of the end marker, so streams flow live.
          const keep = Math.min(this.buf.length, marker.length - 1);
          const safeEnd = this.lastPossibleMarkerStart(keep);
          if (safeEnd > 0) {
            this.deliver(p, this.buf.subarray(0, safeEnd));
            this.buf = this.buf.subarray(safeEnd);
          }
          return;
        }
        if (at > 0) this.deliver(p, this.buf.subarray(0, at));
        const rest = this.buf.subarray(at + marker.length);
        const rsAt = rest.indexOf(RS);
        if (rsAt < 0) {
          this.buf = this.buf.subarray(at);
          return;
        }
        p.code = Number(rest.subarray(0, rsAt).toString('ascii'));
        this.buf = rest.subarray(rsAt + 1);
        p.stage = 'stderr';
      }
      if (p.stage === 'stderr') {
        const marker = Buffer.from(`\x1eZ${p.id}\x1e\n`);
        const at = this.buf.indexOf(marker);
        if (at < 0) return;
        const stderr = Buffer.from(this.buf.subarray(0, at).toString('ascii').replace(/\s+/g, ''), 'base64').toString('utf8');
        this.buf = this.buf.subarray(at + marker.length);
        this.finish(p, stderr);
      }
    }
  }

  /** Index up to which the buffer cannot hold the start of an end marker (a \x1e near its tail). */
  private lastPossibleMarkerStart(tail: number): number {
    const from = this.buf.length - tail;
    const rs = this.buf.indexOf(RS, from);
    return rs < 0 ? this.buf.length : rs;
  }

  private deliver(p: Pending, bytes: Buffer): void {
    if (!bytes.length) return;
    const copy = Buffer.from(bytes);
    p.opts.onStdout?.(copy);
    if (!p.opts.discardStdout) p.chunks.push(copy);
  }

  private finish(p: Pending, stderr: string): void {
    this.current = undefined;
    p.cleanup();
    const stdoutBytes = Buffer.concat(p.chunks);
    if (p.abortError) p.reject(p.abortError);
    else
      p.resolve({
        stdout: stdoutBytes.toString('utf8'),
        stdoutBytes,
        stderr,
        code: p.code,
        durationMs: performance.now() - p.started,
      });
    this.pump();
  }

  private fail(reason: string): void {
    if (this.closedReason !== undefined) return;
    this.closedReason = reason;
    for (const d of this.disposers) d.dispose();
    const all = [...(this.current ? [this.current] : []), ...this.queue];
    this.current = undefined;
    this.queue = [];
    for (const p of all) {
      p.cleanup();
      p.reject(new ChannelError(`the command channel closed while the command ran: ${reason}`, 'closed'));
    }
    for (const l of this.closeListeners) l(reason);
  }
}
