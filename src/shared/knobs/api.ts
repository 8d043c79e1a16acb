import { z } from 'zod';
import { HostKnobsSchema } from './state';

/** Who asked for a knob change; kept in the journal with every change. */
export const KnobOriginSchema = z.enum(['ui', 'cli', 'experiment', 'restore', 'recovery']);
export type KnobOrigin = z.infer<typeof KnobOriginSchema>;

/** A knob id as the catalog spells it (thp.enabled, mthp.64kB.enabled, numa.scan_size_mb…). */
export const KnobIdSchema = z.string().regex(/^[a-z][a-z_]*(\.[0-9a-zA-Z_]+){1,2}$/, 'a knob id such as thp.enabled or mthp.64kB.enabled');
/** Values are short tokens: a number or a word the kernel printed. Anything else is refused before validation. */
export const KnobValueSchema = z.union([
  z.string().max(64),
  z.number().int().nonnegative().transform(String),
]);

/** What happened to one write. `after` is re-read from the host right after the write. */
export const KnobWriteResultSchema = z.object({
  id: z.string(),
  path: z.string(),
  requested: z.string(),
  before: z.string().nullable(),
  after: z.string().nullable(),
  ok: z.boolean(),
  /** errno name (EINVAL, EPERM, EACCES…) when the kernel refused. */
  errno: z.string().nullable(),
  /** The errno text as the kernel's write returned it. */
  error: z.string().nullable(),
});
export type KnobWriteResult = z.infer<typeof KnobWriteResultSchema>;

export const KnobSetResultSchema = z.object({
  target: z.string(),
  results: z.array(KnobWriteResultSchema),
  knobs: HostKnobsSchema,
});
export type KnobSetResult = z.infer<typeof KnobSetResultSchema>;

export const KnobRestoreResultSchema = z.object({
  target: z.string(),
  results: z.array(KnobWriteResultSchema),
  /** Knobs whose original is back and whose journal entry is closed. */
  restored: z.number().int(),
  /** Knobs the kernel refused to take back (still open in the journal). */
  failed: z.number().int(),
});
export type KnobRestoreResult = z.infer<typeof KnobRestoreResultSchema>;

export const KnobJournalEntrySchema = z.object({
  knobId: z.string(),
  path: z.string(),
  original: z.string(),
  firstChangedAt: z.string(),
  restoredAt: z.string().nullable(),
  /** The lab process holding the change (`pid:starttime`), null once released or restored. */
  owner: z.string().nullable(),
});
export const KnobChangeSchema = z.object({
  at: z.string(),
  knobId: z.string(),
  origin: KnobOriginSchema,
  oldValue: z.string().nullable(),
  newValue: z.string(),
  outcome: z.enum(['pending', 'ok', 'refused']),
  error: z.string().nullable(),
});
export const KnobJournalSchema = z.object({
  target: z.string(),
  entries: z.array(KnobJournalEntrySchema),
  changes: z.array(KnobChangeSchema),
});
export type KnobJournal = z.infer<typeof KnobJournalSchema>;
export type KnobJournalEntry = z.infer<typeof KnobJournalEntrySchema>;
export type KnobChange = z.infer<typeof KnobChangeSchema>;

export const KnobPendingSchema = z.array(
  z.object({
    target: z.string(),
    knobIds: z.array(z.string()),
    /** True when the lab that made the changes is gone (crashed or closed without restoring). */
    orphaned: z.boolean(),
  }),
);

export const knobMethods = {
  'knobs.list': {
    params: z.object({ target: z.string().min(1).max(1100) }).strict(),
    result: HostKnobsSchema,
  },
  'knobs.set': {
    params: z
      .object({
        target: z.string().min(1).max(1100),
        values: z.record(KnobIdSchema, KnobValueSchema),
        origin: KnobOriginSchema.exclude(['restore', 'recovery']).default('ui'),
      })
      .strict(),
    result: KnobSetResultSchema,
  },
  'knobs.restore': {
    params: z.object({ target: z.string().min(1).max(1100) }).strict(),
    result: KnobRestoreResultSchema,
  },
  'knobs.journal': {
    params: z.object({ target: z.string().min(1).max(1100) }).strict(),
    result: KnobJournalSchema,
  },
  'knobs.pending': {
    params: z.object({}).strict(),
    result: KnobPendingSchema,
  },
} as const;

export const knobEvents = {
  'knobs.changed': z.object({ target: z.string(), origin: KnobOriginSchema, ids: z.array(z.string()) }),
} as const;
