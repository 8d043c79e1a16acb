import { z } from 'zod';
import { LabErrorSchema } from './labApi';

/** Frames of LabApi over a WebSocket (the headless shell). JSON text frames only. */
export const WireRequestSchema = z.object({ id: z.number().int().nonnegative(), method: z.string(), params: z.unknown() });
export const WireReplySchema = z.union([
  z.object({ id: z.number().int(), ok: z.literal(true), result: z.unknown() }),
  z.object({ id: z.number().int(), ok: z.literal(false), error: LabErrorSchema }),
]);
export const WireEventSchema = z.object({ event: z.string(), payload: z.unknown() });
export type WireRequest = z.infer<typeof WireRequestSchema>;
export type WireReply = z.infer<typeof WireReplySchema>;
export type WireEvent = z.infer<typeof WireEventSchema>;
