import { readFileSync } from 'node:fs';

/**
 * Which lab process holds a journal entry: `pid:starttime` (starttime from /proc/<pid>/stat, in
 * clock ticks since boot), so a recycled pid is not mistaken for the lab that made the change.
 */
export function processIdentity(pid = process.pid): string | null {
  const st = startTime(pid);
  return st === null ? null : `${pid}:${st}`;
}

function startTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22; the command name (field 2) is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

/** True while the process named by a `pid:starttime` identity is still running. */
export function isOwnerAlive(owner: string): boolean {
  const m = /^(\d+):(\d+)$/.exec(owner);
  if (!m) return false;
  return startTime(Number(m[1])) === m[2];
}
