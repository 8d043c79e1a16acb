import type { Lab } from '../lab';

/** How long quitting waits for the lab to restore knobs and end runs before it exits anyway. */
export const CLOSE_BOUND_MS = 20_000;

/**
 * Closes the lab, or gives up after `boundMs`: a host that stopped answering must not keep the
 * app from quitting. What was not restored stays in the knob journal, offered at the next start.
 */
export async function closeWithin(lab: Lab, boundMs = CLOSE_BOUND_MS): Promise<{ closed: true } | { closed: false; why: string }> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<{ closed: false; why: string }>((resolve) => {
    timer = setTimeout(() => resolve({ closed: false, why: `not done after ${boundMs / 1000} s` }), boundMs);
  });
  try {
    return await Promise.race([lab.close().then(() => ({ closed: true as const }), (e: unknown) => ({ closed: false as const, why: e instanceof Error ? e.message : String(e) })), bound]);
  } finally {
    clearTimeout(timer);
  }
}
