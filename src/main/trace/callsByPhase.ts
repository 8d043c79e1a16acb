import { phaseOfMarker, type MigrateCall, type MigrateCallsByPhase } from '../../shared/trace/migrateCalls';
import { callOf, type StoredTraceRow } from './traceRepo';

/** At most this many calls of a phase go into a run's outcome (the trace_calls rows keep them all). */
export const CALLS_KEPT_PER_PHASE = 5000;

/**
 * A run's mm_migrate_pages calls split into the phases its markers bound: `phase X` (written
 * while the workload held at X's start) opens X and closes the phase before it. Only `phases`
 * are kept (those the run measured deltas for: the last marker closes the last of them).
 * `mine` picks the calls the comparison is about (the workload's own process, or every task).
 */
export function callsByPhase(rows: readonly StoredTraceRow[], phases: readonly string[], mine: (c: MigrateCall) => boolean): { byPhase: MigrateCallsByPhase; kept: number; dropped: number } {
  const byPhase: MigrateCallsByPhase = Object.fromEntries(phases.map((p) => [p, [] as MigrateCall[]]));
  let phase: string | null = null;
  let kept = 0;
  let dropped = 0;
  for (const r of rows) {
    if (r.kind === 'marker') {
      phase = phaseOfMarker(r.marker.text) ?? phase;
      continue;
    }
    if (r.record.event !== 'mm_migrate_pages' || phase === null || !(phase in byPhase)) continue;
    const c = callOf(r.record, r.tMs);
    if (!mine(c)) continue;
    if (byPhase[phase]!.length >= CALLS_KEPT_PER_PHASE) {
      dropped++;
      continue;
    }
    byPhase[phase]!.push(c);
    kept++;
  }
  return { byPhase, kept, dropped };
}

/** A call made by the process `pid` (its thread group when the kernel recorded it, else the thread itself). */
export const madeBy = (pid: number) => (c: MigrateCall) => (typeof c.tgid === 'number' ? c.tgid : c.pid) === pid;
