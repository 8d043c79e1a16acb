import { z } from 'zod';

/** LabApi for virtual NUMA boxes (QEMU guests with Debian kernels), the UI's "boot a box" dialog. */
const Name = z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'a box name: lowercase letters, digits and "-"');

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
});

export const testboxMethods = {
  'testbox.list': { params: z.object({}).strict(), result: z.array(TestboxSummarySchema) },
  'testbox.up': {
    params: z
      .object({
        kernel: z.string().regex(/^(6\.1|6\.12|\d+\.\d+\.\d+[A-Za-z0-9.+~-]*)$/, 'a kernel: 6.1, 6.12 or a Debian release such as 6.12.117+deb13-amd64'),
        nodes: z.number().int().min(1).max(16),
        memPerNodeMiB: z.number().int().min(128).max(1 << 20),
        cpusPerNode: z.number().int().min(1).max(16),
        name: Name.optional(),
      })
      .strict(),
    result: TestboxSummarySchema,
  },
  'testbox.down': { params: z.object({ name: Name }).strict(), result: z.object({ wasRunning: z.boolean() }) },
} as const;

export const testboxEvents = {
  'testbox.log': z.object({ line: z.string() }),
} as const;
