/**
 * What sampling costs the machine under test, side by side, at each asked rate (default 10 and
 * 100 Hz, 30 s each), one contender at a time:
 *   (a) the lab's C sampler (resources/sampler/numalab-sampler.c) as the lab runs it: vmstat every
 *       tick, per-node and mTHP files every 2 s, /dev/kmsg drained each tick;
 *   (b) the lab's shell sampler (src/main/telemetry/samplerScript.ts), same settings;
 *   (c) the cost floor: a plain C reader of /proc/vmstat (bench/vmstat-reader.c: open once,
 *       pread + clock_nanosleep, no output);
 *   (d) PCP: pmlogger logging mem.vmstat (pmdalinux) at the same interval, against a pmcd this
 *       bench starts with only the linux PMDA. Reported as pmlogger alone and as pmlogger + pmcd
 *       + pmdalinux (the fetch work is done in pmcd and pmdalinux).
 * For each: CPU seconds per second of the whole process tree over a steady-state window (from
 * 1 s after start to the end), from a cpuacct cgroup per contender (ns, counts exited children)
 * and from /proc/<pid>/stat utime+stime+cutime+cstime of the live tree (10 ms ticks: coarse at
 * these costs); the achieved rate and the interval jitter (mean and p95 of |interval − asked|)
 * from the contender's own stamps (lab samplers: @T; the reader: the stamps it prints at exit;
 * pmlogger: its archive's record times via pmdumplog).
 * Writes the table to bench/results/telemetry-sampler.txt as well.
 *   (c') for the decomposition: that reader also writing the text to a pipe each tick (one write,
 *       read by this process as the lab reads its sampler), i.e. the floor plus handing data on.
 * With rounds > 1 the whole set runs again (interleaved) and each CPU figure is the median over
 * rounds, the note giving the range (these costs are ~1 ms/s: a VM's noise is of that order).
 * Usage: npx tsx bench/telemetry-sampler.ts [seconds=30] [rates=10,100] [rounds=1]
 * PCP: apt-get install -y --no-install-recommends pcp (only the bench needs it, not the tests).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, rmdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { samplerScript } from '../src/main/telemetry/samplerScript';
import { slowEvery } from '../src/shared/telemetry/series';
import { SAMPLER_NAME } from '../src/main/telemetry/deploySampler';
import { compileSampler } from '../src/main/testbox/workloads';
import { FrameParser } from '../src/shared/telemetry/frameParser';
import { percentile } from './stats';

const seconds = Number(process.argv[2] ?? 30);
const rates = (process.argv[3] ?? '10,100').split(',').map(Number);
const rounds = Number(process.argv[4] ?? 1);
if (!(seconds >= 2) || !rates.every((r) => Number.isInteger(r) && r >= 1 && r <= 100) || !(Number.isInteger(rounds) && rounds >= 1 && rounds <= 20)) {
  console.error('usage: npx tsx bench/telemetry-sampler.ts [seconds >= 2, default 30] [rates, whole Hz 1..100, default 10,100] [rounds 1..20, default 1]');
  process.exit(2);
}
const WARMUP_MS = 1000;
const USER_HZ = 100;
const work = mkdtempSync(join(tmpdir(), 'numalab-bench-sampler-'));
const started = new Set<ChildProcess>();
const cgroups: string[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function cleanup(): void {
  for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const g of cgroups.splice(0)) {
    try {
      rmdirSync(g);
    } catch {
      // still has a task that is dying; the kernel frees it once empty
    }
  }
  rmSync(work, { recursive: true, force: true });
}
process.on('exit', cleanup);
for (const s of ['SIGINT', 'SIGTERM'] as const)
  process.on(s, () => {
    cleanup();
    process.exit(130);
  });

// ---- CPU accounting -------------------------------------------------------------------------
const CPUACCT = '/sys/fs/cgroup/cpuacct';
let cgSeq = 0;
function newCgroup(name: string): string | undefined {
  const g = join(CPUACCT, `numalab-bench-${process.pid}-${cgSeq++}-${name}`);
  try {
    mkdirSync(g);
    cgroups.push(g);
    return g;
  } catch {
    return undefined;
  }
}
const cgUsageNs = (g: string | undefined) => (g ? Number(readFileSync(join(g, 'cpuacct.usage'), 'utf8')) : NaN);

/** utime+stime+cutime+cstime (ticks) of pid and every live descendant. */
function treeTicks(root: number): number {
  const kids = new Map<number, number[]>();
  const own = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const s = readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
      const pid = Number(d);
      kids.set(Number(f[1]), [...(kids.get(Number(f[1])) ?? []), pid]);
      own.set(pid, Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]));
    } catch {
      // gone meanwhile
    }
  }
  let sum = 0;
  const todo = [root];
  while (todo.length) {
    const p = todo.pop()!;
    sum += own.get(p) ?? 0;
    todo.push(...(kids.get(p) ?? []));
  }
  return sum;
}

