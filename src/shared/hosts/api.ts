import { z } from 'zod';

/** The `hosts.connect / hosts.disconnect / hosts.status` methods and the `hosts.state` event. */
const Target = z.string().min(1).max(1100);

/**
 * `closed`: the lab ended its session (hosts.disconnect, a virtual box powered off, the lab
 * quitting). Only ever the last hosts.state event of a session; hosts.status no longer lists it.
 */
export const HostStateSchema = z.enum(['connecting', 'ready', 'needs-input', 'lost', 'closed']);
export type HostStateName = z.infer<typeof HostStateSchema>;

export const PrivilegeSchema = z.enum(['root', 'sudo', 'sudo-password', 'none']);

export const HostStatusSchema = z.object({
  target: z.string(),
  state: HostStateSchema,
  /** When the state last changed (ISO 8601). */
  since: z.string(),
  /** Why the host is lost or could not connect. */
  reason: z.string().nullable(),
  /** The question waiting in the host's terminal tab (needs-input). */
  prompt: z.string().nullable(),
  /** The last lines the host printed before it was lost. */
  lastLines: z.array(z.string()),
  /** null until the channel is up. */
  privilege: PrivilegeSchema.nullable(),
  autoReconnect: z.boolean(),
  reconnectAttempts: z.number().int().nonnegative(),
  nextReconnectAt: z.string().nullable(),
});
export type HostStatusShape = z.infer<typeof HostStatusSchema>;

export const hostMethods = {
  /** Connects (or reconnects a lost host) and waits until it is ready; `autoReconnect` is kept per host. */
  'hosts.connect': {
    params: z.object({ target: Target, autoReconnect: z.boolean().optional() }).strict(),
    result: HostStatusSchema,
  },
  'hosts.disconnect': {
    params: z.object({ target: Target }).strict(),
    result: z.null(),
  },
  /** Every host the lab has a session with (or just `target`). */
  'hosts.status': {
    params: z.object({ target: Target.optional() }).strict(),
    result: z.array(HostStatusSchema),
  },
} as const;

export const hostEvents = {
  'hosts.state': HostStatusSchema,
} as const;
