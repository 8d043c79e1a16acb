/**
 * The result shape shared by `run`, `sim` and export (issue 7):
 * `{kernel, workload, params, phases: {<phase>: {<counter>: delta}}, deltas: {<counter>: delta},
 *   events: [...]}`; a measured run and a prediction use the same shape.
 */
import { z } from 'zod';

/** Counter name → delta (absent means 0). */
export const CounterDeltasSchema = z.record(z.string(), z.number());
export type CounterDeltas = z.infer<typeof CounterDeltasSchema>;

/**
 * `move_pages(2)` outcome as the workload reports it: return value, errno, how many addresses
 * were passed and a count per status value (`node1`, `-EBUSY`, `-ENOENT`, ...).
 */
export const MovePagesSummarySchema = z.object({
  ret: z.number().int(),
  errno: z.number().int(),
  addresses: z.number().int().nonnegative(),
  status: z.record(z.string(), z.number().int().nonnegative()),
});
export type MovePagesSummary = z.infer<typeof MovePagesSummarySchema>;

export const ExperimentEventSchema = z.object({
  /** Seconds from the start of the run. */
  t: z.number(),
  /** e.g. phase, split, deferred_split, bug, note. */
  kind: z.string(),
  /** Human-readable text; for a BUG the kernel's message. */
  message: z.string(),
  phase: z.string().optional(),
  data: z.record(z.string(), z.unknown()).optional(),
});
export type ExperimentEvent = z.infer<typeof ExperimentEventSchema>;

export const ExperimentResultSchema = z.object({
  /** Kernel release (`uname -r`) for a measurement, the variant name for a prediction. */
  kernel: z.string(),
  workload: z.string(),
  params: z.record(z.string(), z.union([z.number(), z.string()])),
  phases: z.record(z.string(), CounterDeltasSchema),
  deltas: CounterDeltasSchema,
  events: z.array(ExperimentEventSchema),
  movePages: MovePagesSummarySchema.nullable().optional(),
});
export type ExperimentResult = z.infer<typeof ExperimentResultSchema>;

/** Sum per-phase deltas into run totals, dropping zeros. */
export function totalDeltas(phases: Record<string, CounterDeltas>): CounterDeltas {
  const out: CounterDeltas = {};
  for (const d of Object.values(phases)) {
    for (const [k, v] of Object.entries(d)) out[k] = (out[k] ?? 0) + v;
  }
  for (const k of Object.keys(out)) if (out[k] === 0) delete out[k];
  return out;
}
