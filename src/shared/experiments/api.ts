import { z } from 'zod';
import { ExperimentResultSchema, MovePagesSummarySchema } from '../experiment';
import { BUILD_KEY, DEBIAN_RELEASE, DEBIAN_SUITES } from '../testbox/kernels';
import { SimResultSchema } from '../sim/api';
import { ModelRefSchema, ResolvedVariantSchema, VariantOverridesSchema } from '../sim/behaviours';
import { MigrateCallsByPhaseSchema, TraceCaptureSchema } from '../trace/migrateCalls';

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
    rateHz: z.number().min(1).max(100).default(10),
    kernel: z.string().min(1).max(128).optional(),
    /** Behaviour switches over the model's kernel, with a name for the set (the patch under test). */
    variant: VariantOverridesSchema.optional(),
    baselineS: z.number().min(0).max(600).default(1),
    cooldownS: z.number().min(0).max(600).default(1),
    /** Capture the kernel's migrate:mm_migrate_pages trace beside the counters (where the host has tracefs and root); on unless false. */
    trace: z.boolean().optional(),
  })
  .strict();
/** What a user asks for (defaults applied): the same spec drives the real run and the prediction. */
export type ExperimentRequest = z.output<typeof ExperimentRequestSchema>;

/** Where an experiment is, for progress events. */
export const ExperimentPhaseSchema = z.enum(['prepare', 'forecast', 'baseline', 'setup', 'migrate', 'cooldown', 'restore', 'simulate', 'done']);
export type ExperimentPhase = z.infer<typeof ExperimentPhaseSchema>;
export const ExperimentProgressSchema = z.object({ repetition: z.number(), of: z.number(), phase: z.string(), message: z.string() });
export type ExperimentProgress = { repetition: number; of: number; phase: ExperimentPhase; message: string };

/**
 * A counter's verdict. `undecided`: the model's answer changes within its stated timing
 * uncertainty (a scan predicted within a tick's lateness of the window's edge), so the run can
 * neither confirm nor refute it; never counted as agreement. `nothing to compare`: the mechanism
 * the counter measures was off (numa.balancing=0 for numa-touch). `info`: machine-wide counters,
 * shown, not judged.
 */
export const VerdictSchema = z.enum(['exact', 'within tolerance', 'undecided', 'diverged', 'info', 'nothing to compare']);
export type Verdict = z.infer<typeof VerdictSchema>;

export const RangeSchema = z.object({ lo: z.number(), hi: z.number() });
export type Range = z.infer<typeof RangeSchema>;

/** One repetition against its own prediction (the replay given that repetition's measurements). */
export const RunVerdictSchema = z.object({
  repetition: z.number().int(),
  measured: z.number(),
  predicted: z.number(),
  verdict: VerdictSchema,
  /** How far apart they may be (0 for exact counters); never widened by other repetitions. */
  allowed: z.number(),
  /** The model's answers within its timing uncertainty, when they differ (judged against all). */
  boundary: RangeSchema.optional(),
  reason: z.string().optional(),
});
export type RunVerdict = z.infer<typeof RunVerdictSchema>;

export const CounterVerdictSchema = z.object({
  counter: z.string(),
  /** Mean over the repetitions. */
  measured: z.number(),
  /** The experiment's replay (the model given the mean of the repetitions' measurements). */
  predicted: z.number(),
  difference: z.number(),
  /** The worst of the repetitions' verdicts (diverged > undecided > within tolerance > exact). */
  verdict: VerdictSchema,
  /** The allowance of the repetition the verdict comes from. */
  allowed: z.number(),
  /** Spread of the measured repetitions (max − min): shown, never part of the allowance. */
  spread: z.number(),
  /** On a scan boundary: the range of the model's answers the verdict's repetition was judged against. */
  boundary: RangeSchema.optional(),
  /** Why, in words, for undecided, diverged and nothing-to-compare verdicts. */
  reason: z.string().optional(),
  /** A counter the workload is about: shown even when 0 on both sides. */
  key: z.boolean().optional(),
  /** Each repetition against its own prediction. */
  runs: z.array(RunVerdictSchema).optional(),
});
export type CounterVerdict = z.infer<typeof CounterVerdictSchema>;

