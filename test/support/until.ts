/** Polls `f` until it returns something truthy and returns that; fails naming `what` after `timeoutMs`. */
export async function until<T>(what: string, f: () => T | undefined | false | null, timeoutMs = 15000, intervalMs = 25): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
