import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawn, type IPty } from 'node-pty';
import { LabApiError } from '../../shared/api/labApi';
import type { HostTarget } from '../../shared/hostTarget';
import { sshControlDir } from './controlDir';
import { ptyStream } from './localTransport';
import { findPrompt } from './prompts';
import { controlArgs, controlName, masterArgs, muxArgs, type SshArgOptions } from './sshArgs';
import type { ByteStream, ConnectHooks, Transport } from './transport';

type SshTarget = Extract<HostTarget, { kind: 'ssh' }>;

export interface SshTransportOptions {
  /** Where the control socket lives (default: a private dir under the lab's data dir). */
  controlDir?: string;
  /** An ssh_config to use instead of ~/.ssh/config (default: $NUMA_LAB_SSH_CONFIG). */
  configFile?: string;
  /** How long to wait for the connection when nobody is being asked anything. */
  connectTimeoutMs?: number;
  /** How long to wait while ssh waits for an answer at a prompt (the CLI has no pane to answer in). */
  promptTimeoutMs?: number;
  ssh?: string;
}

/** Keeps the last bytes a stream printed, printable only, to explain why it ended. */
/**
 * What the ssh client itself says when a stream ends ("Connection to h closed by remote host.",
 * "client_loop: send disconnect: Broken pipe"): on a command channel everything else in the pty
 * is the lab's own framing and command output, which would read as noise in a reason.
 */
const SSH_CLIENT_LINE = /^(ssh: |ssh_|Connection |client_loop|Received disconnect|Disconnected from|Timeout|kex_|Read from |Write failed|packet_write|Bad |Permission denied|Host key)/;

export function tailOf(buf: Buffer, onlySshClient = false): string {
  const text = buf.toString('utf8');
  // Framing lines of the command channel carry \x1e: never part of a reason.
  const lines = text.split('\n').filter((l) => !l.includes('\x1e'));
  return lines
    .join('\n')
    .replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '')
    .replace(/[^\x20-\x7e\n]/g, '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && (!onlySshClient || SSH_CLIENT_LINE.test(l)))
    .slice(-3)
    .join(' / ');
}

function sshEnv(term: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || k.startsWith('ELECTRON_') || k === 'NODE_OPTIONS' || k.startsWith('npm_')) continue;
    env[k] = v;
  }
  // Keep the agent (SSH_AUTH_SOCK) and the user's environment; ssh must not ask a GUI askpass.
  delete env.SSH_ASKPASS;
  delete env.SSH_ASKPASS_REQUIRE;
  return { ...env, TERM: term };
}

/**
 * An ssh host through the system OpenSSH client in ptys, so ~/.ssh/config, agents, ProxyJump,
 * keys and known_hosts behave as usual. One master connection per host (ControlMaster); the
 * command channels and further terminal tabs are `ssh -tt` sessions multiplexed over it.
 */
export class SshTransport implements Transport {
  readonly target: string;
  private readonly args: SshArgOptions;
  private readonly streams = new Set<ByteStream>();
  private master: { pty: IPty; stream: ByteStream; early: Buffer[]; handedOut: boolean } | undefined;
  private ready: Promise<void> | undefined;
  private readonly ssh: string;

  constructor(
    private readonly t: SshTarget,
    canonical: string,
    private readonly opts: SshTransportOptions = {},
  ) {
    this.target = canonical;
    const configFile = opts.configFile ?? process.env.NUMA_LAB_SSH_CONFIG ?? undefined;
    const dir = opts.controlDir ?? sshControlDir();
    this.args = { controlPath: join(dir, controlName(t, configFile)), configFile };
    this.ssh = opts.ssh ?? 'ssh';
  }

  get controlPath(): string {
    return this.args.controlPath;
  }

  /** Starts (or joins) the master connection; resolves once it is authenticated. */
  connect(hooks: ConnectHooks = {}): Promise<void> {
    if (!this.ready) {
      this.ready = this.startMaster(hooks);
      this.ready.catch(() => (this.ready = undefined));
    }
    return this.ready;
  }

