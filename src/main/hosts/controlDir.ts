import { chmodSync, lstatSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { labDataDir } from '../store/paths';

/**
 * A private (0700, ours, not a symlink) directory for ssh control sockets. Unix socket paths
 * are limited to 108 bytes and ssh first binds a temporary name 17 bytes longer than the
 * ControlPath, so when the lab's data dir is deep we fall back to a short per-user dir in /tmp.
 */
const MAX_DIR_LEN = 108 - 1 - 16 - 1 - 17 - 2;

function ensurePrivateDir(dir: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = lstatSync(dir);
  if (!st.isDirectory() || st.isSymbolicLink()) throw new Error(`${dir} must be a directory (not a symlink) for ssh control sockets`);
  if (process.getuid && st.uid !== process.getuid()) throw new Error(`${dir} is owned by uid ${st.uid}, not by this user; refusing to put ssh control sockets there`);
  if ((st.mode & 0o777) !== 0o700) chmodSync(dir, 0o700);
  return dir;
}

export function sshControlDir(base = labDataDir()): string {
  const preferred = join(base, 'ssh');
  if (preferred.length <= MAX_DIR_LEN) return ensurePrivateDir(preferred);
  return ensurePrivateDir(join('/tmp', `numalab-${process.getuid?.() ?? 'u'}`));
}
