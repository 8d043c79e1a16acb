import { spawn, type IPty } from 'node-pty';
import { homedir } from 'node:os';
import type { ByteStream, Transport } from './transport';

/** Wraps a node-pty process as a ByteStream (binary: node-pty's `encoding: null`). */
export function ptyStream(pty: IPty): ByteStream {
  let closed = false;
  const closeListeners = new Set<(reason: string) => void>();
  pty.onExit(({ exitCode, signal }) => {
    closed = true;
    const why = signal ? `the shell was killed by signal ${signal}` : `the shell exited with status ${exitCode}`;
    for (const l of closeListeners) l(why);
  });
  return {
    write(data) {
      if (!closed) pty.write(typeof data === 'string' ? data : Buffer.from(data));
    },
    onData(listener) {
      return pty.onData((d) => listener(typeof d === 'string' ? Buffer.from(d, 'utf8') : (d as unknown as Buffer)));
    },
    onClose(listener) {
      closeListeners.add(listener);
      return { dispose: () => closeListeners.delete(listener) };
    },
    resize(cols, rows) {
      if (!closed) pty.resize(Math.max(2, cols), Math.max(2, rows));
    },
    close() {
      if (!closed) pty.kill('SIGHUP');
    },
  };
}

/** The environment a lab shell starts with: the user's, minus what would change its behaviour. */
function shellEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || k.startsWith('ELECTRON_') || k === 'NODE_OPTIONS' || k.startsWith('npm_')) continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

/** The machine the lab runs on, through real ptys: a POSIX sh for channels, the user's shell for the pane. */
export class LocalTransport implements Transport {
  readonly target = 'local';
  private readonly streams = new Set<ByteStream>();

  async openChannelStream(): Promise<ByteStream> {
    const pty = spawn('/bin/sh', [], {
      name: 'dumb',
      cols: 200,
      rows: 50,
      cwd: '/',
      env: shellEnv({ TERM: 'dumb', PS1: '', PS2: '', ENV: '' }),
      encoding: null,
    });
    return this.track(ptyStream(pty));
  }

  async openTerminalStream(cols: number, rows: number): Promise<ByteStream> {
    const shell = process.env.SHELL && process.env.SHELL.startsWith('/') ? process.env.SHELL : '/bin/bash';
    const pty = spawn(shell, [], {
      name: 'xterm-256color',
      cols: Math.max(2, cols),
      rows: Math.max(2, rows),
      cwd: homedir(),
      env: shellEnv({ TERM: 'xterm-256color', COLORTERM: 'truecolor' }),
      encoding: null,
    });
    return this.track(ptyStream(pty));
  }

  private track(s: ByteStream): ByteStream {
    this.streams.add(s);
    s.onClose(() => this.streams.delete(s));
    return s;
  }

  async close(): Promise<void> {
    for (const s of this.streams) s.close();
    this.streams.clear();
  }
}
