/**
 * What capturing the kernel's migrate:mm_migrate_pages trace costs, per call, and what it loses,
 * at a high call rate on this machine (local host, root, tracefs):
 *   the calls: bursts of compaction from test/support/compact-burst.c (fault <mib> MiB, free every other
 *   page, write compact_memory): thousands of migrate_pages() calls a second, each moving up to 32
 *   pages, from one process, one node or not.
 *   off / on, interleaved per round: a 10 Hz sampling run without the trace, and one with it as
 *   the lab runs it (its own tracefs instance, a `cat trace_pipe` reader, collected every second
 *   into the store, pushed live). Per call:
 *     - the kernel's side: the burst's time per page moved, on against off (the tracepoint's cost
 *       sits inside the calls; at this size it is within the burst's own variation, said so);
 *     - the reader: CPU of the `cat` of trace_pipe (/proc/<pid>/schedstat, ns), and the trace text
 *       it wrote;
 *     - the lab: parsing and storing the records, in this process, over the text of the runs
 *       (each record through the event's format, into the store in one transaction per collect,
 *       as TraceCapture.collect does); and its whole process CPU, on against off (noisier: the
 *       sampling run is most of it);
 *     - loss: the ring buffer's overrun and dropped-event counts of every run.
 *   stalled reader: one more run whose reader is stopped (SIGSTOP) while bursts go on, the
 *   buffer's entries and bytes read after each: the bytes a call's records take in the ring
 *   buffer, hence how many calls the 4 MiB per CPU buffer holds with nobody reading, and for how
 *   long at the measured rate (an overrun, if the bursts get there, is reported as seen).
 *   --box <6.1|6.12>: the rates the lab's workloads produce, on a 2-node virtual NUMA box booted for
 *   the bench: numa-touch (NUMA balancing, THPs) and numa01 with base pages (thp.enabled=never:
 *   one call per page), each an experiment with the trace; calls, the busiest second's calls
 *   and the loss counts.
 * Writes the table to bench/results/trace-capture.txt as well.
 * Usage: npx tsx bench/trace-capture.ts [rounds=5] [mib=1024] [--box 6.12]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Lab } from '../src/main/lab';
import { BUFFER_KB, parseProbe, probeScript } from '../src/main/trace/tracefsScripts';
import { TraceRepo, type StoredTraceRow } from '../src/main/trace/traceRepo';
import { openDb } from '../src/main/store/store';
import { parseTraceLine } from '../src/shared/trace/eventFormat';
import { median } from './stats';
import { registerTestboxTransport, testboxDown, testboxUp } from '../src/main/testbox';

const boxAt = process.argv.indexOf('--box');
const boxSeries = boxAt > 0 ? process.argv[boxAt + 1] : undefined;
const positional = process.argv.slice(2).filter((_, i, a) => a[i] !== '--box' && a[i - 1] !== '--box');
const rounds = Number(positional[0] ?? 5);
const mib = Number(positional[1] ?? 1024);
if (boxAt > 0 && boxSeries !== '6.1' && boxSeries !== '6.12') {
  console.error('--box takes 6.1 or 6.12');
  process.exit(2);
}
if (!(Number.isInteger(rounds) && rounds >= 1 && rounds <= 50) || !(Number.isInteger(mib) && mib >= 16 && mib <= 4096)) {
  console.error('usage: npx tsx bench/trace-capture.ts [rounds 1..50, default 5] [mib 16..4096, default 1024]');
  process.exit(2);
}
if (process.getuid?.() !== 0) {
  console.error('trace-capture needs root (tracefs and /proc/sys/vm/compact_memory)');
  process.exit(1);
}
const work = mkdtempSync(join(tmpdir(), 'numalab-bench-trace-'));
const burstBin = join(work, 'compact-burst');
const gcc = spawnSync('gcc', ['-O2', '-Wall', '-o', burstBin, join(import.meta.dirname, '..', 'test', 'support', 'compact-burst.c')], { encoding: 'utf8' });
if (gcc.status !== 0) {
  console.error(`gcc failed: ${gcc.stderr}`);
  process.exit(1);
}
/** Bursts per run: enough calls per run that a run's fixed costs do not pass for per-call ones. */
const BURSTS = 6;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const lab = new Lab({ dbPath: join(work, 'lab.db'), shell: 'headless', knobs: { autoRestore: false, mountDebugfs: false } });

