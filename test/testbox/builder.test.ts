import { describe, expect, it } from 'vitest';
import { TestboxError } from '../../src/main/testbox/errors';
import { checkMemory, memAvailableMiB } from '../../src/main/testbox/hostMemory';
import { bzImageRelease, newestFirst, parseKernelSpec, seriesPackagePattern } from '../../src/main/testbox/kernelSpec';
import { checkPrereqs, findStaticBusybox, isStaticElf } from '../../src/main/testbox/prereqs';
import { kernelCmdline, qemuArgs } from '../../src/main/testbox/qemuArgs';

describe('testbox builder pieces', () => {
  it('parses --kernel', () => {
    expect(parseKernelSpec('6.1')).toEqual({ kind: 'series', series: '6.1' });
    expect(parseKernelSpec('6.12.117+deb13-amd64')).toEqual({ kind: 'release', release: '6.12.117+deb13-amd64' });
    expect(parseKernelSpec('/boot/bzImage')).toEqual({ kind: 'file', path: '/boot/bzImage' });
    expect(() => parseKernelSpec('5.10; rm -rf /')).toThrow(/use 6.1, 6.12/);
  });

  it('picks the newest package of a series, trixie before a bookworm backport', () => {
    const names = [
      'linux-image-6.12.117+deb12-amd64-unsigned',
      'linux-image-6.12.118+deb13-amd64-unsigned',
      'linux-image-6.12.117+deb13-amd64-unsigned',
      'linux-image-6.12.115+deb13.1-amd64-unsigned',
    ];
    expect(newestFirst(names)).toEqual([names[1], names[2], names[0], names[3]]);
    expect(newestFirst(['linux-image-6.1.0-9-amd64-unsigned', 'linux-image-6.1.0-56-amd64-unsigned'])[0]).toBe('linux-image-6.1.0-56-amd64-unsigned');
    expect(seriesPackagePattern('6.12').test('linux-image-6.12.117+deb13-cloud-amd64-unsigned')).toBe(false);
  });

  it('reads the release out of a bzImage setup header', () => {
    const head = Buffer.alloc(0x1000);
    head.write('HdrS', 0x202, 'latin1');
    head.writeUInt16LE(0x300, 0x20e);
    head.write('6.12.117+deb13-amd64 (debian-kernel@lists.debian.org) #1 SMP\0', 0x500, 'latin1');
    expect(bzImageRelease(head)).toBe('6.12.117+deb13-amd64');
    expect(bzImageRelease(Buffer.alloc(0x1000))).toBeUndefined();
  });

  it('builds the QEMU command line: one memory backend and CPU range per node, 4 serial sockets, detached', () => {
    const a = qemuArgs({ name: 'b', nodes: 2, cpusPerNode: 2, memPerNodeMiB: 512, accelerator: 'tcg', vmlinuz: '/k', initrd: '/i', dir: '/s/b' });
    const s = a.join(' ');
    expect(s).toContain('-m 1024M -smp 4');
    expect(s).toContain('-object memory-backend-ram,id=m0,size=512M -numa node,nodeid=0,cpus=0-1,memdev=m0');
    expect(s).toContain('-numa node,nodeid=1,cpus=2-3,memdev=m1');
    expect(s).toContain('socket,id=s0,path=/s/b/ttyS0.sock,server=on,wait=off,logfile=/s/b/console.log');
    expect(a.filter((x) => x.startsWith('chardev:s'))).toHaveLength(4);
    expect(s).toContain('-no-reboot');
    expect(s).toContain('-daemonize -pidfile /s/b/qemu.pid');
    expect(kernelCmdline('b')).toMatch(/console=ttyS0.* panic=-1 /);
  });

  it('refuses more memory than the machine has available', () => {
    expect(memAvailableMiB('MemTotal: 100 kB\nMemAvailable:    2097152 kB\n')).toBe(2048);
    expect(() => checkMemory(2, 1024, 2048)).toThrow(TestboxError);
    expect(() => checkMemory(2, 1024, 2048)).toThrow(/needs about 2304 MiB .* has 2048 MiB available/);
    expect(() => checkMemory(2, 512, 2048)).not.toThrow();
  });

  it('names every missing tool and the apt-get line that installs them', () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      expect(() => checkPrereqs({ needApt: true })).toThrow(/apt-get install -y qemu-system-x86 apt dpkg tar cpio gzip gcc/);
    } finally {
      process.env.PATH = path;
    }
  });

  it('tells a static busybox from a dynamic program', () => {
    expect(isStaticElf(process.execPath)).toBe(false);
    const bb = findStaticBusybox();
    if (bb) expect(isStaticElf(bb)).toBe(true);
  });
});

describe('kernel download failures', () => {
  it('fail with the reason when the Debian archive cannot be reached (no silent fallback without a cached kernel)', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { resolveKernel } = await import('../../src/main/testbox/kernel');
    const cache = mkdtempSync(join(tmpdir(), 'tb-cache-'));
    process.env.NUMA_LAB_DEBIAN_MIRROR = 'http://127.0.0.1:9/debian';
    process.env.NUMA_LAB_DEBIAN_SECURITY = 'http://127.0.0.1:9/debian-security';
    try {
      const err = await resolveKernel('6.12', () => {}, cache).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TestboxError);
      expect((err as TestboxError).kind).toBe('kernel-unavailable');
      expect((err as Error).message).toMatch(/cannot get the kernel 6.12: apt-get update failed: .*127\.0\.0\.1/);
    } finally {
      delete process.env.NUMA_LAB_DEBIAN_MIRROR;
      delete process.env.NUMA_LAB_DEBIAN_SECURITY;
      rmSync(cache, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('parseMemSizeMiB', () => {
  it('reads --mem-per-node', async () => {
    const { parseMemSizeMiB } = await import('../../src/main/testbox/memSize');
    expect(parseMemSizeMiB('1G')).toBe(1024);
    expect(parseMemSizeMiB('1.5G')).toBe(1536);
    expect(parseMemSizeMiB('512M')).toBe(512);
    expect(parseMemSizeMiB('768')).toBe(768);
    expect(() => parseMemSizeMiB('1T')).toThrow(/512M or 1G/);
  });
});
