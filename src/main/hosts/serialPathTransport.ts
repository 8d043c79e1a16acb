import { closeSync, constants, openSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { ReadStream, WriteStream } from 'node:tty';
import { LabApiError } from '../../shared/api/labApi';
import type { ByteStream, Transport } from './transport';

/**
 * `serial:<path>`: one serial line, given as a unix socket (QEMU `-serial unix:...,server`, a
 * console server) or a tty device path (a pty, /dev/ttyUSB0). A shell must be waiting on the
 * far end. One line carries one thing at a time, so it is the command channel; the terminal
 * pane needs a second line (use testbox: or ssh for that).
 */
type Listener<T> = (v: T) => void;

function streamOver(write: (b: Buffer) => void, end: () => void, wire: (onData: Listener<Buffer>, onClose: Listener<string>) => void): ByteStream {
  const data = new Set<Listener<Buffer>>();
  const closers = new Set<Listener<string>>();
  let open = true;
  const finish = (reason: string) => {
    if (!open) return;
    open = false;
    for (const l of closers) l(reason);
  };
  wire((d) => data.forEach((l) => l(d)), finish);
  return {
    write: (d) => {
      if (open) write(typeof d === 'string' ? Buffer.from(d, 'utf8') : Buffer.from(d));
    },
    onData: (l) => {
      data.add(l);
      return { dispose: () => data.delete(l) };
    },
    onClose: (l) => {
      closers.add(l);
      return { dispose: () => closers.delete(l) };
    },
    close: () => {
      if (!open) return;
      finish('closed by the lab');
      end();
    },
  };
}

export function openUnixSocketStream(path: string, timeoutMs = 5000): Promise<ByteStream> {
  return new Promise((resolve, reject) => {
    const s = connect(path);
    const timer = setTimeout(() => {
      s.destroy();
      reject(new LabApiError(`no answer from the serial socket ${path} within ${timeoutMs} ms`, 'connect-failed'));
    }, timeoutMs);
    s.once('error', (e) => {
      clearTimeout(timer);
      reject(new LabApiError(`cannot connect to the serial socket ${path}: ${e.message}`, 'connect-failed'));
    });
    s.once('connect', () => {
      clearTimeout(timer);
      s.removeAllListeners('error');
      s.on('error', () => undefined);
      resolve(
        streamOver(
          (b) => s.write(b),
          () => s.destroy(),
          (onData, onClose) => {
            s.on('data', onData);
            s.on('close', () => onClose(`the serial socket ${path} closed (the far end went away)`));
          },
        ),
      );
    });
  });
}

/** A tty device: opened raw on our side (no echo, no line editing), as a terminal program would. */
export function openTtyStream(path: string): ByteStream {
  const fd = openSync(path, constants.O_RDWR | constants.O_NOCTTY | constants.O_NONBLOCK);
  const r = new ReadStream(fd);
  r.setRawMode(true);
  const w = new WriteStream(fd);
  return streamOver(
    (b) => w.write(b),
    () => {
      r.destroy();
      w.destroy();
      try {
        closeSync(fd);
      } catch {
        // already closed by the streams
      }
    },
    (onData, onClose) => {
      r.on('data', (d: Buffer | string) => onData(typeof d === 'string' ? Buffer.from(d) : d));
      r.on('error', () => onClose(`the serial line ${path} failed`));
      r.on('close', () => onClose(`the serial line ${path} closed`));
    },
  );
}

export class SerialPathTransport implements Transport {
  private channel: ByteStream | undefined;

  constructor(
    readonly target: string,
    private readonly path: string,
  ) {}

  async openChannelStream(): Promise<ByteStream> {
    if (this.channel) throw new LabApiError(`${this.target} is one serial line and it already carries a command channel; close that one first`, 'busy');
    let st;
    try {
      st = statSync(this.path);
    } catch {
      throw new LabApiError(`${this.target}: no such serial line ${this.path}`, 'connect-failed');
    }
    const s = st.isSocket() ? await openUnixSocketStream(this.path) : st.isCharacterDevice() ? openTtyStream(this.path) : undefined;
    if (!s) throw new LabApiError(`${this.target}: ${this.path} is neither a unix socket nor a tty device`, 'bad-target');
    this.channel = s;
    s.onClose(() => {
      if (this.channel === s) this.channel = undefined;
    });
    return s;
  }

  async openTerminalStream(): Promise<ByteStream> {
    throw new LabApiError(
      `${this.target} is a single serial line and carries the lab's command channel, so it has no terminal pane; use a testbox: target (a console plus channel ports) or ssh for a pane`,
      'unsupported',
    );
  }

  async reset(): Promise<void> {
    this.channel?.close();
    this.channel = undefined;
  }

  async close(): Promise<void> {
    await this.reset();
  }
}
