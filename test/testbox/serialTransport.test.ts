import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { detectKernelCrash, SerialTransport, splitConsoleLines, type KernelCrash } from '../../src/main/hosts/serialTransport';

describe('detectKernelCrash', () => {
  it.each([
    ['[   42.123456] Kernel panic - not syncing: sysrq triggered crash', 'panic'],
    ['[    7.000001] BUG: kernel NULL pointer dereference, address: 0000000000000000', 'bug'],
    ['[  100.5] kernel BUG at mm/migrate.c:2577!', 'bug'],
    ['[   12.345678] Oops: 0002 [#1] PREEMPT SMP NOPTI', 'oops'],
    ['[   12.345678] Oops: general protection fault, probably for non-canonical address 0xdead000000000100: 0000 [#1]', 'gpf'],
    ['[   12.345678] general protection fault, probably for non-canonical address', 'gpf'],
    ['[   12.345679] RIP: 0010:migrate_misplaced_folio+0x1b3/0x1c0', 'rip'],
  ])('%s -> %s', (line, kind) => {
    expect(detectKernelCrash(line)?.kind).toBe(kind);
  });

  it('ignores what is not a printk line: the user typing the words in the same console', () => {
    expect(detectKernelCrash('/ # echo Kernel panic - not syncing')).toBeUndefined();
    expect(detectKernelCrash('BUG: this came from a shell, not the kernel')).toBeUndefined();
    expect(detectKernelCrash('[   1.000000] Run /init as init process')).toBeUndefined();
  });

  it('splits \\r\\r\\n, \\r\\n and \\n lines and keeps the unfinished rest', () => {
    const a = splitConsoleLines('', '[ 1.0] one\r\r\n[ 2.0] two\r\nthr');
    expect(a).toEqual({ lines: ['[ 1.0] one', '[ 2.0] two'], rest: 'thr' });
    expect(splitConsoleLines(a.rest, 'ee\n')).toEqual({ lines: ['three'], rest: '' });
  });
});

/** Fake QEMU serial sockets: one server per port; what the test does on the "guest" side. */
class FakePort {
  readonly server: Server;
  client: Socket | undefined;
  received = '';
  private waiters: Array<() => void> = [];
  constructor(readonly path: string) {
    this.server = createServer((s) => {
      this.client = s;
      s.on('data', (d) => {
        this.received += d.toString('latin1');
        for (const w of this.waiters.splice(0)) w();
      });
      for (const w of this.waiters.splice(0)) w();
    });
  }
  listen(): Promise<void> {
    return new Promise((r) => this.server.listen(this.path, r));
  }
  async until(cond: () => boolean): Promise<void> {
    while (!cond()) await new Promise<void>((r) => this.waiters.push(r));
  }
}

describe('SerialTransport against fake serial sockets', () => {
  let dir = '';
  const ports: FakePort[] = [];
  let transport: SerialTransport | undefined;
  afterEach(async () => {
    await transport?.close();
    for (const p of ports.splice(0)) {
      p.client?.destroy();
      p.server.close();
    }
    rmSync(dir, { recursive: true, force: true });
  });

  async function setup(opts: { adminAnswers?: boolean; resetTimeoutMs?: number } = {}) {
    dir = mkdtempSync(join(tmpdir(), 'serial-'));
    const [con, s1, s2, admin] = await Promise.all(
      ['ttyS0', 'ttyS1', 'ttyS2', 'ttyS3'].map(async (t) => {
        const p = new FakePort(join(dir, `${t}.sock`));
        await p.listen();
        ports.push(p);
        return p;
      }),
    );
    // The admin shell: a reset request makes the fake port print a fresh shell's marker.
    admin.server.on('connection', (s) =>
      s.on('data', (d) => {
        const m = /numalab-reset-port (ttyS\d) (\w+)/.exec(d.toString());
        if (!m || opts.adminAnswers === false) return;
        const port = m[1] === 'ttyS1' ? s1 : s2;
        // A marker from before the reset must not count: the nonce, then the fresh shell's marker.
        port.client?.write(`NUMALAB ready ${m[1]}\r\n`);
        setTimeout(() => {
          port.client?.write(`NUMALAB reset ${m[1]} ${m[2]}\r\n`);
          setTimeout(() => port.client?.write(`\r\nNUMALAB ready ${m[1]}\r\n/ # `), 20);
        }, 20);
      }),
    );
    transport = await new SerialTransport('testbox:fake', {
      console: { path: con.path, tty: 'ttyS0' },
      channels: [
        { path: s1.path, tty: 'ttyS1' },
        { path: s2.path, tty: 'ttyS2' },
      ],
      admin: { path: admin.path, tty: 'ttyS3' },
      ...(opts.resetTimeoutMs ? { resetTimeoutMs: opts.resetTimeoutMs } : {}),
    }).start();
    return { con, s1, s2, admin };
  }

  it('resets a port before handing it out, answers ESC[6n, and refuses a third channel', async () => {
    const { s1 } = await setup();
    const a = await transport!.openChannelStream();
    const got: string[] = [];
    a.onData((d) => got.push(d.toString()));
    s1.client!.write('hello\x1b[6n');
    await s1.until(() => s1.received.includes('\x1b[1;1R'));
    a.write('echo NL_$((6*7))\n');
    await s1.until(() => s1.received.includes('echo NL_'));
    expect(got.join('')).toContain('hello');
    const b = await transport!.openChannelStream();
    await expect(transport!.openChannelStream()).rejects.toThrow(/\(ttyS1, ttyS2\) and all are in use/);
    b.close();
    const c = await transport!.openChannelStream(); // the freed port can be taken again
    c.close();
    a.close();
  });

  it('lets go of a port whose reset failed: its socket closed (QEMU queues the next client behind it), the error says why', async () => {
    const { s1 } = await setup({ adminAnswers: false, resetTimeoutMs: 900 });
    await expect(transport!.openChannelStream()).rejects.toThrow(/resetting ttyS1 of testbox:fake: the fresh shell did not show up within \d+ ms/);
    const closed = new Promise<void>((r) => (s1.client!.destroyed ? r() : s1.client!.once('close', () => r())));
    await closed;
    expect(s1.client!.destroyed).toBe(true);
  });

  it('reports a panic seen on the console with its context, then the loss of the host', async () => {
    const { con } = await setup();
    const crash = new Promise<KernelCrash>((r) => transport!.onCrash(r));
    const lost = new Promise<string>((r) => transport!.onLost(r));
    await con.until(() => con.client !== undefined);
    con.client!.write('/ # echo c > /proc/sysrq-trigger\r\n[   30.100000] sysrq: Trigger a crash\r\r\n[   30.100100] Kernel panic - not syncing: sysrq triggered crash\r\r\n[   30.100200] CPU: 0 PID: 171 Comm: sh\r\r\n');
    con.client!.end();
    const c = await crash;
    expect(c).toMatchObject({ kind: 'panic', message: 'Kernel panic - not syncing: sysrq triggered crash' });
    expect(c.text).toContain('sysrq: Trigger a crash');
    expect(c.text).toContain('Comm: sh');
    expect(await lost).toBe('the guest kernel crashed: Kernel panic - not syncing: sysrq triggered crash');
    expect(transport!.consoleTail(2)).toEqual(['[   30.100100] Kernel panic - not syncing: sysrq triggered crash', '[   30.100200] CPU: 0 PID: 171 Comm: sh']);
  });
});