interface Proc {
  child: ChildProcess;
  cg?: string;
  exited: Promise<number | null>;
  out: string[];
  err: string[];
}

/** Starts cmd inside its own cpuacct cgroup (joined before exec, so every child is in it too). */
function startProc(name: string, cmd: string, args: string[], onStdout?: (s: string) => void): Proc {
  const cg = newCgroup(name);
  const child = cg
    ? spawn('sh', ['-c', 'echo $$ > "$0/cgroup.procs" && exec "$@"', cg, cmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  started.add(child);
  const p: Proc = { child, cg, out: [], err: [], exited: new Promise((r) => child.on('exit', (c) => r(c))) };
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (onStdout ? onStdout(d) : p.out.push(d)));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => p.err.push(d));
  return p;
}

async function stopProc(p: Proc, sig: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill(sig);
  const t = setTimeout(() => p.child.kill('SIGKILL'), 10_000);
  await p.exited;
  clearTimeout(t);
  if (p.cg) {
    try {
      rmdirSync(p.cg);
      cgroups.splice(cgroups.indexOf(p.cg), 1);
    } catch {
      // a child still exiting: removed at the end
    }
  }
}

interface Cpu {
  cg: number;
  stat: number;
}
const snap = (ps: Proc[]): { cg: number; ticks: number; t: number } => ({
  cg: ps.reduce((a, p) => a + cgUsageNs(p.cg), 0),
  ticks: ps.reduce((a, p) => a + treeTicks(p.child.pid!), 0),
  t: performance.now(),
});
const perSecond = (a: ReturnType<typeof snap>, b: ReturnType<typeof snap>): Cpu => {
  const dt = (b.t - a.t) / 1000;
  return { cg: (b.cg - a.cg) / 1e9 / dt, stat: (b.ticks - a.ticks) / USER_HZ / dt };
};

// ---- timing stats ---------------------------------------------------------------------------
interface Timing {
  frames: number;
  rate: number;
  meanDev: number;
  p95Dev: number;
  maxIv: number;
}
function timing(stampsS: number[], rateHz: number): Timing {
  const iv = stampsS.slice(1).map((t, i) => (t - stampsS[i]) * 1000);
  const asked = 1000 / rateHz;
  const dev = iv.map((x) => Math.abs(x - asked));
  return {
    frames: stampsS.length,
    rate: iv.length / (stampsS[stampsS.length - 1] - stampsS[0] || 1),
    meanDev: dev.reduce((a, x) => a + x, 0) / (dev.length || 1),
    p95Dev: dev.length ? percentile(dev, 95) : NaN,
    maxIv: iv.length ? Math.max(...iv) : NaN,
  };
}

interface Row {
  rate: number;
  name: string;
  cpu?: Cpu;
  timing?: Timing;
  note?: string;
}
const rows: Row[] = [];

