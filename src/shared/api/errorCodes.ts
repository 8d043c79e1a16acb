import { z } from 'zod';

/**
 * Every error code the lab answers with, on either boundary (IPC, WebSocket) and in the CLI.
 * The CLI's exit status follows the code (exitStatusFor), never the message's wording.
 */
export const LabErrorCodeSchema = z.enum([
  // What the user gave is wrong: the message names it and what is allowed (exit 2).
  'bad-request',
  'bad-value',
  'bad-target',
  'bad-listen',
  'needs-nodes',
  // The lab, the host or the model could not do it (exit 1).
  'needs-root',
  'busy',
  'cancelled',
  'closed',
  'disconnected',
  'connect-failed',
  'not-found',
  'sim-failed',
  'unsupported',
  'unsupported-target',
  'failed',
  'bad-response',
  'bad-event',
  'testbox-missing-tool',
  'testbox-kernel-unavailable',
  'testbox-boot-failed',
  'testbox-boot-timeout',
  'testbox-not-found',
  'testbox-busy',
  'kernel-source-unavailable',
  'kernel-build-failed',
  'kernel-missing-tool',
]);
export type LabErrorCode = z.infer<typeof LabErrorCodeSchema>;

const INPUT_ERRORS: ReadonlySet<LabErrorCode> = new Set(['bad-request', 'bad-value', 'bad-target', 'bad-listen', 'needs-nodes']);

/** Whether the code means bad usage or input (the CLI exits 2) rather than a failure (1). */
export function isInputError(code: LabErrorCode): boolean {
  return INPUT_ERRORS.has(code);
}

/** The CLI's exit status for an error with this code: 2 bad input, 1 anything else. */
export function exitStatusFor(code: LabErrorCode): 1 | 2 {
  return isInputError(code) ? 2 : 1;
}

/** A code from the wire, which may come from a newer or older lab: unknown ones are `failed`. */
export function labErrorCode(raw: string): LabErrorCode {
  const r = LabErrorCodeSchema.safeParse(raw);
  return r.success ? r.data : 'failed';
}
