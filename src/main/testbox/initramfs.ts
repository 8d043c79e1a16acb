import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync, chmodSync, readdirSync, lstatSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Log } from './errors';
import { cacheDir, resourcesDir } from './paths';
import { runOk } from './run';
import { compileGuestTools, compileSampler, compileWorkloads } from './workloads';

/**
 * The guest's whole userland, as a gzip'd newc cpio the kernel unpacks into its rootfs:
 * static busybox with a link per applet, resources/testbox/init as /init, the guest helpers
 * (resources/testbox/*.c, e.g. numalab-mpol) in /usr/sbin, and the compiled workloads in
 * /opt/numa-lab/bin. Cached by content, so one build serves every box and kernel.
 */
export const GUEST_WORKLOAD_DIR = '/opt/numa-lab/bin';
/** The lab's C sampler (resources/sampler), so sampling the box never uploads over its console. */
export const GUEST_SAMPLER_PATH = '/usr/sbin/numalab-sampler';

function listTree(root: string, rel = '.'): string[] {
  const out = [rel];
  const abs = join(root, rel);
  if (lstatSync(abs).isDirectory() && !lstatSync(abs).isSymbolicLink())
    for (const e of readdirSync(abs).sort()) out.push(...listTree(root, rel === '.' ? e : `${rel}/${e}`));
  return out;
}

export async function buildInitramfs(busybox: string, log: Log, cache = cacheDir()): Promise<string> {
  const init = readFileSync(join(resourcesDir(), 'testbox', 'init'));
  const workloads = await compileWorkloads(log, cache);
  const tools = await compileGuestTools(log, cache);
  const sampler = await compileSampler(log, cache);
  const resetPort = readFileSync(join(resourcesDir(), 'testbox', 'reset-port'));
  const bb = readFileSync(busybox);
  const hash = createHash('sha256').update(init).update(resetPort).update(bb).update(workloads.hash).update(tools.hash).update(sampler.hash).digest('hex').slice(0, 16);
  const out = join(cache, 'initramfs', `${hash}.cpio.gz`);
  if (existsSync(out)) return out;

  log(`initramfs: building (busybox ${busybox}, /init, ${workloads.names.join(', ')})`);
  const stage = join(cache, 'initramfs', `stage.${process.pid}`);
  rmSync(stage, { recursive: true, force: true });
  for (const d of ['bin', 'sbin', 'usr/bin', 'usr/sbin', 'proc', 'sys', 'dev', 'tmp', 'root', 'run', 'etc', GUEST_WORKLOAD_DIR.slice(1)]) mkdirSync(join(stage, d), { recursive: true });
  copyFileSync(busybox, join(stage, 'bin/busybox'));
  chmodSync(join(stage, 'bin/busybox'), 0o755);
  const applets = (await runOk(busybox, ['--list-full'], 'busybox --list-full')).stdout.split('\n').filter(Boolean);
  for (const a of applets) {
    const p = join(stage, a);
    if (existsSync(p)) continue;
    mkdirSync(dirname(p), { recursive: true });
    symlinkSync('/bin/busybox', p);
  }
  writeFileSync(join(stage, 'init'), init, { mode: 0o755 });
  writeFileSync(join(stage, 'usr/sbin/numalab-reset-port'), resetPort, { mode: 0o755 });
  // Guest helpers in /usr/sbin (not the workload dir: they are the box's plumbing, not workloads).
  for (const n of tools.names) {
    copyFileSync(join(tools.dir, n), join(stage, 'usr/sbin', n));
    chmodSync(join(stage, 'usr/sbin', n), 0o755);
  }
  // The C sampler beside them (a build that failed is left out: telemetry falls back to the shell loop).
  for (const n of sampler.names) {
    copyFileSync(join(sampler.dir, n), join(stage, GUEST_SAMPLER_PATH.slice(1)));
    chmodSync(join(stage, GUEST_SAMPLER_PATH.slice(1)), 0o755);
  }
  writeFileSync(join(stage, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
  writeFileSync(join(stage, 'etc/group'), 'root:x:0:\n');
  for (const n of workloads.names) {
    copyFileSync(join(workloads.dir, n), join(stage, GUEST_WORKLOAD_DIR.slice(1), n));
    chmodSync(join(stage, GUEST_WORKLOAD_DIR.slice(1), n), 0o755);
  }
  // -R 0:0: everything owned by root in the guest, whoever builds it.
  const list = Buffer.from(listTree(stage).join('\n') + '\n');
  const cpio = await runOk('cpio', ['-o', '-H', 'newc', '-R', '0:0', '--quiet'], 'cpio', { cwd: stage, input: list });
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(`${out}.tmp`, gzipSync(cpio.stdoutBytes, { level: 6 }));
  renameSync(`${out}.tmp`, out);
  rmSync(stage, { recursive: true, force: true });
  return out;
}