interface Burst {
  ns: number;
  pages: number;
  cpuNs: number;
}
function burst(): Burst {
  const r = spawnSync(burstBin, [String(mib)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`compact-burst exited ${r.status}: ${r.stderr}`);
  const [, ns, pages, cpuNs] = r.stdout.trim().split(' ').map(Number);
  return { ns: ns!, pages: pages!, cpuNs: cpuNs! };
}

/** CPU time a process has run, seconds (/proc/<pid>/schedstat: ns on the CPU), or 0 once it is gone. */
function cpuOf(pid: number | null | undefined): number {
  if (!pid) return 0;
  try {
    return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1e9;
  } catch {
    return 0;
  }
}

interface RunResult {
  mode: 'off' | 'on';
  burst: Burst;
  labCpuS: number;
  wallS: number;
  calls: number;
  overrun: number;
  dropped: number;
  readerCpuS: number;
  traceBytes: number;
  /** The reader's text (on runs), for the parse + store measurement. */
  text: string;
}

async function oneRun(mode: 'off' | 'on'): Promise<RunResult> {
  const c0 = process.cpuUsage();
  const w0 = performance.now();
  const runId = await lab.telemetry.start({ target: 'local', rateHz: 10, trace: mode === 'on', traceLive: true });
  if (mode === 'on') {
    const r = await lab.telemetry.traceReady(runId);
    if (!r.capturing) throw new Error(`no trace: ${r.missing}`);
  }
  while (lab.telemetry.repo.get(runId).samples < 3) await sleep(50);
  const entry = lab.telemetry.traces.open('local').find((e) => e.runId === runId);
  // The reader's CPU from here on is the calls' (its start, an exec of cat, is not).
  const reader0 = cpuOf(entry?.readerPid);
  const b: Burst = { ns: 0, pages: 0, cpuNs: 0 };
  for (let i = 0; i < BURSTS; i++) {
    const x = burst();
    b.ns += x.ns;
    b.pages += x.pages;
    b.cpuNs += x.cpuNs;
  }
  // Two live collects after the burst, as a user watching the run would have them.
  await sleep(2200);
  const readerCpuS = cpuOf(entry?.readerPid) - reader0;
  const traceFile = entry?.readerDir ? join(entry.readerDir, 'trace') : null;
  const traceBytes = traceFile && existsSync(traceFile) ? statSync(traceFile).size : 0;
  const text = traceFile && existsSync(traceFile) ? readFileSync(traceFile, 'utf8') : '';
  await lab.telemetry.stop(runId);
  const c = process.cpuUsage(c0);
  const t = lab.telemetry.traceOf(runId);
  return { mode, burst: b, labCpuS: (c.user + c.system) / 1e6, wallS: (performance.now() - w0) / 1000, calls: t?.calls ?? 0, overrun: t?.overrun ?? 0, dropped: t?.dropped ?? 0, readerCpuS, traceBytes, text };
}

/** The reader stopped while bursts go on: per-CPU entries after each burst, until the buffer overruns. */
async function stalledReader(maxBursts: number): Promise<{ bursts: number; heldMax: number; heldBytes: number; overrunAt: number | null; calls: number; overrun: number; dropped: number; pages: number; recordsPerCall: number }> {
  const runId = await lab.telemetry.start({ target: 'local', rateHz: 10, trace: true, traceLive: false });
  const ready = await lab.telemetry.traceReady(runId);
  if (!ready.capturing) throw new Error(`no trace: ${ready.missing}`);
  const entry = lab.telemetry.traces.open('local').find((e) => e.runId === runId)!;
  const stats = () => {
    const dir = `${entry.tracefs}/instances/${entry.instance}/per_cpu`;
    let entries = 0;
    let bytes = 0;
    let overrun = 0;
    for (let cpu = 0; existsSync(`${dir}/cpu${cpu}`); cpu++) {
      const s = readFileSync(`${dir}/cpu${cpu}/stats`, 'utf8');
      const n = Number(/^entries:\s*(\d+)/m.exec(s)?.[1] ?? 0);
      if (n > entries) [entries, bytes] = [n, Number(/^bytes:\s*(\d+)/m.exec(s)?.[1] ?? 0)];
      overrun += Number(/^overrun:\s*(\d+)/m.exec(s)?.[1] ?? 0);
    }
    return { entries, bytes, overrun };
  };
  process.kill(entry.readerPid!, 'SIGSTOP');
  let heldMax = 0;
  let heldBytes = 0;
  let overrunAt: number | null = null;
  let bursts = 0;
  let pages = 0;
  try {
    while (bursts < maxBursts) {
      pages += burst().pages;
      bursts++;
      const s = stats();
      if (s.overrun > 0) {
        overrunAt = bursts;
        break;
      }
      if (s.entries > heldMax) [heldMax, heldBytes] = [s.entries, s.bytes];
    }
  } finally {
    process.kill(entry.readerPid!, 'SIGCONT');
  }
  await lab.telemetry.stop(runId);
  const t = lab.telemetry.traceOf(runId)!;
  // Each call writes one record per enabled event (mm_migrate_pages, and mm_migrate_pages_start where the kernel has it).
  return { bursts, heldMax, heldBytes, overrunAt, calls: t.calls, overrun: t.overrun, dropped: t.dropped, pages, recordsPerCall: t.events.length };
}

/** Parses and stores the runs' text as TraceCapture.collect does: µs per call. */
function parseAndStore(texts: string[]): { calls: number; usPerCall: number } {
  const probe = parseProbe(spawnSync('sh', ['-c', probeScript()], { encoding: 'utf8' }).stdout);
  if (!probe.ok) throw new Error(probe.reason);
  const db = openDb({ path: join(work, 'parse.db') });
  const repo = new TraceRepo(db);
  let calls = 0;
  let seq = 0;
  const t0 = performance.now();
  texts.forEach((text, run) => {
    // One transaction per collect: about a second of records.
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i += 4000) {
      const rows: StoredTraceRow[] = [];
      for (const line of lines.slice(i, i + 4000)) {
        const l = parseTraceLine(line, probe.formats);
        if (l.kind !== 'record') continue;
        rows.push({ seq: seq++, tMs: l.record.ts * 1000, kind: 'call', record: l.record });
        if (l.record.event === 'mm_migrate_pages') calls++;
      }
      repo.addRows(run + 1, rows);
    }
  });
  const us = (performance.now() - t0) * 1000;
  db.close();
  return { calls, usPerCall: us / Math.max(1, calls) };
}

