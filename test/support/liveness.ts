/**
 * Liveness bounds: a promise must settle at all, long before what it interrupts would have ended
 * by itself (a `sleep 60` on the host, say). They are about hangs, never about speed: how fast
 * something is gets measured by a benchmark under bench/ that prints figures.
 */
export async function settlesWithin<T>(p: Promise<T>, boundMs: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${boundMs} ms: it hangs`)), boundMs);
  });
  try {
    return await Promise.race([p, hang]);
  } finally {
    clearTimeout(timer);
  }
}

/** The bound the liveness checks use: generous beside a loaded 2-core CI machine, short beside the 30–60 s commands they interrupt. */
export const LIVENESS_BOUND_MS = 20_000;
