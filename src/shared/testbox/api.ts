import { z } from 'zod';
import { BoxKernelSchema } from '../experiments/api';
import { ModelRefSchema } from '../sim/behaviours';

/** LabApi for virtual NUMA boxes (QEMU guests with Debian kernels), the UI's "boot a box" dialog. */
const Name = z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'a box name: lowercase letters, digits and "-"');

/** Who started a box, relative to the lab answering: itself, or any other process. */
export const BoxOwnerSchema = z.enum(['this-lab', 'elsewhere']);

export const TestboxSummarySchema = z.object({
  name: z.string(),
  target: z.string(),
  kernel: z.string(),
  release: z.string(),
  nodes: z.number(),
  cpusPerNode: z.number(),
  memPerNodeMiB: z.number(),
  accelerator: z.string(),
  startedAt: z.string(),
  bootMs: z.number(),
  running: z.boolean(),
  /** The model its runs are predicted with, and what that model was never checked on. */
  variant: z.string().optional(),
  variantCoverage: z.string().optional(),
  /**
   * Who booted the box's QEMU: the lab process answering this call ('this-lab'), or any other
   * process ('elsewhere': a `numa-lab testbox up` in a terminal, `numa-lab ab`, another lab).
   * A box whose descriptor predates owners is 'elsewhere' with ownerPid null.
   */
  owner: BoxOwnerSchema.optional(),
  ownerPid: z.number().nullable().optional(),
  /** Whether that process still runs (null: unknown, no owner recorded). */
  ownerAlive: z.boolean().nullable().optional(),
  /** What that process was, e.g. "numa-lab testbox up" or "numa-lab serve". */
  ownerCommand: z.string().nullable().optional(),
  /** Milliseconds since its QEMU started, as the lab's clock saw it when listing; null when stopped. */
  uptimeMs: z.number().nullable().optional(),
});
export type TestboxSummary = z.infer<typeof TestboxSummarySchema>;

/** How the box's CPU is provided on this machine, and why (accel.ts decides the same way at boot). */
export const AcceleratorChoiceSchema = z.object({
  /** What the next box will use: 'kvm-probe' = KVM if a short probe boot works (tried once), else TCG. */
  expected: z.enum(['kvm', 'tcg', 'kvm-probe']),
  devKvm: z.enum(['absent', 'no-access', 'usable']),
  /** The cached verdict of the KVM probe for this QEMU and host kernel (null: not probed yet, or no /dev/kvm). */
  probe: z.enum(['works', 'hangs']).nullable(),
  /** One sentence: what was found and what follows from it. */
  reason: z.string(),
  /** What TCG costs, shown whenever TCG is (or may be) used. */
  tcgNote: z.string(),
  qemu: z.string().nullable(),
});
export type AcceleratorChoice = z.infer<typeof AcceleratorChoiceSchema>;

/** A path the lab reads on this machine (a source tree, a patch, a config fragment): absolute, no NUL. */
const AbsPath = z.string().regex(/^\/[^\0]{0,4095}$/, 'an absolute path on the machine the lab runs on');

/** A kernel `numa-lab kernel build` made (build.json beside its bzImage). */
export const BuiltKernelSchema = z.object({
  bzImage: z.string(),
  release: z.string(),
  /** "linux-source-6.12 6.12.118-1", or the tree's path (and version). */
  source: z.string(),
  patches: z.array(z.object({ file: z.string(), sha256: z.string() })),
  configFragment: z.object({ file: z.string(), sha256: z.string() }).nullable(),
  /** The model the build was declared to follow, if any: a preset, or a variant (a preset and switches). */
  variant: ModelRefSchema.nullable(),
  /** sha256 of the source, patches and fragments: the cache key, and `--kernel build:<key>`. */
  key: z.string(),
  builtAt: z.string(),
  /** Wall time of the build that made it (of this request when cached: a moment). */
  buildMs: z.number(),
  objectsBuilt: z.number(),
  cached: z.boolean(),
  config: z.string(),
  systemMap: z.string(),
});
export type BuiltKernel = z.infer<typeof BuiltKernelSchema>;

export const KernelBuildRequestSchema = z
  .object({
    source: z.union([z.enum(['debian:6.12', 'debian:6.1']), AbsPath]),
    patches: z.array(AbsPath).max(32).default([]),
    configFragment: AbsPath.optional(),
    variant: ModelRefSchema.optional(),
    force: z.boolean().default(false),
  })
  .strict();

export const KernelBuildProgressSchema = z.object({ built: z.number(), total: z.number(), estimated: z.boolean(), last: z.string().optional() });
export type BuildProgress = z.infer<typeof KernelBuildProgressSchema>;

export const testboxMethods = {
  'testbox.list': { params: z.object({}).strict(), result: z.array(TestboxSummarySchema) },
  'testbox.up': {
    params: z
      .object({
        kernel: BoxKernelSchema,
        /** The model to predict its runs with (default: the build's declared variant, else the release's). */
        variant: ModelRefSchema.optional(),
        nodes: z.number().int().min(1).max(16),
        memPerNodeMiB: z.number().int().min(128).max(1 << 20),
        cpusPerNode: z.number().int().min(1).max(16),
        name: Name.optional(),
      })
      .strict(),
    result: TestboxSummarySchema,
  },
  'testbox.down': { params: z.object({ name: Name }).strict(), result: z.object({ wasRunning: z.boolean() }) },
  /** Which accelerator a box booted now would get here (KVM or TCG) and why; nothing is booted to answer. */
  'testbox.accelerator': { params: z.object({}).strict(), result: AcceleratorChoiceSchema },
  /** Builds a kernel for the box (minutes cold, a moment cached); progress: kernel.buildProgress, kernel.buildLog. */
  'kernel.build': { params: KernelBuildRequestSchema, result: BuiltKernelSchema },
  /** The kernels the lab has built, newest first. */
  'kernel.builds': { params: z.object({}).strict(), result: z.array(BuiltKernelSchema) },
} as const;

export const testboxEvents = {
  'testbox.log': z.object({ line: z.string() }),
  /** A box this lab booted or powered off (after the fact: a `down` is sent once its QEMU is gone). */
  'testbox.changed': z.object({ name: z.string(), target: z.string(), running: z.boolean() }),
  'kernel.buildProgress': KernelBuildProgressSchema,
  'kernel.buildLog': z.object({ line: z.string() }),
} as const;
