import { homedir } from 'node:os';
import { join } from 'node:path';

/** The lab's data directory: $NUMA_LAB_HOME, else the XDG data dir (what Electron's userData would not give a CLI). */
export function labDataDir(): string {
  if (process.env.NUMA_LAB_HOME) return process.env.NUMA_LAB_HOME;
  const xdg = process.env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
  return join(xdg, 'numa-lab');
}

export function defaultDbPath(): string {
  return process.env.NUMA_LAB_DB || join(labDataDir(), 'lab.db');
}
