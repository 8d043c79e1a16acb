import { z } from 'zod';

/**
 * One migrate_pages() call as the `migrate:mm_migrate_pages` tracepoint reports it, on the
 * measured side (from the kernel's trace) and the predicted side (the model's own trace) alike.
 * `reason` and `mode` are the names the kernel prints (include/trace/events/migrate.h:
 * MIGRATE_REASON, MIGRATE_MODE); fields a release adds (6.7+: large_folio_split) are kept under
 * their field names, and a measured call also says which task made it (comm, pid, tgid).
 */
export const MigrateCallSchema = z
  .object({
    /** Seconds: on the run's clock (measured), on the model's clock from its start (predicted). */
    t: z.number(),
    reason: z.string(),
    mode: z.string(),
    succeeded: z.number(),
    failed: z.number(),
    thp_succeeded: z.number(),
    thp_failed: z.number(),
    thp_split: z.number(),
  })
  .catchall(z.union([z.number(), z.string()]));
export type MigrateCall = z.infer<typeof MigrateCallSchema>;

/** Calls per phase (setup, migrate, teardown; `run` for a custom command). */
export const MigrateCallsByPhaseSchema = z.record(z.string(), z.array(MigrateCallSchema));
export type MigrateCallsByPhase = z.infer<typeof MigrateCallsByPhaseSchema>;

/** The fields of a call the kernel and the model are compared on (task identity and time are not). */
export const CALL_FIELDS = ['reason', 'mode', 'succeeded', 'failed', 'thp_succeeded', 'thp_failed', 'thp_split', 'large_folio_split'] as const;

/** Why the measured trace of a repetition is what it is. */
export const TraceCaptureSchema = z.object({
  /** captured: the kernel's trace was read for the whole run; missing: it could not be (reason says why). */
  status: z.enum(['captured', 'missing']),
  reason: z.string().nullable(),
  /** The tracefs events enabled (migrate/mm_migrate_pages, migrate/mm_migrate_pages_start where present). */
  events: z.array(z.string()),
  /** Every mm_migrate_pages record read (all tasks), and how many of them are kept in migrateCalls. */
  calls: z.number(),
  kept: z.number(),
  /** The ring buffer's own loss counts over the run (per_cpu/cpuN/stats: overrun, dropped events). */
  overrun: z.number(),
  dropped: z.number(),
  /**
   * Whether every record up to the run's end marker was read (false: the reader did not reach it
   * in time, or reading failed). Absent in captures stored before it was recorded.
   */
  complete: z.boolean().optional(),
  /** Lines trace_pipe printed that did not fit their event's format. */
  malformed: z.number(),
  /** The telemetry run whose clock the calls' times are on (its trace_calls rows). */
  runId: z.number().nullable(),
});
export type TraceCapture = z.infer<typeof TraceCaptureSchema>;

/** The kernel's printed names for the model's enum values (include/trace/events/migrate.h). */
/**
 * Why a captured trace cannot be judged call by call: the ring buffer lost records, or the
 * reader did not get to the run's end. Its list is short of the kernel's calls by an unknown
 * number, so comparing it would call the model wrong for the measurement's loss. Null: whole.
 */
export function traceIncomplete(t: Pick<TraceCapture, 'status' | 'overrun' | 'dropped' | 'complete' | 'reason'>): string | null {
  if (t.status !== 'captured') return null;
  if (t.overrun || t.dropped) return `the trace buffer lost records (overrun ${t.overrun}, dropped ${t.dropped})`;
  if (t.complete === false) return t.reason ?? 'the trace was not read to its end';
  return null;
}

