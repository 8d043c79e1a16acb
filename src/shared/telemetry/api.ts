import { z } from 'zod';
import { COUNTER_FAMILIES, COUNTER_KINDS, COUNTER_SOURCES, COUNTER_UNITS, KIND_SOURCES } from './catalog';
import { CHART_CHOICE_PATTERN } from './charts';
import { MigrateCallSchema, TraceCaptureSchema } from '../trace/migrateCalls';

/** LabApi entries of telemetry: sampling runs, their series, events and exports. */

const Target = z.string().min(1).max(1100);
const RunId = z.number().int().positive();
export const RUN_STATUSES = ['running', 'completed', 'interrupted', 'host-lost', 'crashed', 'stopped-by-user'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const EVENT_KINDS = ['kernel-log', 'reset', 'knob', 'phase', 'note', 'sampler'] as const;
export type RunEventKind = (typeof EVENT_KINDS)[number];
/** Counter names as the sampler prints them (vmstat names, numastat.node0.numa_hit, mthp.2048kB.split). */
const CounterName = z.string().regex(/^[A-Za-z0-9_.-]{1,200}$/, 'a counter name such as thp_fault_alloc');

export const RunSummarySchema = z.object({
  id: RunId,
  target: z.string(),
  status: z.enum(RUN_STATUSES),
  statusReason: z.string().nullable(),
  rateHz: z.number(),
  durationS: z.number().nullable(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  samples: z.number().int(),
  /** Seconds from the first to the last sample. */
  lastT: z.number().nullable(),
  kernel: z.string().nullable(),
  hostClock: z.string().nullable(),
});
export type RunSummary = z.infer<typeof RunSummarySchema>;

export const CounterDescSchema = z.object({
  name: z.string(),
  unit: z.enum(COUNTER_UNITS),
  kind: z.enum(COUNTER_KINDS),
  /** 'kernel': the kind is the kernel's own definition; 'inferred': classified by the run's values. */
  kindFrom: z.enum(KIND_SOURCES),
  /** The kernel's home of the name (a vmstat section, numastat, meminfo, mthp_stat) or 'unknown'. */
  source: z.enum(COUNTER_SOURCES),
  family: z.enum(COUNTER_FAMILIES),
  meaning: z.string(),
  kernels: z.string(),
  unknown: z.boolean(),
});
export type CounterDesc = z.infer<typeof CounterDescSchema>;

export const RunEventSchema = z.object({
  id: z.number().int(),
  runId: RunId,
  /** Seconds since the run's first sample. */
  t: z.number(),
  kind: z.enum(EVENT_KINDS),
  severity: z.string().nullable(),
  counter: z.string().nullable(),
  text: z.string(),
});
export type RunEvent = z.infer<typeof RunEventSchema>;

export const ParseReportSchema = z.object({
  frames: z.number().int(),
  lines: z.number().int(),
  malformedLines: z.number().int(),
  unknownMarkers: z.number().int(),
  truncatedFrames: z.number().int(),
  kernelLogRecords: z.number().int(),
  examples: z.array(z.string()),
  unknownCounters: z.array(z.string()),
});
export type ParseReport = z.infer<typeof ParseReportSchema>;

export const RunDetailSchema = RunSummarySchema.extend({
  counters: z.array(CounterDescSchema),
  parse: ParseReportSchema.nullable(),
  sampler: z.record(z.string(), z.string()),
});
export type RunDetail = z.infer<typeof RunDetailSchema>;

export const SeriesSchema = z.object({
  name: z.string(),
  unit: z.enum(COUNTER_UNITS),
  kind: z.enum(COUNTER_KINDS),
  family: z.enum(COUNTER_FAMILIES),
  /** 'value' for gauges whatever was asked: a rate of a level is not what anyone wants. */
  /** 'interval': the increase over each sample interval (intervalS), as a count. */
  mode: z.enum(['rate', 'delta', 'interval', 'value']),
  /** The interval an 'interval' count covers, seconds (the sample interval, or a seek bucket). */
  intervalS: z.number().optional(),
  /** Seconds since the run's first sample. */
  t: z.array(z.number()),
  /** null where the counter was absent (or for a rate, at the first point). */
  y: z.array(z.number().nullable()),
  downsampled: z.enum(['none', 'lttb', 'minmax', 'seek']),
  /** Samples the series was computed from (before downsampling). */
  sourcePoints: z.number().int(),
});
export type Series = z.infer<typeof SeriesSchema>;

export const LivePointSchema = z.object({
  t: z.number(),
  /** Charted counters: cumulative increase since the run started (counters) or the level (gauges). */
  v: z.record(z.string(), z.number()),
});
export type LivePoint = z.infer<typeof LivePointSchema>;

export const telemetryMethods = {
  'telemetry.start': {
    params: z
      .object({
        target: Target,
        rateHz: z.number().min(1).max(100),
        durationS: z.number().positive().max(7 * 24 * 3600).optional(),
        /** Also capture the kernel's migrate:mm_migrate_pages trace (needs tracefs and root on the host). */
        trace: z.boolean().optional(),
      })
      .strict(),
    result: z.object({ runId: RunId }),
  },
  'telemetry.stop': {
    params: z.object({ runId: RunId }).strict(),
    result: RunSummarySchema,
  },
  'telemetry.active': {
    params: z.object({}).strict(),
    result: z.array(z.object({ runId: RunId, target: z.string() })),
  },
  'runs.list': {
    params: z.object({ target: Target.optional(), limit: z.number().int().min(1).max(10000).optional() }).strict(),
    result: z.array(RunSummarySchema),
  },
  'runs.get': {
    params: z.object({ runId: RunId }).strict(),
    result: RunDetailSchema,
  },
  'runs.series': {
    params: z
      .object({
        runId: RunId,
        counters: z.array(CounterName).min(1).max(64),
        from: z.number().min(0).optional(),
        to: z.number().min(0).optional(),
        maxPoints: z.number().int().min(3).max(20000),
        mode: z.enum(['rate', 'delta', 'interval']),
      })
      .strict(),
    result: z.object({ runId: RunId, from: z.number(), to: z.number(), series: z.array(SeriesSchema) }),
  },
  'runs.events': {
    params: z.object({ runId: RunId, from: z.number().min(0).optional(), to: z.number().min(0).optional() }).strict(),
    result: z.array(RunEventSchema),
  },
  /**
   * The migrate_pages() calls a run's trace captured (every task), on the run's clock, and how the
   * capture went; `markers` are the phase boundaries an experiment wrote into the same stream
   * ("phase migrate"), on the calls' own clock.
   */
  'runs.migrateCalls': {
    params: z.object({ runId: RunId, from: z.number().min(0).optional(), to: z.number().min(0).optional() }).strict(),
    result: z.object({ runId: RunId, capture: TraceCaptureSchema.nullable(), calls: z.array(MigrateCallSchema), markers: z.array(z.object({ t: z.number(), text: z.string() })) }),
  },
  'runs.mark': {
    params: z
      .object({ target: Target, kind: z.enum(['knob', 'phase', 'note']), text: z.string().min(1).max(2000) })
      .strict(),
    result: z.object({ runIds: z.array(RunId) }),
  },
  'runs.export': {
    params: z.object({ runId: RunId, format: z.enum(['csv', 'json']) }).strict(),
    result: z.object({ filename: z.string(), mime: z.string(), content: z.string() }),
  },
} as const;

/** One entry of a host's chart choice: `family:<family>`, a counter name, or `numastat.node*.<key>` (see charts.ts). */
const ChartChoiceSchema = z.string().regex(CHART_CHOICE_PATTERN, 'family:<family>, a counter name, or numastat.node*.<key> / meminfo.node*.<key>');
export const ChartChoiceResultSchema = z.object({
  target: z.string(),
  charts: z.array(z.string()),
  /** True when nothing was saved for the host (the lab's defaults). */
  isDefault: z.boolean(),
});
export type ChartChoiceResult = z.infer<typeof ChartChoiceResultSchema>;

export const telemetryViewMethods = {
  /** Every counter a host has (vmstat, numastat per node, meminfo per node, mTHP stats), each with its catalog description. */
  'telemetry.counters': {
    params: z.object({ target: Target }).strict(),
    result: z.object({
      target: z.string(),
      /** 'host': read from the host now; 'run': the counters of its running sample (the host was busy or unreachable). */
      source: z.enum(['host', 'run', 'host+run']),
      counters: z.array(CounterDescSchema),
    }),
  },
  /** The charts the Telemetry view draws for a host. */
  'telemetry.charts': {
    params: z.object({ target: Target }).strict(),
    result: ChartChoiceResultSchema,
  },
  'telemetry.setCharts': {
    params: z.object({ target: Target, charts: z.array(ChartChoiceSchema).max(200) }).strict(),
    result: ChartChoiceResultSchema,
  },
} as const;

export const telemetryEvents = {
  /** Throttled live push (at most ~10 per second): every counter that changed since the last point. */
  'telemetry.samples': z.object({ runId: RunId, points: z.array(LivePointSchema), events: z.array(RunEventSchema), calls: z.array(MigrateCallSchema).optional() }),
  'runs.changed': z.object({ runId: RunId, status: z.enum(RUN_STATUSES) }),
} as const;
