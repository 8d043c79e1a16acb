import { z } from 'zod';
import { ExperimentResultSchema } from '../experiment';
import { SimResultSchema } from '../sim/api';

/** LabApi for experiments: run a workload on a host beside its prediction, and compare runs. */
const Name = z.string().regex(/^[a-z][a-z0-9_.\-/]{0,95}$/i, 'a name of letters, digits, "_", ".", "-" or "/"');
const Value = z.string().max(256);

export const ExperimentRequestSchema = z
  .object({
    target: z.string().min(1).max(1100),
    workload: z.string().max(32),
    params: z.record(Name, Value).default({}),
    knobs: z.record(Name, z.string().max(64)).default({}),
    repeat: z.number().int().min(1).max(50).default(1),
    rateHz: z.number().min(1).max(50).default(10),
    kernel: z.string().min(1).max(128).optional(),
    baselineS: z.number().min(0).max(600).default(1),
    cooldownS: z.number().min(0).max(600).default(1),
  })
  .strict();

export const CounterVerdictSchema = z.object({
  counter: z.string(),
  measured: z.number(),
  predicted: z.number(),
  difference: z.number(),
  verdict: z.enum(['exact', 'within tolerance', 'diverged', 'info']),
  allowed: z.number(),
  spread: z.number(),
  /** On a scan boundary: the range of predictions the measured value was judged against. */
  boundary: z.object({ lo: z.number(), hi: z.number() }).optional(),
});

export const MeasuredRunSchema = ExperimentResultSchema.extend({
  runId: z.number().nullable(),
  workloadStartS: z.number().nullable(),
  status: z.enum(['completed', 'stopped', 'failed', 'host-lost']),
  error: z.string().nullable(),
  refreshed: z.boolean(),
  output: z.string(),
  result: z.record(z.string(), z.unknown()).optional(),
});

export const PredictedRunSchema = z.object({
  repetition: z.number().int(),
  knobs: z.record(z.string(), z.string()),
  phases: z.record(z.string(), z.record(z.string(), z.number())),
  deltas: z.record(z.string(), z.number()),
});

export const ExperimentOutcomeSchema = z.object({
  spec: z.object({
    target: z.string(),
    workload: z.string(),
    params: z.record(z.string(), z.union([z.number(), z.string()])),
    knobs: z.record(z.string(), z.string()),
    kernel: z.string(),
    topology: z.object({ nodes: z.array(z.object({ id: z.number(), cpus: z.array(z.number()), memMiB: z.number() })) }),
  }),
  measured: z.array(MeasuredRunSchema),
  predicted: SimResultSchema.nullable(),
  verdicts: z.array(CounterVerdictSchema),
  verdictsByPhase: z.record(z.string(), z.array(CounterVerdictSchema)),
  diverged: z.boolean(),
  /**
   * NUMA-balancing workloads: the model run again for each completed repetition with the CPU
   * clocks and sweep speed that repetition measured (its own calibration knobs), so a scan that
   * fell in or out of one run's window is predicted for that run.
   */
  predictedPerRun: z.array(PredictedRunSchema).optional(),
});

export const ExperimentStatusSchema = z.enum(['running', 'completed', 'failed', 'stopped', 'interrupted']);

export const ExperimentSummarySchema = z.object({
  id: z.number(),
  createdAt: z.string(),
  endedAt: z.string().nullable(),
  target: z.string(),
  workload: z.string(),
  status: ExperimentStatusSchema,
  error: z.string().nullable(),
  kernel: z.string().nullable(),
  model: z.string().nullable(),
  diverged: z.boolean().nullable(),
  params: z.record(z.string(), z.string()),
  repeat: z.number(),
});

export const CompareRowSchema = z.object({
  phase: z.string(),
  counter: z.string(),
  a: z.object({ n: z.number(), mean: z.number(), stddev: z.number(), min: z.number(), max: z.number() }),
  b: z.object({ n: z.number(), mean: z.number(), stddev: z.number(), min: z.number(), max: z.number() }),
  difference: z.number(),
  percent: z.number().nullable(),
  significance: z.string(),
});

const Id = z.number().int().positive();

export const experimentMethods = {
  'experiments.start': { params: z.object({ request: ExperimentRequestSchema }).strict(), result: z.object({ experimentId: Id }) },
  'experiments.stop': { params: z.object({ experimentId: Id }).strict(), result: z.object({ stopping: z.boolean() }) },
  'experiments.list': { params: z.object({}).strict(), result: z.array(ExperimentSummarySchema) },
  'experiments.get': {
    params: z.object({ experimentId: Id }).strict(),
    result: ExperimentSummarySchema.extend({ outcome: ExperimentOutcomeSchema.nullable() }),
  },
  'experiments.compare': {
    params: z.object({ a: Id, b: Id }).strict(),
    result: z.object({ a: ExperimentSummarySchema, b: ExperimentSummarySchema, rows: z.array(CompareRowSchema) }),
  },
} as const;

export const experimentEvents = {
  'experiments.progress': z.object({ experimentId: z.number(), repetition: z.number(), of: z.number(), phase: z.string(), message: z.string() }),
  'experiments.changed': z.object({ experimentId: z.number(), status: ExperimentStatusSchema }),
} as const;