/** Runs p for the warm-up plus `seconds`, measuring CPU over the steady window of `measured`. */
async function window(measured: Proc[]): Promise<Cpu> {
  await sleep(WARMUP_MS);
  const a = snap(measured);
  await sleep(seconds * 1000);
  return perSecond(a, snap(measured));
}

// ---- contenders -----------------------------------------------------------------------------
async function labSampler(name: string, rate: number, cmd: string, args: string[]): Promise<Row> {
  const stamps: number[] = [];
  const info: Record<string, string> = {};
  const parser = new FrameParser({ frame: (f) => stamps.push(f.t), info: (k, v) => (info[k] = v) });
  const p = startProc(name.replace(/\W+/g, '-'), cmd, args, (d) => parser.push(d));
  const cpu = await window([p]);
  await stopProc(p);
  parser.end();
  const st = parser.stats;
  const note = `${info.sampler === 'c' ? 'C' : info.shell ?? '?'}, clock ${info.clock}; malformed ${st.malformedLines}, truncated ${st.truncatedFrames}`;
  return { rate, name, cpu, timing: timing(stamps, rate), note };
}

async function plainReader(bin: string, rate: number, write: boolean): Promise<Row> {
  let bytes = 0;
  const p = startProc('reader', bin, [String(rate), write ? '1' : '0'], write ? (d) => (bytes += d.length) : undefined);
  const cpu = await window([p]);
  await stopProc(p);
  const stamps = (write ? p.err : p.out).join('').split('\n').filter((l) => l.startsWith('n')).map((l) => Number(l.slice(1)) / 1e9);
  return write
    ? { rate, name: "floor + 1 write/tick to a pipe", cpu, timing: timing(stamps, rate), note: `${Math.round(bytes / (stamps.length || 1))} bytes per tick` }
    : { rate, name: 'plain C vmstat reader (floor)', cpu, timing: timing(stamps, rate) };
}

interface Pcp {
  pmcd: Proc;
  socket: string;
  pmns: string;
  binadm: string;
}

