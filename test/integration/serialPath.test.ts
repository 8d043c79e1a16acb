import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, type IPty } from 'node-pty';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIVENESS_BOUND_MS, settlesWithin } from '../support/liveness';
import { Lab } from '../../src/main/lab';
import type { HostStatus } from '../../src/main/hosts/hostSession';
import { upload } from '../../src/main/hosts/upload';
import { lockMachineKnobs } from '../support/knobGuard';

// `serial:<unix socket>` against busybox ash behind a real pty: each connection to the socket
// gets a fresh `busybox sh -i` on a pty, the way a console server would bridge a serial line.
const dir = mkdtempSync(join(tmpdir(), 'numalab-serial-'));
const sock = join(dir, 'console.sock');
const shells: IPty[] = [];
let server: Server;
let lab: Lab;

/** A console server: each connection to `path` gets a fresh `argv` on a pty. */
async function consoleServer(path: string, argv: string[], env: Record<string, string>): Promise<Server> {
  const srv = createServer((conn) => {
    const pty = spawn(argv[0], argv.slice(1), { name: 'vt100', cols: 80, rows: 24, cwd: '/', env, encoding: null });
    shells.push(pty);
    pty.onData((d) => conn.write(d as unknown as Buffer));
    conn.on('data', (d) => pty.write(d));
    pty.onExit(() => conn.destroy());
    conn.on('close', () => pty.kill('SIGKILL'));
    conn.on('error', () => undefined);
  });
  await new Promise<void>((r) => srv.listen(path, r));
  return srv;
}

// A second console whose shell is `nobody` with only busybox on its PATH (no sudo): a host the
// lab reaches without any way to root.
const sockNobody = join(dir, 'nobody.sock');
let serverNobody: Server;

beforeAll(async () => {
  server = await consoleServer(sock, ['/bin/busybox', 'sh', '-i'], { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/root', PS1: '~ # ' });
  const bb = join(dir, 'bb');
  mkdirSync(bb);
  execFileSync('/bin/busybox', ['--install', '-s', bb]);
  chmodSync(dir, 0o755);
  serverNobody = await consoleServer(sockNobody, ['/usr/bin/setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '/bin/busybox', 'sh', '-i'], { PATH: bb, HOME: '/tmp', PS1: '$ ' });
  lab = new Lab({ dbPath: join(dir, 'lab.db'), shell: 'headless', knobs: { autoRestore: false } });
});
afterAll(async () => {
  await lab?.close();
  for (const p of shells) p.kill('SIGKILL');
  await new Promise((r) => server.close(r));
  await new Promise((r) => serverNobody?.close(r));
  rmSync(dir, { recursive: true, force: true });
});

const target = () => `serial:${sock}`;

describe('serial:<path> hosts (busybox ash behind a pty, through a unix socket)', () => {
  it('connects, finds root, probes the same kernel as this machine', async () => {
    const st = (await lab.dispatch('hosts.connect', { target: target() })) as HostStatus;
    expect(st).toMatchObject({ state: 'ready', privilege: 'root' });
    const f = await lab.probe(target());
    expect(f.kernelRelease).toBe(release());
    expect(f.target).toBe(target());
  });

  it('is byte-exact and carries long scripts and large outputs through busybox ash', async () => {
    const s = await lab.session(target());
    const b = await s.exec("printf '\\001\\036\\377\\r\\n\\003end'");
    expect([...b.stdoutBytes]).toEqual([1, 0x1e, 0xff, 13, 10, 3, ...Buffer.from('end')]);
    const weird = `a'b"c$(x)\`y\`;\\ \x01 tab\there`;
    const r = await s.exec(`cat <<'EOF'\n${weird}\n${'z'.repeat(20000)}\nEOF`);
    expect(r.stdout).toBe(`${weird}\n${'z'.repeat(20000)}\n`);
    expect((await s.exec('head -c 2000000 /dev/zero | tr "\\0" a')).stdoutBytes.length).toBe(2_000_000);
  });

  it('uploads a binary file checked with busybox sha256sum', async () => {
    const s = await lab.session(target());
    const data = randomBytes(200_000);
    const remote = join(dir, 'w.bin');
    const r = await upload(s, data, remote, 0o700);
    expect(r.sha256).toBe(createHash('sha256').update(data).digest('hex'));
    expect(readFileSync(remote)).toEqual(data);
  });

  it('has no terminal pane on a single line, and says so', async () => {
    await expect(lab.dispatch('terminal.open', { target: target(), cols: 80, rows: 24 })).rejects.toThrow(/single serial line/);
  });

  it('the far end dying mid-command fails the command (long before its sleep ends) and marks the host lost; reconnect works', async () => {
    const s = await lab.session(target());
    // Kill the far end once the command's first line has arrived (not after a fixed sleep).
    let printed!: () => void;
    const started = new Promise<void>((r) => (printed = r));
    const inflight = s.exec('echo partial; sleep 60', { onStdout: (c) => String(c).includes('partial') && printed() }).catch((e: Error) => e);
    await settlesWithin(started, LIVENESS_BOUND_MS, "the command's first line");
    shells.at(-1)!.kill('SIGKILL');
    const err = await settlesWithin(inflight, LIVENESS_BOUND_MS, 'the command failing after the far end died');
    expect(err).toBeInstanceOf(Error);
    expect(s.state).toBe('lost');
    expect(s.getStatus().reason).toMatch(/serial socket .* closed/);
    expect(s.getStatus().lastLines.join('\n')).toContain('partial');
    const back = (await lab.dispatch('hosts.connect', { target: target() })) as HostStatus;
    expect(back.state).toBe('ready');
    expect((await s.exec('echo again')).stdout).toBe('again\n');
  });

  it('a host with no way to root: privilege none, knobs readable, a knob write refused with the reason and nothing journaled', async () => {
    const t = `serial:${sockNobody}`;
    const st = (await lab.dispatch('hosts.connect', { target: t })) as HostStatus;
    expect(st).toMatchObject({ state: 'ready', privilege: 'none' });
    const PTS = '/sys/kernel/mm/transparent_hugepage/khugepaged/pages_to_scan';
    const unlock = await lockMachineKnobs();
    try {
      const original = readFileSync(PTS, 'utf8').trim();
      const listed = (await lab.knobs.list(t)).knobs.find((k) => k.id === 'khugepaged.pages_to_scan');
      expect(listed?.current).toBe(original);
      await expect(lab.dispatch('knobs.set', { target: t, values: { 'khugepaged.pages_to_scan': String(Number(original) + 13) } })).rejects.toThrow(
        /knobs are root-only files, and .* was reached as a user that is not root and has no sudo; connect as root, or as a user that sudo allows/,
      );
      expect(readFileSync(PTS, 'utf8').trim()).toBe(original);
      expect(lab.knobs.pending().find((p) => p.target === t)).toBeUndefined();
      expect(((await lab.dispatch('knobs.restore', { target: t })) as { results: unknown[] }).results).toEqual([]);
    } finally {
      unlock();
    }
  });
});
