import { z } from 'zod';
import { ExperimentResultSchema } from '../experiment';
import { distanceMatrixProblem } from './distance';
import { PresetNameSchema, ResolvedVariantSchema, VariantDefinitionSchema, VariantOverridesSchema } from './behaviours';

/** LabApi for the simulator: a prediction needs no host, so the Simulator view works offline. */
export const SimSpecSchema = z
  .object({
    topology: z
      .object({
        nodes: z
          .array(
            z.object({
              id: z.number().int().min(0).max(63),
              cpus: z.array(z.number().int().min(0).max(4095)).max(256),
              memMiB: z.number().int().min(64).max(1 << 22),
              slow: z.boolean().optional(),
            }),
          )
          .min(1)
          .max(64),
        /**
         * node_distance(): one row per node in `nodes` order, as /sys/devices/system/node/node<N>/distance
         * prints it. Absent: 10 on the diagonal and 20 elsewhere (no SLIT).
         */
        distance: z.array(z.array(z.number()).max(64)).max(64).optional(),
      })
      .superRefine((t, ctx) => {
        if (t.distance === undefined) return;
        const problem = distanceMatrixProblem(t.distance, t.nodes.map((n) => n.id));
        if (problem) ctx.addIssue({ code: 'custom', path: ['distance'], message: problem });
      }),
    knobs: z.record(z.string().max(96), z.union([z.string().max(64), z.number(), z.boolean()])).optional(),
    workload: z.string().max(32),
    params: z.record(z.string().max(32), z.union([z.string().max(256), z.number(), z.boolean()])).optional(),
    kernel: z.string().min(1).max(128),
    variant: VariantOverridesSchema.optional(),
  })
  .strict();

const RequestId = z.string().regex(/^[a-z0-9-]{1,40}$/, 'a request id of lowercase letters, digits and -');

export const SimResultSchema = ExperimentResultSchema.extend({
  requestedKernel: z.string(),
  // Predictions stored before the switches existed have only name, title and follows.
  variant: ResolvedVariantSchema.partial().required({ name: true, title: true, follows: true }),
  trace: z.array(z.record(z.string(), z.unknown())),
  series: z.unknown().nullable(),
  bug: z.object({ message: z.string(), where: z.string(), condition: z.string(), function: z.string(), t: z.number() }).nullable(),
  simulatedSeconds: z.number(),
});

export const simMethods = {
  /** The presets, each with its whole switch set. */
  'sim.variants': {
    params: z.object({}).strict(),
    result: z.array(z.object({ name: PresetNameSchema, title: z.string(), follows: z.array(z.string()), behaviours: z.record(z.string(), z.string()) })),
  },
  /** Variants saved in the store (a base preset and switches over it: the patch under test). */
  'sim.savedVariants': { params: z.object({}).strict(), result: z.array(VariantDefinitionSchema) },
  'sim.saveVariant': { params: z.object({ variant: VariantDefinitionSchema }).strict(), result: VariantDefinitionSchema },
  'sim.deleteVariant': { params: z.object({ name: VariantDefinitionSchema.shape.name }).strict(), result: z.object({ deleted: z.boolean() }) },
  'sim.run': {
    params: z.object({ requestId: RequestId, spec: SimSpecSchema, sampleTimes: z.array(z.number().min(0)).max(100000).optional() }).strict(),
    result: SimResultSchema,
  },
  'sim.cancel': {
    params: z.object({ requestId: RequestId }).strict(),
    result: z.object({ cancelled: z.boolean() }),
  },
} as const;

export const simEvents = {
  'sim.progress': z.object({ requestId: z.string(), phase: z.string(), fraction: z.number() }),
} as const;