/** The workloads' own call rates on a virtual NUMA box, each an experiment with the trace. */
async function onBox(series: string): Promise<{ lines: string[]; busiest: number }> {
  registerTestboxTransport();
  const name = `bench-trace-${process.pid}`;
  const lines: string[] = [];
  let busiestAll = 0;
  try {
    const box = await testboxUp({ kernel: series, nodes: 2, memPerNodeMiB: 1024, cpusPerNode: 1, name });
    // numa01's call count swings with where the scheduler runs its threads: three repetitions.
    const specs: Array<{ workload: string; params: Record<string, string>; knobs: Record<string, string>; repeat: number }> = [
      { workload: 'numa-touch', params: { thps: '8', unmap: '0.5' }, knobs: {}, repeat: 1 },
      { workload: 'numa01', params: { size_mib: '256', loops: '10' }, knobs: { 'thp.enabled': 'never' }, repeat: 3 },
    ];
    for (const spec of specs) {
      const { done } = await lab.experiments.start({ target: box.target, ...spec, rateHz: 5, baselineS: 0, cooldownS: 0 });
      const row = await done;
      const what = `${spec.workload} ${Object.entries(spec.params).map(([k, v]) => `${k}=${v}`).join(' ')}${Object.entries(spec.knobs).map(([k, v]) => ` ${k}=${v}`).join('')}`;
      (row.outcome?.measured ?? []).forEach((m, i) => {
        const label = `${what}${spec.repeat > 1 ? `, repetition ${i + 1}` : ''}`.padEnd(64);
        if (!m.trace || m.trace.status !== 'captured' || m.runId === null) {
          lines.push(`${label} no trace (${m.trace?.reason ?? m.error ?? m.status})`);
          return;
        }
        const calls = lab.telemetry.traces.calls(m.runId);
        const perSecond = new Map<number, number>();
        for (const c of calls) perSecond.set(Math.floor(c.t), (perSecond.get(Math.floor(c.t)) ?? 0) + 1);
        const busiest = Math.max(0, ...perSecond.values());
        busiestAll = Math.max(busiestAll, busiest);
        const span = calls.length > 1 ? calls.at(-1)!.t - calls[0]!.t : 0;
        lines.push(`${label} ${String(m.trace.calls).padStart(7)} calls over ${span.toFixed(1)} s, busiest second ${busiest} calls; overrun ${m.trace.overrun}, dropped ${m.trace.dropped}`);
      });
      lines.push(`${' '.repeat(64)} verdict of the experiment: ${row.outcome?.judgement?.verdict ?? row.error ?? '—'}`);
    }
    return { lines: [`box ${box.release} (2 nodes × 1 CPU, TCG): the workloads' call rates with the trace as experiments take it`, ...lines], busiest: busiestAll };
  } finally {
    await lab.dropSession(`testbox:${name}`).catch(() => undefined);
    await testboxDown(name).catch(() => undefined);
  }
}

