import { z } from 'zod';
import type { LabErrorCode } from './errorCodes';
import { HostFactsSchema } from '../hostFacts';
import { knobEvents, knobMethods } from '../knobs/api';
import { hostEvents, hostMethods } from '../hosts/api';
import { simEvents, simMethods } from '../sim/api';
import { experimentEvents, experimentMethods } from '../experiments/api';
import { testboxEvents, testboxMethods } from '../testbox/api';
import { telemetryEvents, telemetryMethods, telemetryViewMethods } from '../telemetry/api';

/**
 * LabApi: the one contract between the renderer and the lab, whichever shell carries it (Electron
 * IPC through the preload, or the headless server's WebSocket). Each method has a params schema
 * and a result schema; each event a payload schema. Both ends validate what they receive.
 * Adding a capability = one entry here + one handler in src/main/lab.
 */

const TerminalId = z.string().regex(/^t[0-9a-z]{1,16}$/, 'a terminal id as returned by terminal.open');
const Target = z.string().min(1).max(1100);
const Cols = z.number().int().min(2).max(1000);
const Rows = z.number().int().min(2).max(500);

export const HostSummarySchema = z.object({
  target: z.string(),
  firstSeen: z.string(),
  lastSeen: z.string(),
  facts: HostFactsSchema.nullable(),
});
export type HostSummary = z.infer<typeof HostSummarySchema>;

export const labMethods = {
  'app.info': {
    params: z.object({}).strict(),
    result: z.object({ version: z.string(), shell: z.enum(['electron', 'headless']), dbPath: z.string() }),
  },
  'hosts.list': {
    params: z.object({}).strict(),
    result: z.array(HostSummarySchema),
  },
  'hosts.probe': {
    params: z.object({ target: Target }).strict(),
    result: HostFactsSchema,
  },
  'terminal.open': {
    params: z.object({ target: Target, cols: Cols, rows: Rows }).strict(),
    result: z.object({ terminalId: TerminalId }),
  },
  'terminal.input': {
    params: z.object({ terminalId: TerminalId, data: z.string().max(1 << 20) }).strict(),
    result: z.null(),
  },
  'terminal.resize': {
    params: z.object({ terminalId: TerminalId, cols: Cols, rows: Rows }).strict(),
    result: z.null(),
  },
  'terminal.close': {
    params: z.object({ terminalId: TerminalId }).strict(),
    result: z.null(),
  },
  ...knobMethods,
  ...hostMethods,
  ...simMethods,
  ...experimentMethods,
  ...testboxMethods,
  ...telemetryMethods,
  ...telemetryViewMethods,
} as const;

export const labEvents = {
  'terminal.output': z.object({ terminalId: TerminalId, data: z.string() }),
  'terminal.exit': z.object({ terminalId: TerminalId, reason: z.string() }),
  /** The lab is closing (the app quits, or the server stops): what it does before it is gone. */
  'app.closing': z.object({ steps: z.array(z.string()) }),
  ...knobEvents,
  ...hostEvents,
  ...simEvents,
  ...experimentEvents,
  ...testboxEvents,
  ...telemetryEvents,
} as const;

export type LabMethod = keyof typeof labMethods;
export type LabEvent = keyof typeof labEvents;
export type LabParams<M extends LabMethod> = z.input<(typeof labMethods)[M]['params']>;
export type LabResult<M extends LabMethod> = z.output<(typeof labMethods)[M]['result']>;
export type LabEventPayload<E extends LabEvent> = z.output<(typeof labEvents)[E]>;

/** What the renderer holds: `window.lab` in Electron, the WebSocket client in a browser. */
export interface LabApi {
  invoke<M extends LabMethod>(method: M, params: LabParams<M>): Promise<LabResult<M>>;
  on<E extends LabEvent>(event: E, listener: (payload: LabEventPayload<E>) => void): () => void;
}

/** The error shape carried across either boundary. */
export const LabErrorSchema = z.object({ message: z.string(), code: z.string() });
export type LabErrorShape = z.infer<typeof LabErrorSchema>;

export class LabApiError extends Error {
  constructor(
    message: string,
    readonly code: LabErrorCode,
  ) {
    super(message);
    this.name = 'LabApiError';
  }
}

export function isLabMethod(m: unknown): m is LabMethod {
  return typeof m === 'string' && Object.prototype.hasOwnProperty.call(labMethods, m);
}
export function isLabEvent(e: unknown): e is LabEvent {
  return typeof e === 'string' && Object.prototype.hasOwnProperty.call(labEvents, e);
}

/** Validates an incoming request; throws LabApiError('bad-request') naming what was wrong. */
export function parseLabParams<M extends LabMethod>(method: unknown, params: unknown): { method: M; params: z.output<(typeof labMethods)[M]['params']> } {
  if (!isLabMethod(method)) throw new LabApiError(`unknown method ${JSON.stringify(method)}; known: ${Object.keys(labMethods).join(', ')}`, 'bad-request');
  const r = labMethods[method].params.safeParse(params ?? {});
  if (!r.success) throw new LabApiError(`bad parameters for ${method}: ${formatIssues(r.error)}`, 'bad-request');
  return { method: method as M, params: r.data as never };
}

export function parseLabResult<M extends LabMethod>(method: M, result: unknown): LabResult<M> {
  const r = labMethods[method].result.safeParse(result);
  if (!r.success) throw new LabApiError(`the lab answered ${method} with an unexpected shape: ${formatIssues(r.error)}`, 'bad-response');
  return r.data as LabResult<M>;
}

export function parseLabEvent<E extends LabEvent>(event: E, payload: unknown): LabEventPayload<E> {
  const r = labEvents[event].safeParse(payload);
  if (!r.success) throw new LabApiError(`malformed ${event} event: ${formatIssues(r.error)}`, 'bad-event');
  return r.data as LabEventPayload<E>;
}

export function formatIssues(e: z.ZodError): string {
  return e.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`).join('; ');
}
