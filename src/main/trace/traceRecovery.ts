import type { HostSession } from '../hosts/hostSession';
import { restoreScript } from './tracefsScripts';
import type { OpenTraceEntry, TraceRepo } from './traceRepo';

/**
 * Puts one journaled tracefs instance back: its settings, its reader stopped, the instance
 * removed. The entry closes only when the host says the instance is gone; otherwise it stays
 * open with why, and the next start tries again.
 */
export async function restoreTraceEntry(session: HostSession, repo: TraceRepo, e: Pick<OpenTraceEntry, 'id' | 'tracefs' | 'instance' | 'settings' | 'readerDir'>): Promise<boolean> {
  if (!e.tracefs) {
    // Journaled, but the lab died before the probe said where tracefs is: nothing was made.
    repo.markRestored(e.id, 'nothing was made on the host');
    return true;
  }
  const r = await session.execAsRoot(restoreScript({ tracefs: e.tracefs, instance: e.instance, settings: e.settings, readerDir: e.readerDir }), { timeoutMs: 30000 });
  if (/^RESTORED$/m.test(r.stdout)) {
    repo.markRestored(e.id, 'settings put back, reader stopped, instance removed');
    return true;
  }
  repo.noteFailure(e.id, `the instance is still busy: ${r.stdout.trim().slice(-200)}`);
  return false;
}

/**
 * At lab start, and before a host is traced again: the instances a lab that is gone left on a
 * host. Hosts the lab cannot reach now keep their entries for later.
 */
export async function recoverTracing(repo: TraceRepo, session: (target: string) => Promise<HostSession>, isOrphan: (owner: string | null) => boolean, only?: (target: string) => boolean): Promise<Array<{ target: string; restored: boolean; error?: string }>> {
  const out: Array<{ target: string; restored: boolean; error?: string }> = [];
  for (const e of repo.open()) {
    if (!isOrphan(e.owner) || (only && !only(e.target))) continue;
    try {
      out.push({ target: e.target, restored: await restoreTraceEntry(await session(e.target), repo, e) });
    } catch (err) {
      out.push({ target: e.target, restored: false, error: err instanceof Error ? err.message : String(err) });
    }
  }
  return out;
}