/** An experiment's verdict, from its counters, its crashes and whether its mechanism ran at all. */
export const ExperimentVerdictSchema = z.enum([
  'agrees',
  'diverged',
  'undecided',
  'vacuous',
  'nothing to compare',
  'not compared',
  'no repetition completed',
  'crash as predicted',
  'unexpected crash',
  'predicted crash did not happen',
]);
export type ExperimentVerdict = z.infer<typeof ExperimentVerdictSchema>;

export const JudgementSchema = z.object({
  verdict: ExperimentVerdictSchema,
  /** One sentence: what decided the verdict. */
  reason: z.string(),
  /** Counters per verdict (whole run). */
  counts: z.record(z.string(), z.number()),
});
export type Judgement = z.infer<typeof JudgementSchema>;

/** One input the model was given, and where it came from. */
export const ModelInputSchema = z.object({
  knob: z.string(),
  value: z.string(),
  /**
   * host: read from the host after the knobs were set; user: --knob; workload: set by the lab
   * because the workload's mechanism needs it; measured: from the run itself (a replay);
   * assumed: not known before the run (a forecast), taken over `range`.
   */
  source: z.enum(['host', 'user', 'workload', 'measured', 'assumed']),
  detail: z.string(),
  range: z.object({ lo: z.string(), hi: z.string() }).optional(),
});
export type ModelInput = z.infer<typeof ModelInputSchema>;

const DeltasByPhase = z.record(z.string(), z.record(z.string(), z.number()));
const RangesSchema = z.object({ phases: z.record(z.string(), z.record(z.string(), RangeSchema)), total: z.record(z.string(), RangeSchema) });
const BugSchema = z.object({ message: z.string(), where: z.string(), condition: z.string(), function: z.string(), t: z.number() });

/**
 * The forecast: the model on the spec alone (topology, knobs, kernel), computed before the
 * workload starts. What the run will measure (CPU clocks, layout) is assumed, over a range; a
 * counter whose prediction changes over that range is uncertain, with the range and the words.
 */
export const ForecastSchema = z.object({
  kernel: z.string(),
  inputs: z.array(ModelInputSchema),
  phases: DeltasByPhase,
  deltas: z.record(z.string(), z.number()),
  ranges: RangesSchema,
  /** Per uncertain counter, in words: "numa_huge_pte_updates 16 or 24: …". */
  uncertain: z.array(z.string()),
  bug: BugSchema.nullable(),
  movePages: MovePagesSummarySchema.nullable(),
  /** Against the runs (filled once they are measured). */
  verdicts: z.array(CounterVerdictSchema).optional(),
  verdictsByPhase: z.record(z.string(), z.array(CounterVerdictSchema)).optional(),
  judgement: JudgementSchema.optional(),
  /** Runs with no counter diverged from the forecast, and of them how many only within its uncertainty. */
  asForecast: z.object({ runs: z.number(), of: z.number(), withinUncertainty: z.number() }).optional(),
});
export type Forecast = z.infer<typeof ForecastSchema>;

/** The replay of one repetition: the model given what that repetition measured. */
export const ReplaySchema = z.object({
  repetition: z.number().int(),
  inputs: z.array(ModelInputSchema),
  phases: DeltasByPhase,
  deltas: z.record(z.string(), z.number()),
  /** The model's answers with the CPU time before the window up to SCAN_BOUNDARY_CPU_MS lower. */
  ranges: RangesSchema,
  bug: BugSchema.nullable(),
  movePages: MovePagesSummarySchema.nullable(),
  /** The model's own mm_migrate_pages trace for that repetition, per phase. */
  migrateCalls: MigrateCallsByPhaseSchema.optional(),
});
export type Replay = z.infer<typeof ReplaySchema>;

export const KernelCrashSchema = z.object({
  kind: z.string(),
  /** The console line that was recognised first (without its printk timestamp). */
  message: z.string(),
  /** The console text around it: the lines before, the report, the panic. */
  text: z.string(),
  /** When the lab saw it (ISO time). */
  at: z.string().optional(),
  /** From parseOops: "kernel BUG at mm/migrate.c:2722!", the RIP symbol and function, the task, the call trace. */
  headline: z.string().optional(),
  rip: z.string().optional(),
  ripFunction: z.string().optional(),
  comm: z.string().optional(),
  callTrace: z.array(z.string()).optional(),
  /** The workload phase the crash came in (setup, migrate, …) and the seconds since that phase began. */
  phase: z.string().optional(),
  sincePhaseS: z.number().optional(),
});
export type KernelCrash = z.infer<typeof KernelCrashSchema>;

