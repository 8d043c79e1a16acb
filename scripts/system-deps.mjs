// The Debian packages the tests need, found by a file each installs. `npm test` installs the
// missing ones when it runs as root with apt; otherwise it prints the exact apt-get line.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const SYSTEM_DEPS = [
  { pkg: 'chromium', file: '/usr/bin/chromium', why: 'end-to-end tests in headless Chromium' },
  { pkg: 'qemu-system-x86', file: '/usr/bin/qemu-system-x86_64', why: 'the virtual NUMA box' },
  { pkg: 'busybox-static', file: '/bin/busybox', why: 'the virtual NUMA box initramfs' },
  { pkg: 'cpio', file: '/usr/bin/cpio', why: 'packing the initramfs' },
  { pkg: 'zstd', file: '/usr/bin/zstd', why: 'unpacking Debian kernel packages' },
  { pkg: 'openssh-server', file: '/usr/sbin/sshd', why: 'a real sshd on loopback for remote-host tests' },
  { pkg: 'openssh-client', file: '/usr/bin/ssh', why: 'ssh hosts' },
  { pkg: 'sudo', file: '/usr/bin/sudo', why: 'the privilege tests (sudo -n, and a sudo password typed in the terminal tab)' },
  // numa-lab kernel build: what kbuild needs for the box's kernel (gcc and make come with the build tools).
  { pkg: 'bc', file: '/usr/bin/bc', why: 'kernel build (kbuild computes timer constants with bc)' },
  { pkg: 'bison', file: '/usr/bin/bison', why: 'kernel build (kconfig parser)' },
  { pkg: 'flex', file: '/usr/bin/flex', why: 'kernel build (kconfig lexer)' },
  { pkg: 'libelf-dev', file: '/usr/include/libelf.h', why: 'kernel build (objtool)' },
  { pkg: 'libssl-dev', file: '/usr/include/openssl/ssl.h', why: 'kernel build (scripts/sign-file, certs)' },
  { pkg: 'patch', file: '/usr/bin/patch', why: 'kernel build (applying --patch files)' },
  { pkg: 'xz-utils', file: '/usr/bin/xz', why: "kernel build (unpacking Debian's linux-source tarball)" },
  { pkg: 'zsh', file: '/usr/bin/zsh', why: 'the zsh-as-login-shell case of the ssh tests' },
];

export function missingDeps() {
  return SYSTEM_DEPS.filter((d) => !existsSync(d.file));
}

export function ensureSystemDeps(log = console.log) {
  const missing = missingDeps();
  if (!missing.length) return true;
  const line = `apt-get install -y --no-install-recommends ${missing.map((d) => d.pkg).join(' ')}`;
  const isRoot = process.getuid?.() === 0;
  const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
  if (!isRoot || !hasApt) {
    log(`Missing system packages: ${missing.map((d) => `${d.pkg} (${d.why})`).join(', ')}`);
    log(`Install them with: sudo ${line}`);
    return false;
  }
  log(`Installing missing system packages: ${missing.map((d) => d.pkg).join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('sh', ['-c', line], { stdio: 'inherit', env });
  const still = missingDeps();
  if (still.length) {
    log(`Still missing after apt-get: ${still.map((d) => d.pkg).join(' ')}`);
    return false;
  }
  return true;
}
