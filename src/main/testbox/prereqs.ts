import { accessSync, constants, existsSync, openSync, readSync, closeSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { TestboxError } from './errors';

/**
 * The host programs the box needs, and the Debian package of each, so a missing one is
 * reported with the exact line that installs it (all of them at once, not one per attempt).
 */
const TOOLS: Record<string, string> = {
  'qemu-system-x86_64': 'qemu-system-x86',
  'apt-get': 'apt',
  'dpkg-deb': 'dpkg',
  tar: 'tar',
  cpio: 'cpio',
  gzip: 'gzip',
  gcc: 'gcc',
};

/** Every package the box relies on (what CI's .ci/run installs). */
export const TESTBOX_APT_PACKAGES = ['qemu-system-x86', 'busybox-static', 'cpio', 'gcc', 'libc6-dev'] as const;

export function which(tool: string): string | undefined {
  for (const dir of (process.env.PATH || '/usr/local/bin:/usr/bin:/bin').split(delimiter)) {
    const p = join(dir, tool);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      /* not here */
    }
  }
  return undefined;
}

/** True for an ELF executable without a PT_INTERP header, i.e. one that runs with no libc beside it. */
export function isStaticElf(path: string): boolean {
  const buf = Buffer.alloc(4096);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, buf, 0, buf.length, 0);
  } finally {
    closeSync(fd);
  }
  if (buf.readUInt32BE(0) !== 0x7f454c46 || buf[4] !== 2) return false; // 64-bit ELF only
  const phoff = Number(buf.readBigUInt64LE(0x20));
  const phentsize = buf.readUInt16LE(0x36);
  const phnum = buf.readUInt16LE(0x38);
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    if (at + 4 > buf.length) break;
    if (buf.readUInt32LE(at) === 3) return false; // PT_INTERP: needs a dynamic loader
  }
  return true;
}

/** The static busybox the initramfs is made of (Debian's busybox-static puts it in /bin). */
export function findStaticBusybox(): string | undefined {
  for (const p of [process.env.NUMA_LAB_BUSYBOX, '/bin/busybox', '/usr/bin/busybox'].filter(Boolean) as string[]) {
    if (existsSync(p) && isStaticElf(p)) return p;
  }
  return undefined;
}

const STATIC_LIBC = ['/usr/lib/x86_64-linux-gnu/libc.a', '/usr/lib64/libc.a', '/usr/lib/libc.a'];

export interface Prereqs {
  qemu: string;
  busybox: string;
}

/** Checks everything at once; throws one error listing every missing piece and its install line. */
export function checkPrereqs(opts: { needApt: boolean }): Prereqs {
  const missing: string[] = [];
  const packages = new Set<string>();
  for (const [tool, pkg] of Object.entries(TOOLS)) {
    if ((tool === 'apt-get' || tool === 'dpkg-deb') && !opts.needApt) continue;
    if (!which(tool)) {
      missing.push(tool);
      packages.add(pkg);
    }
  }
  const busybox = findStaticBusybox();
  if (!busybox) {
    missing.push('a static busybox (/bin/busybox)');
    packages.add('busybox-static');
  }
  if (!STATIC_LIBC.some((p) => existsSync(p))) {
    missing.push('static libc (libc.a, to link the workloads with gcc -static)');
    packages.add('libc6-dev');
  }
  if (missing.length) {
    throw new TestboxError(
      `the virtual NUMA box needs ${missing.join(', ')}. Install with: apt-get install -y ${[...packages].join(' ')}`,
      'missing-tool',
    );
  }
  return { qemu: which('qemu-system-x86_64')!, busybox: busybox! };
}
