import type { CliCommand } from './commands';
import { labFromFlags } from './labFromFlags';
import { UsageError } from './args';
import { CHARTED_FAMILIES, describeCounter, type CounterFamily } from '../../shared/telemetry/catalog';
import type { RunSummary } from '../../shared/telemetry/api';
import type { TelemetryRepo } from '../store/telemetryRepo';
import type { TraceRepo } from '../trace/traceRepo';
import { totalsByReason, type ReasonTotals, type TraceCapture } from '../../shared/trace/migrateCalls';

/** "30s", "2m", "1h", "500ms" or plain seconds → seconds. */
export function parseDuration(raw: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(raw.trim());
  if (!m) throw new UsageError(`--duration takes a duration such as 30s, 2m, 1h or 500ms; got ${JSON.stringify(raw)}`);
  const v = Number(m[1]) * ({ ms: 0.001, s: 1, m: 60, h: 3600 } as const)[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  if (!(v > 0) || v > 7 * 24 * 3600) throw new UsageError(`--duration must be more than 0 and at most 7 days; got ${raw}`);
  return v;
}

export function parseRate(raw: string): number {
  const v = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw) || !(v >= 1 && v <= 100)) throw new UsageError(`--rate takes samples per second from 1 to 100; got ${JSON.stringify(raw)}`);
  return v;
}

const FAMILY_TITLES: Record<CounterFamily, string> = {
  numa: 'NUMA',
  migration: 'migration',
  thp: 'THP',
  compaction: 'compaction',
  mthp: 'mTHP',
  node: 'per node',
  memory: 'memory',
  reclaim: 'reclaim',
  other: 'other',
};

export interface RunReport {
  run: RunSummary;
  /** Per charted family: counters (kind counter) whose cumulative delta over the run is not zero. */
  deltas: Record<string, Record<string, { delta: number; unit: string }>>;
  events: Array<{ t: number; kind: string; severity: string | null; text: string }>;
  /** With --trace: how the capture went, and the migrate_pages() calls per reason (every task). */
  trace?: { capture: TraceCapture | null; byReason: Record<string, ReasonTotals> };
}

export function runReport(repo: TelemetryRepo, runId: number): RunReport {
  const run = repo.get(runId);
  const names = repo.countersOf(runId).filter((c) => c.kind === 'counter' && CHARTED_FAMILIES.includes(c.family)).map((c) => c.name);
  const totals = repo.totals(runId, names);
  const deltas: RunReport['deltas'] = {};
  for (const f of CHARTED_FAMILIES) deltas[f] = {};
  for (const [name, d] of totals) {
    if (d === 0) continue;
    const c = describeCounter(name);
    deltas[c.family][name] = { delta: d, unit: c.unit };
  }
  const events = repo.events(runId).map((e) => ({ t: e.t, kind: e.kind, severity: e.severity, text: e.text }));
  return { run, deltas, events };
}

export function withTrace(report: RunReport, traces: TraceRepo, capture: TraceCapture | null): RunReport {
  return { ...report, trace: { capture, byReason: totalsByReason(traces.calls(report.run.id)) } };
}

export function formatReport(r: RunReport): string {
  const { run } = r;
  const lines = [
    `run ${run.id}  ${run.target}  ${run.status}${run.statusReason ? ` (${run.statusReason})` : ''}`,
    `  ${run.samples} samples over ${(run.lastT ?? 0).toFixed(1)} s at ${run.rateHz} Hz; kernel ${run.kernel ?? '?'}; clock ${run.hostClock ?? '?'}`,
  ];
  for (const [family, counters] of Object.entries(r.deltas)) {
    const entries = Object.entries(counters);
    lines.push(`${FAMILY_TITLES[family as CounterFamily]}${entries.length ? '' : ': no counter moved'}`);
    const w = Math.max(0, ...entries.map(([n]) => n.length));
    for (const [name, { delta, unit }] of entries) lines.push(`  ${name.padEnd(w)}  ${`+${delta}`.padStart(12)} ${unit}`);
  }
  if (r.events.length) {
    lines.push(`events (${r.events.length})`);
    for (const e of r.events.slice(0, 20)) lines.push(`  ${e.t.toFixed(2).padStart(8)} s  ${e.kind}${e.severity ? `/${e.severity}` : ''}  ${e.text}`);
  }
  if (r.trace) {
    const c = r.trace.capture;
    lines.push(c?.status === 'captured' ? `kernel trace: ${c.calls} migrate_pages() calls (overrun ${c.overrun}, dropped ${c.dropped})${c.reason ? `; ${c.reason}` : ''}` : `kernel trace missing: ${c?.reason ?? 'not started'}`);
    for (const [reason, t] of Object.entries(r.trace.byReason)) lines.push(`  ${reason.padEnd(18)} ${String(t.calls).padStart(8)} calls  ${String(t.succeeded).padStart(10)} pages moved  ${String(t.failed).padStart(8)} failed`);
  }
  return lines.join('\n');
}

export const sampleCommand: CliCommand = {
  words: ['sample'],
  usage: 'numa-lab sample <target> [--rate 10] [--duration 30s] [--trace] [--json]',
  summary: 'record /proc/vmstat, per-node, mTHP and kernel-log data of a host into a run; prints its id, then the deltas',
  flags: [
    { name: 'rate', type: 'string', valueName: 'Hz', help: 'samples per second, 1 to 100 (default 10)' },
    { name: 'duration', type: 'string', valueName: 'time', help: 'how long: 30s, 2m, 1h (default: until Ctrl-C)' },
    { name: 'trace', type: 'bool', help: "also capture the kernel's migrate:mm_migrate_pages trace (tracefs, root)" },
    { name: 'json', type: 'bool', help: 'print the run and its deltas as JSON at the end' },
  ],
  async run({ positionals, flags, out, err }) {
    if (positionals.length !== 1) throw new UsageError('sample needs exactly one <target>, e.g. local');
    const rateHz = typeof flags.rate === 'string' ? parseRate(flags.rate) : 10;
    const durationS = typeof flags.duration === 'string' ? parseDuration(flags.duration) : undefined;
    const lab = labFromFlags(flags);
    const onSigint = () => {
      if (runId !== undefined) void lab.telemetry.stop(runId);
    };
    let runId: number | undefined;
    try {
      runId = await lab.telemetry.start({ target: positionals[0], rateHz, durationS, ...(flags.trace ? { trace: true } : {}) });
      if (flags.trace) {
        const t = await lab.telemetry.traceReady(runId);
        err(t.capturing ? `run ${runId}: tracing migrate:mm_migrate_pages` : `run ${runId}: no kernel trace: ${t.missing}`);
      }
      process.on('SIGINT', onSigint);
      const msg = `run ${runId}: sampling ${positionals[0]} at ${rateHz} Hz ${durationS ? `for ${durationS} s` : 'until Ctrl-C'}`;
      if (flags.json) err(msg);
      else out(msg);
      const end = await lab.telemetry.whenDone(runId);
      const plain = runReport(lab.telemetry.repo, runId);
      const report = flags.trace ? withTrace(plain, lab.telemetry.traces, lab.telemetry.traceOf(runId)) : plain;
      out(flags.json ? JSON.stringify(report, null, 2) : formatReport(report));
      return end.status === 'completed' || end.status === 'stopped-by-user' ? 0 : 1;
    } finally {
      process.off('SIGINT', onSigint);
      await lab.close();
    }
  },
};
