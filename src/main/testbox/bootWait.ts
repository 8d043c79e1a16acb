import type { Socket } from 'node:net';
import { connectUnix } from '../hosts/serialTransport';
import { isBoxProcess } from './boxState';
import { consoleLogTail } from './consoleLog';
import { TestboxError } from './errors';

/**
 * Waits until a booted box is a usable host: every port's shell printed its readiness marker
 * (init does that on each), and a command round trip works on a channel port. Fails early when
 * QEMU exits (a panic at boot: -no-reboot), with the console's last lines either way.
 */
export async function waitForBoxReady(opts: {
  sockets: Record<string, string>;
  channelTty: string;
  pid: number;
  dir: string;
  consoleLog: string;
  timeoutMs: number;
}): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  const socks: Socket[] = [];
  const seen = new Map<string, string>();
  try {
    for (const [tty, path] of Object.entries(opts.sockets)) {
      const s = await connectUnix(path, 5000);
      socks.push(s);
      seen.set(tty, '');
      s.on('data', (d: Buffer) => seen.set(tty, (seen.get(tty)! + d.toString('latin1')).slice(-4096)));
      s.on('error', () => {});
    }
    const until = async (cond: () => boolean, what: string) => {
      while (!cond()) {
        if (!isBoxProcess(opts.pid, opts.dir)) {
          throw new TestboxError(`QEMU exited while the box was booting (${what}). Console:\n${consoleLogTail(opts.consoleLog)}`, 'boot-failed');
        }
        if (Date.now() > deadline) {
          throw new TestboxError(
            `the guest did not reach a shell within ${Math.round(opts.timeoutMs / 1000)} s (${what}). Console:\n${consoleLogTail(opts.consoleLog)}`,
            'boot-timeout',
          );
        }
        await new Promise((r) => setTimeout(r, 25));
      }
    };
    await until(() => [...seen].every(([tty, text]) => text.includes(`NUMALAB ready ${tty}`)), 'waiting for the shells on every serial port');
    const ch = socks[[...seen.keys()].indexOf(opts.channelTty)];
    seen.set(opts.channelTty, '');
    ch.write('echo NL_$((6*7))\n');
    await until(() => seen.get(opts.channelTty)!.includes('NL_42'), `waiting for a command to run on ${opts.channelTty}`);
  } finally {
    // Let go: QEMU serves one client per port, the lab's transport connects next.
    for (const s of socks) s.destroy();
  }
}