export const MeasuredRunSchema = ExperimentResultSchema.extend({
  /** Telemetry run holding the time series of this repetition. */
  runId: z.number().nullable(),
  /** Seconds from the telemetry run's start to the workload's start (to align the prediction). */
  workloadStartS: z.number().nullable(),
  /** crashed: the host's kernel crashed during the repetition (an outcome, compared with the prediction). */
  status: z.enum(['completed', 'stopped', 'failed', 'host-lost', 'crashed']),
  error: z.string().nullable(),
  refreshed: z.boolean(),
  output: z.string(),
  /** The workload's stderr and exit status (a custom command's are its result). */
  stderr: z.string().optional(),
  exitCode: z.number().nullable().optional(),
  /** The workload's own `NUMALAB result` JSON (elapsed times, nodes before/after, ...). */
  result: z.record(z.string(), z.unknown()).optional(),
  crash: KernelCrashSchema.optional(),
  /** The kernel's mm_migrate_pages calls per phase (the workload's own; all tasks for NUMA balancing), from its trace. */
  migrateCalls: MigrateCallsByPhaseSchema.optional(),
  /** Whether the trace was captured, and what it lost. */
  trace: TraceCaptureSchema.optional(),
});
export type MeasuredRun = z.infer<typeof MeasuredRunSchema>;

export const PredictedRunSchema = z.object({
  /** 1-based, as in `measured`. */
  repetition: z.number().int(),
  /** The calibration knobs of that repetition (sim.prewindow_cpu_ms, sim.cpu_share, ...). */
  knobs: z.record(z.string(), z.string()),
  phases: z.record(z.string(), z.record(z.string(), z.number())),
  deltas: z.record(z.string(), z.number()),
});
export type PredictedRun = z.infer<typeof PredictedRunSchema>;

export const ExperimentOutcomeSchema = z.object({
  spec: z.object({
    target: z.string(),
    workload: z.string(),
    params: z.record(z.string(), z.union([z.number(), z.string()])),
    /** The knobs the run used (the user's, and those the workload needs) with the calibration the model was given. */
    knobs: z.record(z.string(), z.string()),
    kernel: z.string(),
    variant: VariantOverridesSchema.optional(),
    topology: z.object({
      nodes: z.array(z.object({ id: z.number(), cpus: z.array(z.number()), memMiB: z.number() })),
      /** node_distance() rows in `nodes` order, when the host's were read (absent: 10 local, 20 remote). */
      distance: z.array(z.array(z.number())).optional(),
    }),
  }),
  /** The model the forecast and the replays used: its base preset, every switch, what was changed. */
  model: ResolvedVariantSchema.optional(),
  measured: z.array(MeasuredRunSchema),
  /** The replay given the mean of the repetitions' measurements; null for `custom` (measured, never simulated). */
  predicted: SimResultSchema.nullable(),
  verdicts: z.array(CounterVerdictSchema),
  verdictsByPhase: z.record(z.string(), z.array(CounterVerdictSchema)),
  /** The judgement says diverged, or a crash the prediction did not have (or the reverse). */
  diverged: z.boolean(),
  /**
   * NUMA-balancing workloads: the model run again for each completed repetition with the CPU
   * clocks and sweep speed that repetition measured (its own calibration knobs), so a scan that
   * fell in or out of one run's window is predicted for that run. The replays' deltas.
   */
  predictedPerRun: z.array(PredictedRunSchema).optional(),
  /** The model on the spec alone, before the workload started. */
  forecast: ForecastSchema.nullable().optional(),
  /** Per completed repetition: the model given that repetition's measurements, each input with its source. */
  replays: z.array(ReplaySchema).optional(),
  /** The replay's verdict on the whole experiment. */
  judgement: JudgementSchema.optional(),
  /** What the comparison cannot cover: knobs the model does not model, a release newer than any verified, a mechanism turned off. */
  warnings: z.array(z.string()).optional(),
});
export type ExperimentOutcome = z.infer<typeof ExperimentOutcomeSchema>;

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
  /** The experiment's verdict (null while running, or for a row stored before verdicts had names). */
  verdict: ExperimentVerdictSchema.nullable().optional(),
  /** The error's code when it failed (LabErrorCode), e.g. needs-nodes or bad-value. */
  errorCode: z.string().nullable().optional(),
  params: z.record(z.string(), z.string()),
  knobs: z.record(z.string(), z.string()).optional(),
  repeat: z.number(),
  /** Sampling rate of the run (the request's). */
  rateHz: z.number().optional(),
  /** Behaviour switches the request set over the model's kernel (the patch under test). */
  behaviours: z.record(z.string(), z.string()).optional(),
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

