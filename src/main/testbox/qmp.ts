import { connect } from 'node:net';

/**
 * Sends one QMP command (after the capabilities handshake) and resolves when QEMU answers or
 * closes. Used for `quit`: the busybox guest has no ACPI daemon, so there is no clean
 * power-off to ask for, and the guest has no disk to corrupt.
 */
export function qmpCommand(socket: string, command: string, timeoutMs = 3000): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = connect(socket);
    let buf = '';
    let sent = false;
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`QMP ${command}: no answer from QEMU within ${timeoutMs} ms`));
    }, timeoutMs);
    const done = (err?: Error) => {
      clearTimeout(timer);
      s.destroy();
      if (err) reject(err);
      else resolve();
    };
    s.on('error', (e) => done(e));
    s.on('close', () => done());
    s.on('data', (d) => {
      buf += d.toString('utf8');
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        const msg = JSON.parse(line) as Record<string, unknown>;
        if ('QMP' in msg) s.write(JSON.stringify({ execute: 'qmp_capabilities' }) + '\n');
        else if ('return' in msg && !sent) {
          sent = true;
          s.write(JSON.stringify({ execute: command }) + '\n');
        } else if ('return' in msg && sent) done();
        else if ('error' in msg) done(new Error(`QMP ${command}: ${JSON.stringify(msg.error)}`));
      }
    });
  });
}
