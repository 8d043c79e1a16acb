import { existsSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the box keeps things. The cache (kernels, initramfs, compiled workloads; ~200 MB)
 * survives reboots; the state of running boxes (sockets, pid, descriptor) lives under /tmp
 * because unix socket paths are limited to 107 bytes and a deep cache path would not fit.
 */
export function cacheDir(): string {
  return process.env.NUMA_LAB_CACHE || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'numa-lab', 'testbox');
}

export function stateDir(): string {
  return process.env.NUMA_LAB_TESTBOX_STATE || join('/tmp', `numa-lab-${userInfo().uid}`, 'testbox');
}

export function boxDir(name: string): string {
  return join(stateDir(), name);
}

/** resources/ of the package, found from this file whether it runs from src/ or a bundle in out/. */
export function resourcesDir(): string {
  if (process.env.NUMA_LAB_RESOURCES) return process.env.NUMA_LAB_RESOURCES;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'resources', 'testbox', 'init'))) return join(dir, 'resources');
    dir = dirname(dir);
  }
  return join(process.cwd(), 'resources');
}