function pcpConf(): Record<string, string> {
  const out: Record<string, string> = { PCP_BINADM_DIR: '/usr/lib/pcp/bin', PCP_PMDAS_DIR: '/var/lib/pcp/pmdas', PCP_VAR_DIR: '/var/lib/pcp' };
  try {
    for (const l of readFileSync('/etc/pcp.conf', 'utf8').split('\n')) {
      const m = /^(PCP_\w+)=(.*)$/.exec(l.trim());
      if (m) out[m[1]] = m[2];
    }
  } catch {
    // no /etc/pcp.conf: the defaults
  }
  return out;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** pmcd with only the linux PMDA (as a pipe daemon, pmdalinux), on a private socket and port. */
async function startPcp(): Promise<Pcp | string> {
  const c = pcpConf();
  const need = {
    pmcd: join(c.PCP_BINADM_DIR, 'pmcd'),
    pmlogger: join(c.PCP_BINADM_DIR, 'pmlogger'),
    pmnsmerge: join(c.PCP_BINADM_DIR, 'pmnsmerge'),
    pmdalinux: join(c.PCP_PMDAS_DIR, 'linux', 'pmdalinux'),
    pmdapmcd: join(c.PCP_PMDAS_DIR, 'pmcd', 'pmda_pmcd.so'),
    root_linux: join(c.PCP_VAR_DIR, 'pmns', 'root_linux'),
    root_pmcd: join(c.PCP_VAR_DIR, 'pmns', 'root_pmcd'),
  };
  const missing = Object.entries(need).filter(([, f]) => !existsSync(f));
  const hasDump = spawnSync('sh', ['-c', 'command -v pmdumplog'], { stdio: 'ignore' }).status === 0;
  if (missing.length || !hasDump)
    return `PCP is not installed here (missing: ${[...missing.map(([, f]) => f), ...(hasDump ? [] : ['pmdumplog'])].join(', ')}); install it with: apt-get install -y --no-install-recommends pcp`;
  // Our own PMNS (pmcd + linux): a Debian install without systemd may not have built the root one.
  const pmns = join(work, 'pmns');
  const m = spawnSync(need.pmnsmerge, ['-a', 'root_pmcd', 'root_linux', pmns], { cwd: join(c.PCP_VAR_DIR, 'pmns'), encoding: 'utf8' });
  if (m.status !== 0) return `pmnsmerge failed, PCP not measured: ${m.stderr.trim()}`;
  const conf = join(work, 'pmcd.conf');
  writeFileSync(conf, `pmcd\t2\tdso\tpmcd_init\t${need.pmdapmcd}\nlinux\t60\tpipe\tbinary\t\t${need.pmdalinux}\n\n[access]\nallow "local:*" : all;\n`);
  const socket = join(work, 'pmcd.socket');
  const port = await freePort();
  const user = process.getuid?.() === 0 ? 'root' : (spawnSync('id', ['-un'], { encoding: 'utf8' }).stdout.trim() || 'pcp');
  const pmcd = startProc('pmcd', need.pmcd, ['-f', '-A', '-i', '127.0.0.1', '-p', String(port), '-s', socket, '-n', pmns, '-c', conf, '-l', join(work, 'pmcd.log'), '-x', join(work, 'pmcd.fatal'), '-U', user]);
  const t0 = Date.now();
  while (Date.now() - t0 < 15_000) {
    const log = existsSync(join(work, 'pmcd.log')) ? readFileSync(join(work, 'pmcd.log'), 'utf8') : '';
    if (existsSync(socket) && /pmcd request port/.test(log) && /linux\s+60\s+\d+/.test(log)) return { pmcd, socket, pmns, binadm: c.PCP_BINADM_DIR };
    if (pmcd.child.exitCode !== null) break;
    await sleep(100);
  }
  await stopProc(pmcd);
  const why = [join(work, 'pmcd.fatal'), join(work, 'pmcd.log')].filter(existsSync).map((f) => readFileSync(f, 'utf8').trim().split('\n').slice(-5).join(' | '));
  return `pmcd did not start, PCP not measured: ${why.join(' | ') || pmcd.err.join('').trim() || 'no log'}`;
}

/** Record times of a pmlogger archive (pmdumplog prints HH:MM:SS.micro per record). */
function archiveStamps(archive: string, pmns: string): number[] {
  const r = spawnSync('pmdumplog', ['-n', pmns, archive, 'mem.vmstat.nr_free_pages'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const out: number[] = [];
  let day = 0;
  for (const l of r.stdout.split('\n')) {
    const m = /^(\d\d):(\d\d):(\d\d(?:\.\d+)?)\s/.exec(l);
    if (!m) continue;
    let t = Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) + day;
    if (out.length && t < out[out.length - 1] - 43200) (day += 86400), (t += 86400);
    out.push(t);
  }
  return out;
}

async function pmlogger(pcp: Pcp, rate: number): Promise<Row[]> {
  const conf = join(work, `pmlogger-${rate}.conf`);
  writeFileSync(conf, `log mandatory on ${Math.round(1000 / rate)} msec {\n  mem.vmstat\n}\n`);
  const archive = join(work, `archive-${rate}-${cgSeq}`); // pmlogger will not overwrite an archive
  const args = ['-h', `unix:${pcp.socket}`, '-n', pcp.pmns, '-c', conf, '-l', join(work, `pmlogger-${rate}.log`), archive];
  if (process.getuid?.() === 0) args.unshift('-U', 'root');
  const p = startProc(`pmlogger-${rate}`, join(pcp.binadm, 'pmlogger'), args);
  await sleep(WARMUP_MS);
  const a = { alone: snap([p]), all: snap([p, pcp.pmcd]) };
  await sleep(seconds * 1000);
  const b = { alone: snap([p]), all: snap([p, pcp.pmcd]) };
  await stopProc(p, 'SIGINT');
  const stamps = archiveStamps(archive, pcp.pmns);
  if (!stamps.length) {
    const log = existsSync(join(work, `pmlogger-${rate}.log`)) ? readFileSync(join(work, `pmlogger-${rate}.log`), 'utf8').trim().split('\n').slice(-3).join(' | ') : '';
    return [{ rate, name: 'PCP pmlogger (mem.vmstat)', note: `no records in the archive: ${log}` }];
  }
  const t = timing(stamps, rate);
  const metrics = spawnSync('pminfo', ['-h', `unix:${pcp.socket}`, '-n', pcp.pmns, 'mem.vmstat'], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean).length;
  return [
    { rate, name: 'PCP pmlogger alone', cpu: perSecond(a.alone, b.alone), timing: t, note: `${metrics} mem.vmstat metrics` },
    { rate, name: 'PCP pmlogger+pmcd+pmdalinux', cpu: perSecond(a.all, b.all), timing: t },
  ];
}

// ---- run ------------------------------------------------------------------------------------
const built = await compileSampler((l) => console.error(l));
if (!built.names.includes(SAMPLER_NAME)) throw new Error(`the C sampler does not compile: ${JSON.stringify(built.failed)}`);
const cSampler = join(built.dir, SAMPLER_NAME);
const reader = join(work, 'vmstat-reader');
const gcc = spawnSync('gcc', ['-static', '-O2', '-Wall', '-o', reader, join(import.meta.dirname, 'vmstat-reader.c')], { encoding: 'utf8' });
if (gcc.status !== 0) throw new Error(`bench/vmstat-reader.c does not compile: ${gcc.stderr}`);
const cg = newCgroup('probe');
const cpuSource = cg ? 'cpuacct cgroup per contender (ns)' : 'no writable cpuacct cgroup here: only /proc/<pid>/stat ticks';

let pcp: Pcp | string | undefined;
try {
  pcp = await startPcp();
  if (typeof pcp === 'string') console.error(pcp);
  for (let round = 0; round < rounds; round++)
  for (const rate of rates) {
    const every = slowEvery(rate);
    if (rounds > 1) console.error(`round ${round + 1} of ${rounds}`);
    await sleep(2000); // let pmcd's start (or the previous contender's end) settle
    console.error(`${rate} Hz: lab C sampler…`);
    rows.push(await labSampler('lab C sampler', rate, cSampler, [String(rate), String(every), '1']));
    console.error(`${rate} Hz: lab shell sampler…`);
    rows.push(await labSampler('lab shell sampler', rate, 'sh', ['-c', samplerScript({ rateHz: rate, extraEvery: every, kmsg: true })]));
    console.error(`${rate} Hz: plain reader…`);
    rows.push(await plainReader(reader, rate, false));
    console.error(`${rate} Hz: plain reader + a write per tick…`);
    rows.push(await plainReader(reader, rate, true));
    if (typeof pcp === 'string') rows.push({ rate, name: 'PCP pmlogger (mem.vmstat)', note: pcp });
    else {
      console.error(`${rate} Hz: pmlogger…`);
      rows.push(...(await pmlogger(pcp, rate)));
    }
  }
} finally {
  if (pcp && typeof pcp !== 'string') await stopProc(pcp.pmcd);
}

// Rounds: one row per (rate, contender), CPU the median over rounds (the note gives the range),
// timing from the round whose CPU was that median.
const agg: Row[] = [];
for (const r of rows) {
  if (agg.some((x) => x.rate === r.rate && x.name === r.name)) continue;
  const all = rows.filter((x) => x.rate === r.rate && x.name === r.name);
  const withCpu = all.filter((x) => x.cpu).sort((x, y) => (Number.isNaN(x.cpu!.cg) ? x.cpu!.stat - y.cpu!.stat : x.cpu!.cg - y.cpu!.cg));
  if (withCpu.length < 2) {
    agg.push(r);
    continue;
  }
  const mid = withCpu[(withCpu.length - 1) >> 1];
  const range = `cg ${withCpu[0].cpu!.cg.toFixed(6)}..${withCpu[withCpu.length - 1].cpu!.cg.toFixed(6)} over ${withCpu.length} rounds`;
  agg.push({ ...mid, note: [mid.note, range].filter(Boolean).join('; ') });
}
rows.splice(0, rows.length, ...agg);
const f = (x: number | undefined, d: number) => (x === undefined || Number.isNaN(x) ? '-' : x.toFixed(d));
const kernel = readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim();
const lines = [
  `# bench/telemetry-sampler.ts ${seconds} ${rates.join(',')} ${rounds} — ${new Date().toISOString().slice(0, 10)}, kernel ${kernel}, ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${readdirSync('/sys/devices/system/node').filter((d) => /^node\d+$/.test(d)).length} NUMA node(s)`,
  `# ${seconds} s per contender after a ${WARMUP_MS / 1000} s warm-up${rounds > 1 ? `, ${rounds} rounds (CPU: the median)` : ''}; lab samplers as the lab runs them (vmstat every tick, per-node + mTHP files every 2 s, kmsg on). CPU: ${cpuSource}, and utime+stime+cutime+cstime of the live tree from /proc/<pid>/stat (10 ms ticks).`,
  `# jitter = |interval − asked| over every interval of the run (the contender's own stamps).`,
  '',
  `${'Hz'.padEnd(4)}${'contender'.padEnd(30)}${'CPU s/s cg'.padStart(12)}${'CPU s/s stat'.padStart(13)}${'× floor'.padStart(9)}${'frames'.padStart(8)}${'rate Hz'.padStart(9)}${'mean|Δ| ms'.padStart(12)}${'p95|Δ| ms'.padStart(11)}${'max iv ms'.padStart(11)}  note`,
];
for (const r of rows) {
  const floor = rows.find((x) => x.rate === r.rate && x.name.startsWith('plain'))?.cpu;
  const ratio = r.cpu && floor ? (Number.isNaN(r.cpu.cg) ? r.cpu.stat / floor.stat : r.cpu.cg / floor.cg) : undefined;
  lines.push(
    `${String(r.rate).padEnd(4)}${r.name.padEnd(30)}${f(r.cpu?.cg, 6).padStart(12)}${f(r.cpu?.stat, 5).padStart(13)}${f(ratio, 2).padStart(9)}${String(r.timing?.frames ?? '-').padStart(8)}${f(r.timing?.rate, 3).padStart(9)}${f(r.timing?.meanDev, 3).padStart(12)}${f(r.timing?.p95Dev, 3).padStart(11)}${f(r.timing?.maxIv, 2).padStart(11)}  ${r.note ?? ''}`,
  );
}
const at10 = (n: string) => rows.find((x) => x.rate === 10 && x.name.startsWith(n))?.cpu?.cg;
if (at10('lab C') !== undefined && at10('plain') !== undefined) {
  const ratio = at10('lab C')! / at10('plain')!;
  const pl = at10('PCP pmlogger alone');
  const pa = at10('PCP pmlogger+');
  lines.push(
    '',
    `acceptance at 10 Hz: the C sampler uses ${ratio.toFixed(2)}× the plain reader's CPU (≤ 2×: ${ratio <= 2 ? 'yes' : 'NO'})` +
      (pl !== undefined ? `; pmlogger alone ${(pl / at10('plain')!).toFixed(2)}×, pmlogger+pmcd+pmdalinux ${(pa! / at10('plain')!).toFixed(2)}×` : '; PCP not measured'),
  );
}
const text = lines.join('\n') + '\n';
process.stdout.write(text);
mkdirSync(join(import.meta.dirname, 'results'), { recursive: true });
writeFileSync(join(import.meta.dirname, 'results', 'telemetry-sampler.txt'), text);
