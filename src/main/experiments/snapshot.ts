import type { HostSession } from '../hosts/hostSession';
import { parseVmstatText } from '../../shared/experiments/vmstat';

/**
 * An exact /proc/vmstat snapshot: writing /proc/sys/vm/stat_refresh first folds the per-CPU
 * counter deltas into the global ones (as the ground truth was measured), so a phase delta is
 * the kernel's own count, not a sampling artefact. Needs root; without it the snapshot is still
 * taken and said to be unrefreshed.
 */
export async function vmstatSnapshot(session: HostSession): Promise<{ values: Record<string, number>; refreshed: boolean }> {
  const r = await session.exec('if echo 1 > /proc/sys/vm/stat_refresh 2>/dev/null; then echo R; else echo N; fi; cat /proc/vmstat', { timeoutMs: 20000 });
  if (r.code !== 0) throw new Error(`could not read /proc/vmstat on ${session.target}: ${r.stderr.trim()}`);
  const nl = r.stdout.indexOf('\n');
  return { values: parseVmstatText(r.stdout.slice(nl + 1)).values, refreshed: r.stdout.slice(0, nl) === 'R' };
}