const results: RunResult[] = [];
try {
  for (let r = 0; r < rounds; r++) for (const mode of r % 2 ? (['on', 'off'] as const) : (['off', 'on'] as const)) results.push(await oneRun(mode));
  const off = results.filter((x) => x.mode === 'off');
  const on = results.filter((x) => x.mode === 'on');
  const calls = on.reduce((n, x) => n + x.calls, 0);
  const perPage = (xs: RunResult[]) => xs.map((x) => x.burst.ns / Math.max(1, x.burst.pages));
  const pagesPerCall = on.reduce((n, x) => n + x.burst.pages, 0) / Math.max(1, calls);
  const rate = on.map((x) => x.calls / (x.burst.ns / 1e9));
  const kernelNsPerCall = (median(perPage(on)) - median(perPage(off))) * pagesPerCall;
  const spreadOff = Math.max(...perPage(off)) - Math.min(...perPage(off));
  const labPerCallUs = ((median(on.map((x) => x.labCpuS)) - median(off.map((x) => x.labCpuS))) / Math.max(1, calls / on.length)) * 1e6;
  const parsed = parseAndStore(on.map((x) => x.text));
  const readerPerCallUs = (on.reduce((n, x) => n + x.readerCpuS, 0) / Math.max(1, calls)) * 1e6;
  const bytesPerCall = on.reduce((n, x) => n + x.traceBytes, 0) / Math.max(1, calls);
  const lossRuns = on.filter((x) => x.overrun + x.dropped > 0).length;
  const stall = await stalledReader(10);
  const box = boxSeries ? await onBox(boxSeries) : { lines: ["(the workloads' rates on a virtual NUMA box: run with --box 6.12)"], busiest: 0 };

  const callBytes = (stall.heldBytes / Math.max(1, stall.heldMax)) * stall.recordsPerCall;
  const capacity = (BUFFER_KB * 1024) / Math.max(1, callBytes);
  const uname = spawnSync('uname', ['-r'], { encoding: 'utf8' }).stdout.trim();
  const nodes = readFileSync('/sys/devices/system/node/online', 'utf8').trim();
  const lines = [
    `# bench/trace-capture.ts ${rounds} ${mib} — ${new Date().toISOString().slice(0, 10)}, kernel ${uname}, ${cpus().length} × ${cpus()[0]?.model.split(' ').slice(0, 2).join(' ')}, nodes ${nodes}`,
    `# ${rounds} rounds of ${BURSTS} compaction bursts each over ${mib} MiB of half-freed base pages, interleaved: a 10 Hz run without the trace (off) and with it as the lab runs it (on: its tracefs instance, BUFFER_KB=${BUFFER_KB} per CPU, a cat of trace_pipe, collected every 1 s into SQLite and pushed live).`,
    '',
    'per round           off: bursts ms  pages   ns/page | on: burst ms  pages   ns/page  calls  calls/s  overrun dropped  reader CPU s  lab CPU s (off → on)',
    ...off.map((o, i) => {
      const n = on[i]!;
      const f = (x: number, w: number, d = 0) => x.toFixed(d).padStart(w);
      return `round ${String(i + 1).padEnd(14)} ${f(o.burst.ns / 1e6, 9, 1)} ${f(o.burst.pages, 6)} ${f(o.burst.ns / Math.max(1, o.burst.pages), 9)} | ${f(n.burst.ns / 1e6, 9, 1)} ${f(n.burst.pages, 6)} ${f(n.burst.ns / Math.max(1, n.burst.pages), 9)} ${f(n.calls, 6)} ${f(n.calls / (n.burst.ns / 1e9), 8)} ${f(n.overrun, 8)} ${f(n.dropped, 7)} ${f(n.readerCpuS, 13, 2)} ${f(o.labCpuS, 6, 3)} → ${f(n.labCpuS, 5, 3)}`;
    }),
    '',
    `call rate in a burst (on): median ${median(rate).toFixed(0)} calls/s (${Math.min(...rate).toFixed(0)}..${Math.max(...rate).toFixed(0)}), ${pagesPerCall.toFixed(1)} pages per call`,
    `kernel, per call: ${kernelNsPerCall.toFixed(0)} ns (burst time per page, on − off, × pages per call); the off runs alone spread ${(spreadOff * pagesPerCall).toFixed(0)} ns per call: ${Math.abs(kernelNsPerCall) <= spreadOff * pagesPerCall ? 'within the bursts\' own variation, not resolved at this size' : 'beyond the bursts\' own variation'}`,
    `reader (cat trace_pipe), per call: ${readerPerCallUs.toFixed(2)} µs CPU (schedstat); ${bytesPerCall.toFixed(0)} bytes of trace text per call`,
    `lab, per call: parse + store ${parsed.usPerCall.toFixed(1)} µs (in process, ${parsed.calls} calls of the on runs' text); the whole lab process, on − off: ${labPerCallUs.toFixed(1)} µs CPU (medians of a run's CPU over the calls of a run; sampling is most of a run's CPU, so this one is noisy)`,
    `loss at this rate: overrun + dropped > 0 in ${lossRuns} of ${on.length} runs (overrun ${on.reduce((n, x) => n + x.overrun, 0)}, dropped ${on.reduce((n, x) => n + x.dropped, 0)} in all)`,
    `reader stopped (SIGSTOP) while bursts go on: ${stall.bursts} bursts, ${stall.pages} pages; up to ${stall.heldMax} entries (${stall.heldBytes} bytes) waited on one CPU ${stall.overrunAt ? `and the buffer overran at burst ${stall.overrunAt}` : 'without an overrun'}; after SIGCONT the capture read ${stall.calls} calls, overrun ${stall.overrun}, dropped ${stall.dropped}`,
    '',
    ...box.lines,
    '',
    `headroom: a call's records take ${callBytes.toFixed(0)} bytes of ring buffer (${stall.recordsPerCall} records: ${stall.heldBytes} bytes over ${stall.heldMax} entries), so one CPU's ${BUFFER_KB} KiB holds about ${capacity.toFixed(0)} calls with nobody reading: ${(capacity / Math.max(1, median(rate))).toFixed(1)} s of calls at the burst rate above${box.busiest ? `, ${(capacity / box.busiest).toFixed(1)} s at the busiest second on the box (${box.busiest} calls/s, as if all on one CPU)` : ''}`,
  ];
  const text = lines.join('\n');
  console.log(text);
  mkdirSync(join(import.meta.dirname, 'results'), { recursive: true });
  writeFileSync(join(import.meta.dirname, 'results', 'trace-capture.txt'), `${text}\n`);
} finally {
  await lab.close();
  rmSync(work, { recursive: true, force: true });
}