export const KERNEL_REASON_NAMES: Record<string, string> = {
  MR_COMPACTION: 'compaction',
  MR_MEMORY_FAILURE: 'memory_failure',
  MR_MEMORY_HOTPLUG: 'memory_hotplug',
  MR_SYSCALL: 'syscall_or_cpuset',
  MR_MEMPOLICY_MBIND: 'mempolicy_mbind',
  MR_NUMA_MISPLACED: 'numa_misplaced',
  MR_CONTIG_RANGE: 'contig_range',
  MR_LONGTERM_PIN: 'longterm_pin',
  MR_DEMOTION: 'demotion',
  MR_DAMON: 'damon',
};

/** What a reason means to a reader, for charts and tables. */
export const REASON_WORDS: Record<string, string> = {
  compaction: 'compaction',
  memory_failure: 'memory failure',
  memory_hotplug: 'memory hotplug',
  syscall_or_cpuset: 'system call (move_pages, migrate_pages) or cpuset',
  mempolicy_mbind: 'mbind(MPOL_MF_MOVE)',
  numa_misplaced: 'NUMA balancing (misplaced)',
  contig_range: 'alloc_contig_range',
  longterm_pin: 'long-term pin',
  demotion: 'demotion (memory tiering)',
  damon: 'DAMON',
};

/** One model trace record (src/sim MigrateTrace) in the kernel's shape. */
export function callFromModel(r: Record<string, unknown>): MigrateCall {
  const reason = String(r.reason ?? '');
  const call: MigrateCall = {
    t: Number(r.t ?? 0),
    reason: KERNEL_REASON_NAMES[reason] ?? reason.replace(/^MR_/, '').toLowerCase(),
    mode: String(r.mode ?? ''),
    succeeded: Number(r.succeeded ?? 0),
    failed: Number(r.failed ?? 0),
    thp_succeeded: Number(r.thp_succeeded ?? 0),
    thp_failed: Number(r.thp_failed ?? 0),
    thp_split: Number(r.thp_split ?? 0),
  };
  // The model says null where the modelled kernel's tracepoint lacks the field (6.1).
  if (typeof r.large_folio_split === 'number') call.large_folio_split = r.large_folio_split;
  return call;
}

/**
 * The model's trace per phase: a call belongs to the phase that had begun when it was made
 * (phase events and trace records share the model's clock; a call at a phase's first instant is
 * that phase's, as the model makes a phase's calls after announcing it).
 */
export function modelCallsByPhase(trace: ReadonlyArray<Record<string, unknown>>, events: ReadonlyArray<{ t: number; kind: string; data?: Record<string, unknown> }>): MigrateCallsByPhase {
  const starts = events.filter((e) => e.kind === 'phase' && typeof e.data?.phase === 'string').map((e) => ({ t: e.t, name: String(e.data!.phase) }));
  const out: MigrateCallsByPhase = Object.fromEntries(starts.map((s) => [s.name, [] as MigrateCall[]]));
  for (const r of trace) {
    const c = callFromModel(r);
    const phase = [...starts].reverse().find((s) => s.t <= c.t)?.name;
    if (phase) out[phase]!.push(c);
  }
  return out;
}

/** One call position of two traces side by side, and the fields that differ there. */
export interface AlignedCall {
  index: number;
  measured: MigrateCall | null;
  predicted: MigrateCall | null;
  /** Fields whose values differ; every field when one side has no call at this position. */
  differs: string[];
}

/** A field is compared when either side has it; a field only one side's kernel prints is a difference. */
export function callDifferences(m: MigrateCall, p: MigrateCall): string[] {
  return CALL_FIELDS.filter((f) => (f in m || f in p) && m[f] !== p[f]);
}

/** Call by call, in order: the n-th measured call against the n-th predicted one. */
export function alignCalls(measured: readonly MigrateCall[], predicted: readonly MigrateCall[]): AlignedCall[] {
  const n = Math.max(measured.length, predicted.length);
  return Array.from({ length: n }, (_, i) => {
    const m = measured[i] ?? null;
    const p = predicted[i] ?? null;
    return { index: i, measured: m, predicted: p, differs: m && p ? callDifferences(m, p) : [...CALL_FIELDS].filter((f) => f in (m ?? p ?? {})) };
  });
}