/**
 * Kernel A against kernel B on the same spec and topology (`numa-lab ab`, the Experiments
 * view's A/B): each side with the model it was judged against, its verdict and crash, and per
 * counter the measured mean beside that side's model number (the replay where a repetition
 * completed, else the forecast: a crashed run has no replay).
 */
export const AbSideSchema = z.object({
  label: z.enum(['A', 'B']),
  /** What was asked for: a Debian kernel, a bzImage path, or build:<key>. */
  kernel: z.string(),
  release: z.string(),
  /** The model variant it was judged against. */
  model: z.string(),
  target: z.string(),
  experimentId: z.number(),
  verdict: ExperimentVerdictSchema.nullable(),
  reason: z.string().nullable(),
  diverged: z.boolean(),
  crash: z.object({ headline: z.string(), rip: z.string().nullable(), phase: z.string().nullable(), sincePhaseS: z.number().nullable() }).nullable(),
  /** The BUG the model predicted for it, if any. */
  predictedBug: z.string().nullable(),
  repetitions: z.array(z.string()),
});
export type AbSide = z.infer<typeof AbSideSchema>;
export const AbRowSchema = CompareRowSchema.extend({ predictedA: z.number().nullable(), predictedB: z.number().nullable() });
export type AbRow = z.infer<typeof AbRowSchema>;
const PredictedFrom = z.enum(['replay', 'forecast', 'none']);
export const AbComparisonSchema = z.object({ a: AbSideSchema, b: AbSideSchema, predictedFrom: z.object({ a: PredictedFrom, b: PredictedFrom }), rows: z.array(AbRowSchema) });
export type AbComparison = z.infer<typeof AbComparisonSchema>;

/** A kernel the box can boot, as the UI may name it: a Debian series, suite or release, or a lab build (build:<key>; paths are CLI-only). */
export const BoxKernelSchema = z
  .string()
  .refine(
    (k) => k === '6.1' || k === '6.12' || (DEBIAN_SUITES as readonly string[]).includes(k) || DEBIAN_RELEASE.test(k) || BUILD_KEY.test(k),
    `a kernel: 6.1, 6.12, a Debian suite (${DEBIAN_SUITES.join(', ')}), a Debian release such as 6.12.117+deb13-amd64, or build:<key> of a kernel the lab built`,
  );

export const AbRequestSchema = z
  .object({
    kernels: z.tuple([BoxKernelSchema, BoxKernelSchema]),
    /** Each side's model; default: its build's declared variant, else its release's. */
    variants: z.tuple([ModelRefSchema.optional(), ModelRefSchema.optional()]).default([undefined, undefined]),
    nodes: z.number().int().min(1).max(16).default(2),
    cpusPerNode: z.number().int().min(1).max(16).default(1),
    memPerNodeMiB: z.number().int().min(128).max(1 << 20).default(1024),
    request: ExperimentRequestSchema.omit({ target: true, kernel: true }),
  })
  .strict();
export type AbRequest = z.output<typeof AbRequestSchema>;

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
  /** The compare report (`numa-lab compare A B --format png`) as a PNG, base64: the same renderer as the CLI (headless Chromium); `unsupported` when there is none. */
  'experiments.comparePng': { params: z.object({ a: Id, b: Id }).strict(), result: z.object({ png: z.string() }) },
  /** The same report as HTML (`numa-lab compare A B --format html`): spec header, charts with the stored time series, table. */
  'experiments.compareReport': { params: z.object({ a: Id, b: Id }).strict(), result: z.object({ html: z.string() }) },
  /** Boots A, runs the request, powers it off; the same for B; then both side by side. Progress: experiments.abProgress. */
  'experiments.ab': { params: AbRequestSchema, result: AbComparisonSchema },
} as const;

export const experimentEvents = {
  'experiments.progress': ExperimentProgressSchema.extend({ experimentId: z.number() }),
  /** The forecast, as soon as it is computed: before the workload starts. */
  'experiments.forecast': z.object({ experimentId: z.number(), forecast: ForecastSchema }),
  'experiments.changed': z.object({ experimentId: z.number(), status: ExperimentStatusSchema }),
  'experiments.abProgress': z.object({ label: z.enum(['A', 'B']), message: z.string() }),
} as const;
