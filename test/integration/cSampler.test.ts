import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lab } from '../../src/main/lab';
import { repoRoot } from '../../src/main/repoRoot';
import { SAMPLER_NAME, deploySampler } from '../../src/main/telemetry/deploySampler';
import { samplerScript } from '../../src/main/telemetry/samplerScript';
import { slowEvery } from '../../src/shared/telemetry/series';
import { compileSampler } from '../../src/main/testbox/workloads';
import { FrameParser, type Frame } from '../../src/shared/telemetry/frameParser';
import type { KernelLogRecord } from '../../src/shared/telemetry/kernelLog';
import { addTempUser, removeSshd, startSshd, type Sshd } from './sshd';
import { until } from '../support/until';

// The C sampler (resources/sampler/numalab-sampler.c) on this machine: its stream through the
// real FrameParser, its names against the kernel's files and the shell sampler's, its argument
// checks; then through the real lab (local: sampler c) and a real sshd (a user who cannot write
// the upload dir: the shell sampler, with the reason recorded).
const dir = mkdtempSync(join(tmpdir(), 'numalab-csampler-'));
let bin: string;
let hash: string;

beforeAll(async () => {
  const built = await compileSampler(() => {});
  expect(built.failed).toEqual([]);
  bin = join(built.dir, SAMPLER_NAME);
  hash = built.hash;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Captured {
  frames: Frame[];
  info: Record<string, string>;
  kmsg: KernelLogRecord[];
  parser: FrameParser;
  code: number | null;
  signal: string | null;
  stderr: string;
  seconds: number;
}

/** Runs a sampler command for `ms`, then SIGINT; everything it printed goes through FrameParser. */
async function capture(cmd: string, args: string[], ms: number, during?: (info: Record<string, string>) => void): Promise<Captured> {
  const frames: Frame[] = [];
  const info: Record<string, string> = {};
  const kmsg: KernelLogRecord[] = [];
  const parser = new FrameParser({ frame: (f) => frames.push(f), info: (k, v) => (info[k] = v), kernelLog: (r) => kmsg.push(r) });
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => parser.push(d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<[number | null, string | null]>((r) => child.on('exit', (c, s) => r([c, s])));
  const t0 = performance.now();
  await until('the header', () => info.period_us !== undefined, 10_000);
  during?.(info);
  await new Promise((r) => setTimeout(r, ms));
  child.kill('SIGINT');
  const [code, signal] = await exited;
  parser.end();
  return { frames, info, kmsg, parser, code, signal, stderr, seconds: (performance.now() - t0) / 1000 };
}

const PREFIXES = ['numastat.', 'meminfo.', 'mthp.'];
const isExtra = (n: string) => PREFIXES.some((p) => n.startsWith(p));

describe('the C sampler on this machine', () => {
  it('at 100 Hz: every frame parses, names match /proc/vmstat and the shell sampler, seq and t advance, kmsg after start only', async () => {
    const every = 50;
    const before = `numalab-csampler-before-${process.pid}-${Date.now()}`;
    const after = `numalab-csampler-after-${process.pid}-${Date.now()}`;
    writeFileSync('/dev/kmsg', `<6>${before}\n`);
    const c = await capture(bin, ['100', String(every), '1'], 2500, () => writeFileSync('/dev/kmsg', `<6>${after}\n`));
    expect(c.code, c.stderr).toBe(0);
    expect(c.parser.stats.malformedLines, c.parser.stats.examples.join('\n')).toBe(0);
    expect(c.parser.stats.unknownMarkers).toBe(0);
    expect(c.parser.stats.truncatedFrames).toBeLessThanOrEqual(1);
    expect(c.info).toMatchObject({ sampler: 'c', clock: 'n', period_us: '10000', extras_every: String(every), kmsg: '/dev/kmsg' });
    expect(c.info.kernel).toBe(readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim());
    // Liveness, loosely: at least half the frames 100 Hz would give in the time it ran.
    expect(c.frames.length).toBeGreaterThan(100 * (c.seconds - 1) * 0.5);
    c.frames.forEach((f, i) => {
      expect(f.seq).toBe(i);
      if (i) expect(f.t).toBeGreaterThan(c.frames[i - 1].t);
    });
    // vmstat: every frame carries exactly the names this kernel prints.
    const vmstatNames = readFileSync('/proc/vmstat', 'utf8').trim().split('\n').map((l) => l.split(' ')[0]).sort();
    for (const f of c.frames) expect([...f.values.keys()].filter((n) => !isExtra(n)).sort()).toEqual(vmstatNames);
    // Extras on ticks 0, every, 2·every, … and on no other.
    for (const f of c.frames) expect([...f.values.keys()].some(isExtra), `frame ${f.seq}`).toBe(f.seq % every === 0);
    // kmsg: the record written after start, not the one before.
    expect(c.kmsg.some((r) => r.text.includes(after))).toBe(true);
    expect(c.kmsg.some((r) => r.text.includes(before))).toBe(false);

    // The shell sampler on the same machine prints the same names (vmstat and extras).
    const s = await capture('sh', ['-c', samplerScript({ rateHz: 10, extraEvery: slowEvery(10), kmsg: false })], 500);
    expect(s.parser.stats.malformedLines).toBe(0);
    const extrasOf = (f: Frame) => [...f.values.keys()].filter(isExtra).sort();
    const shellExtras = extrasOf(s.frames[0]);
    expect(shellExtras.length).toBeGreaterThan(0);
    expect(extrasOf(c.frames[0])).toEqual(shellExtras);
    expect(shellExtras.some((n) => /^numastat\.node\d+\.numa_hit$/.test(n))).toBe(true);
    expect(shellExtras.some((n) => /^meminfo\.node\d+\.MemFree$/.test(n))).toBe(true);
    expect([...s.frames[0].values.keys()].filter((n) => !isExtra(n)).sort()).toEqual(vmstatNames);
    // Gauges agree in kind: the same per-node MemFree order of magnitude from both.
    const k = shellExtras.find((n) => n.endsWith('.MemFree'))!;
    expect(c.frames[0].values.get(k)! / s.frames[0].values.get(k)!).toBeGreaterThan(0.5);
  });

  it('refuses bad arguments with a usage message and a non-zero status', () => {
    for (const args of [[], ['10', '20'], ['101', '20', '1'], ['0', '20', '1'], ['10', '0', '1'], ['10', '20', '2'], ['1e1', '20', '1'], ['10', '-1', '1'], ['10', '20', '1', 'x'], ['10;', '20', '1']]) {
      const r = spawnSync(bin, args, { encoding: 'utf8', timeout: 5000 });
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/usage: numalab-sampler <rate> <extras-every> <kmsg>/);
      expect(r.stderr).toMatch(/from 1 to 100/);
    }
  });

  it('ends with status 0 on SIGTERM and SIGHUP too', async () => {
    for (const sig of ['SIGTERM', 'SIGHUP'] as const) {
      const child = spawn(bin, ['10', '20', '0'], { stdio: ['ignore', 'pipe', 'ignore'] });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      await until('a frame', () => out.includes('@E 0'), 5000);
      child.kill(sig);
      const code = await new Promise((r) => child.on('exit', (c) => r(c)));
      expect(code, sig).toBe(0);
    }
  });
});

describe('the C sampler through the lab', () => {
  it('`sample local --rate 100` records sampler c in the run meta; --rate 101 is refused', () => {
    const cli = (...args: string[]) => spawnSync(process.execPath, [join(repoRoot(), 'bin', 'numa-lab.mjs'), ...args], { encoding: 'utf8', timeout: 60_000 });
    const db = join(dir, 'cli.db');
    const bad = cli('sample', 'local', '--rate', '101', '--duration', '1s', '--db', db);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--rate takes samples per second from 1 to 100; got "101"/);

    const ok = cli('sample', 'local', '--rate', '100', '--duration', '2s', '--json', '--db', db);
    expect(ok.status, ok.stderr).toBe(0);
    const report = JSON.parse(ok.stdout);
    expect(report.run.status).toBe('completed');
    const ro = new Database(db, { readonly: true });
    try {
      const row = ro.prepare('SELECT meta_json FROM runs WHERE id = ?').get(report.run.id) as { meta_json: string };
      const meta = JSON.parse(row.meta_json);
      expect(meta.sampler).toMatchObject({ sampler: 'c', samplerDeploy: 'local', clock: 'n', period_us: '10000', extras_every: '200' });
      expect(meta.sampler.samplerFallback).toBeUndefined();
      expect(meta.parse).toMatchObject({ malformedLines: 0 });
      // 2 s at 100 Hz: well over one frame per 10 Hz tick (loose: a loaded machine may lag).
      expect(report.run.samples).toBeGreaterThan(60);
    } finally {
      ro.close();
    }
  });
});

describe('the C sampler on an ssh host', () => {
  let sshd: Sshd;
  let lab: Lab;
  const cleanups: Array<() => void> = [];
  const upDir = () => `/tmp/numa-lab-${hash}`;

  beforeAll(async () => {
    sshd = await startSshd();
    process.env.NUMA_LAB_SSH_CONFIG = sshd.clientConfig;
    process.env.NUMA_LAB_HOME = join(dir, 'home');
    lab = new Lab({ dbPath: join(dir, 'lab.db'), shell: 'headless', knobs: { autoRestore: false } });
  });
  afterAll(async () => {
    await lab?.close();
    for (const c of cleanups.reverse()) c();
    if (sshd) await removeSshd(sshd);
    delete process.env.NUMA_LAB_SSH_CONFIG;
    delete process.env.NUMA_LAB_HOME;
  });

  async function sampleBriefly(target: string) {
    const runId = await lab.telemetry.start({ target, rateHz: 10 });
    await until('3 stored samples', () => lab.telemetry.repo.get(runId).samples >= 3, 20_000);
    const end = await lab.telemetry.stop(runId);
    expect(end.status).toBe('stopped-by-user');
    return { detail: lab.telemetry.repo.detail(runId), events: lab.telemetry.repo.events(runId) };
  }

  it('a user who cannot write the upload dir samples with the shell loop, and the run says why; root gets the C sampler uploaded', async () => {
    // The upload dir exists, owned by root and not writable by others (as a root deployment
    // leaves it), and holds no sampler yet: the user's upload is refused by the kernel.
    rmSync(upDir(), { recursive: true, force: true });
    mkdirSync(upDir());
    chmodSync(upDir(), 0o755);
    cleanups.push(() => rmSync(upDir(), { recursive: true, force: true }));
    const user = 'numalabnoupload';
    cleanups.push(addTempUser(user, '/bin/sh'));
    const userTarget = `ssh://${user}@127.0.0.1:${sshd.port}`;

    const u = await sampleBriefly(userTarget);
    expect(u.detail.sampler.sampler).toBe('shell');
    expect(u.detail.sampler.samplerFallback).toMatch(new RegExp(`could not be uploaded to ${userTarget.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:${upDir()}/numalab-sampler: .*(Permission denied|denied)`));
    expect(u.detail.sampler.shell).toBeTruthy();
    const ev = u.events.find((e) => e.kind === 'sampler');
    expect(ev).toMatchObject({ severity: 'warning' });
    expect(ev!.text).toMatch(/^sampling with the shell loop: the C sampler could not be uploaded/);
    expect(u.detail.samples).toBeGreaterThanOrEqual(3);

    // Root over the same sshd: uploaded (sha-checked) into that dir, and the run uses it.
    const rootTarget = `ssh://root@127.0.0.1:${sshd.port}`;
    const r = await sampleBriefly(rootTarget);
    expect(r.detail.sampler).toMatchObject({ sampler: 'c', samplerPath: `${upDir()}/numalab-sampler`, samplerDeploy: 'uploaded' });
    expect(existsSync(`${upDir()}/numalab-sampler`)).toBe(true);
    expect(r.events.filter((e) => e.kind === 'sampler')).toEqual([]);
    // The next deployment finds that copy by its sha256 instead of uploading again; and now the
    // user may run it too (root's copy is world-executable and sha-identical).
    expect(await deploySampler(await lab.session(rootTarget))).toMatchObject({ ok: true, how: 'found' });
    expect(await deploySampler(await lab.session(userTarget))).toMatchObject({ ok: true, how: 'found' });
    // A directory no one can create (in /proc, even as root): a reason, not an exception.
    const nowhere = await deploySampler(await lab.session(rootTarget), { remoteDir: `/proc/numalab-nowhere-${process.pid}` });
    expect(nowhere.ok).toBe(false);
    if (!nowhere.ok) expect(nowhere.reason).toMatch(/could not be uploaded to .*\/proc\/numalab-nowhere-\d+\/numalab-sampler: mkdir/);
    // A filesystem mounted noexec (a hardened /tmp): the upload succeeds, the copy cannot run.
    const noexec = join(dir, 'noexec');
    mkdirSync(noexec);
    const m = spawnSync('mount', ['-t', 'tmpfs', '-o', 'noexec,size=8m', 'tmpfs', noexec], { encoding: 'utf8' });
    if (m.status !== 0) console.log(`cannot mount a noexec tmpfs here (${m.stderr.trim()}): the noexec case is not run`);
    else {
      cleanups.push(() => spawnSync('umount', [noexec]));
      const ne = await deploySampler(await lab.session(rootTarget), { remoteDir: `${noexec}/d` });
      expect(ne.ok).toBe(false);
      if (!ne.ok) expect(ne.reason).toMatch(/noexec\/d\/numalab-sampler does not run there \(status 126/);
    }
  });
});