  private startMaster(hooks: ConnectHooks): Promise<void> {
    const pty = spawn(this.ssh, masterArgs(this.t, this.args), {
      name: 'xterm-256color',
      cols: 120,
      rows: 40,
      cwd: '/',
      env: sshEnv('xterm-256color'),
      encoding: null,
    });
    const stream = this.track(this.withExitReason(ptyStream(pty), 'the ssh connection'));
    const m = { pty, stream, early: [] as Buffer[], handedOut: false };
    this.master = m;
    let early = 0;
    stream.onData((c) => {
      // Until a terminal tab takes it, keep what the login session printed (the prompt, the motd).
      if (m.handedOut) return;
      m.early.push(c);
      early += c.length;
      while (early > 1 << 16 && m.early.length > 1) early -= m.early.shift()!.length;
    });
    const connectTimeout = this.opts.connectTimeoutMs ?? 20000;
    const promptTimeout = this.opts.promptTimeoutMs ?? 10 * 60_000;
    return new Promise<void>((resolve, reject) => {
      let seen = Buffer.alloc(0);
      let asking: string | undefined;
      let done = false;
      let deadline = Date.now() + connectTimeout;
      const finish = (err?: Error) => {
        if (done) return;
        done = true;
        clearInterval(poll);
        sub.dispose();
        closeSub.dispose();
        if (err) {
          pty.kill('SIGHUP');
          reject(err);
        } else resolve();
      };
      const sub = stream.onData((c) => {
        seen = Buffer.concat([seen, c]).subarray(-4096);
        const p = findPrompt(seen.toString('utf8'));
        if (p && p !== asking) {
          asking = p;
          deadline = Date.now() + promptTimeout;
          hooks.onNeedsInput?.(p);
        }
      });
      const closeSub = stream.onClose((reason) =>
        finish(new LabApiError(`could not connect to ${this.target}: ${reason}`, 'connect-failed')),
      );
      // The control socket appears only once the master is authenticated.
      const poll = setInterval(() => {
        if (existsSync(this.args.controlPath)) {
          if (asking) hooks.onInputGiven?.();
          return finish();
        }
        if (Date.now() > deadline) {
          finish(
            new LabApiError(
              asking
                ? `ssh to ${this.target} waited ${Math.round(promptTimeout / 1000)} s for an answer at "${asking}"; answer it in the host's terminal tab, or use a key or agent`
                : `ssh to ${this.target} did not connect within ${connectTimeout} ms; last output: ${JSON.stringify(tailOf(seen))}`,
              'connect-failed',
            ),
          );
        }
      }, 25);
    });
  }

  /** Adds what the ssh client printed last to the reason a stream ended. */
  private withExitReason(s: ByteStream, what: string, onlySshClient = false): ByteStream {
    let last = Buffer.alloc(0);
    s.onData((c) => {
      last = Buffer.concat([last, c]).subarray(-1024);
    });
    return {
      ...s,
      onClose: (l) =>
        s.onClose((reason) => {
          const tail = tailOf(last, onlySshClient);
          l(`${what} to ${this.target} ended (${reason.replace(/^the shell /, 'ssh ')})${tail ? `: ${tail}` : ''}`);
        }),
    };
  }

  private async needMaster(): Promise<void> {
    await this.connect();
  }

  private spawnMux(term: string, cols: number, rows: number, command?: string): ByteStream {
    const pty = spawn(this.ssh, muxArgs(this.t, this.args, command), {
      name: term,
      cols,
      rows,
      cwd: '/',
      env: sshEnv(term),
      encoding: null,
    });
    return this.track(ptyStream(pty));
  }

  /** /bin/sh on the host, whatever the login shell (it only runs `exec /bin/sh` for us). */
  async openChannelStream(): Promise<ByteStream> {
    await this.needMaster();
    return this.withExitReason(this.spawnMux('dumb', 200, 50, 'exec /bin/sh'), 'the command channel', true);
  }

  /**
   * The first tab gets the master's login session, at once, even while ssh still waits at a
   * prompt (that is where the user answers it); later tabs get sessions over the master.
   */
  async openTerminalStream(cols: number, rows: number): Promise<ByteStream> {
    if (!this.ready) this.connect().catch(() => undefined);
    const m = this.master;
    if (m && !m.handedOut && this.streams.has(m.stream)) {
      m.handedOut = true;
      m.stream.resize?.(Math.max(2, cols), Math.max(2, rows));
      return replaying(m.stream, m.early.splice(0));
    }
    await this.needMaster();
    return this.spawnMux('xterm-256color', Math.max(2, cols), Math.max(2, rows));
  }

  /** PID of the background master, or undefined when there is none (ssh -O check). */
  masterPid(): Promise<number | undefined> {
    return new Promise((resolve) => {
      execFile(this.ssh, controlArgs(this.t, this.args, 'check'), { timeout: 5000 }, (_err, _out, stderr) => {
        const m = /pid=(\d+)/.exec(String(stderr));
        resolve(m ? Number(m[1]) : undefined);
      });
    });
  }

  /** Drops every stream and the master; the next connect() starts afresh. */
  async reset(): Promise<void> {
    for (const s of this.streams) s.close();
    this.streams.clear();
    this.master = undefined;
    this.ready = undefined;
    await new Promise<void>((resolve) => execFile(this.ssh, controlArgs(this.t, this.args, 'exit'), { timeout: 5000 }, () => resolve()));
  }

  private track(s: ByteStream): ByteStream {
    this.streams.add(s);
    s.onClose(() => this.streams.delete(s));
    return s;
  }

  async close(): Promise<void> {
    await this.reset();
  }
}

/** A stream that first hands a new listener what was printed before anyone listened. */
function replaying(s: ByteStream, early: Buffer[]): ByteStream {
  let pending: Buffer[] | undefined = early;
  return {
    ...s,
    onData(listener) {
      const sub = s.onData(listener);
      const first = pending;
      pending = undefined;
      if (first?.length) queueMicrotask(() => first.forEach((c) => listener(c)));
      return sub;
    },
  };
}