/** Per reason: how many calls, and the pages they moved and failed to move. */
export interface ReasonTotals {
  calls: number;
  succeeded: number;
  failed: number;
  thp_succeeded: number;
}

export function totalsByReason(calls: readonly MigrateCall[]): Record<string, ReasonTotals> {
  const out: Record<string, ReasonTotals> = {};
  for (const c of calls) {
    const t = (out[c.reason] ??= { calls: 0, succeeded: 0, failed: 0, thp_succeeded: 0 });
    t.calls++;
    t.succeeded += c.succeeded;
    t.failed += c.failed;
    t.thp_succeeded += c.thp_succeeded;
  }
  return out;
}

/**
 * pgmigrate_success by reason over time, cumulative, on `times` (seconds): what a stacked chart
 * draws. Each call adds its `succeeded` at its time.
 */
export function successByReasonOver(calls: readonly MigrateCall[], times: readonly number[]): { reasons: string[]; rows: Array<Record<string, number>> } {
  const sorted = [...calls].sort((a, b) => a.t - b.t);
  const reasons = [...new Set(sorted.map((c) => c.reason))].sort();
  const acc: Record<string, number> = Object.fromEntries(reasons.map((r) => [r, 0]));
  let i = 0;
  const rows = times.map((t) => {
    while (i < sorted.length && sorted[i]!.t <= t) {
      acc[sorted[i]!.reason]! += sorted[i]!.succeeded;
      i++;
    }
    return { t, ...acc };
  });
  return { reasons, rows };
}

/**
 * The marker an experiment writes into a run's trace as a phase begins (while the workload
 * holds), and the phase a marker opens (null for any other marker): calls after it are that
 * phase's.
 */
export const phaseMarkerText = (phase: string): string => `phase ${phase}`;
export const phaseOfMarker = (text: string): string | null => /^phase (\S+)$/.exec(text)?.[1] ?? null;

/** The first time each phase is named among `items`. */
function firstStarts<T extends { t: number }>(items: readonly T[], phaseOf: (x: T) => string | null | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of items) {
    const phase = phaseOf(x);
    if (phase && !(phase in out)) out[phase] = x.t;
  }
  return out;
}

/** When each phase began on a clock: the model's phase events (`data.phase`), or a run's "<phase> begins" events. */
export function phaseStarts(events: ReadonlyArray<{ t: number; kind: string; text?: string; data?: Record<string, unknown> }>): Record<string, number> {
  return firstStarts(events, (e) => (e.kind !== 'phase' ? null : typeof e.data?.phase === 'string' ? e.data.phase : /^(\S+) begins$/.exec(e.text ?? '')?.[1]));
}

/** When each phase began on a trace's own clock: the lab's phase markers. */
export function markerPhaseStarts(markers: ReadonlyArray<{ t: number; text: string }>): Record<string, number> {
  return firstStarts(markers, (m) => phaseOfMarker(m.text));
}

/**
 * The model's calls on a run's clock: each phase's calls keep their time into the phase, and the
 * phase starts where the run's did (the model's setup is not the run's in length: holds, the
 * lab's snapshots, the host's speed). A phase either side lacks a start for is shifted as the
 * setup phase is.
 */
export function onRunClock(byPhase: MigrateCallsByPhase, modelStarts: Record<string, number>, runStarts: Record<string, number>): MigrateCall[] {
  const out: MigrateCall[] = [];
  for (const [phase, calls] of Object.entries(byPhase)) {
    const shift = phase in runStarts && phase in modelStarts ? runStarts[phase]! - modelStarts[phase]! : (runStarts.setup ?? 0) - (modelStarts.setup ?? 0);
    for (const c of calls) out.push({ ...c, t: Math.round((c.t + shift) * 1e6) / 1e6 });
  }
  return out.sort((a, b) => a.t - b.t);
}
