import { describe, expect, it } from 'vitest';
import { TestboxError } from '../../src/main/testbox/errors';
import { checkMemory, memAvailableMiB } from '../../src/main/testbox/hostMemory';
import { bzImageRelease, bzImageSetupLength, newestFirst, parseKernelSpec, seriesPackagePattern } from '../../src/main/testbox/kernelSpec';
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

  it('reads the release out of a bzImage setup header, wherever in the setup sectors it lies', () => {
    // As in Debian's 6.1 vmlinuz: 29 setup sectors, kernel_version pointing 0x38a0 bytes in (past the first 4 KiB).
    const setup = Buffer.alloc(30 * 512);
    setup[0x1f1] = 29;
    setup.write('HdrS', 0x202, 'latin1');
    setup.writeUInt16LE(0x020f, 0x206);
    setup.writeUInt16LE(0x38a0 - 0x200, 0x20e);
    setup.write('6.1.0-57-amd64 (debian-kernel@lists.debian.org) #1 SMP PREEMPT_DYNAMIC\0', 0x38a0, 'latin1');
    expect(bzImageSetupLength(setup.subarray(0, 0x400))).toBe(30 * 512);
    expect(bzImageRelease(setup)).toBe('6.1.0-57-amd64');
    // setup_sects 0 means 4 (boot protocol); a pointer beyond the setup code is no release.
    const old = Buffer.alloc(5 * 512);
    old.write('HdrS', 0x202, 'latin1');
    old.writeUInt16LE(0x0200, 0x206);
    old.writeUInt16LE(0x300, 0x20e);
    old.write('6.12.117 (me@box) #1\0', 0x500, 'latin1');
    expect(bzImageSetupLength(old)).toBe(5 * 512);
    expect(bzImageRelease(old)).toBe('6.12.117');
    old.writeUInt16LE(0x2000, 0x20e);
    expect(bzImageRelease(old)).toBeUndefined();
    expect(bzImageRelease(Buffer.alloc(0x1000))).toBeUndefined();
  });

  it('builds the QEMU command line: one memory backend and CPU range per node, 4 serial sockets, detached', () => {
    const a = qemuArgs({ name: 'b', nodes: 2, cpusPerNode: 2, memPerNodeMiB: 512, accelerator: 'tcg', vmlinuz: '/k', initrd: '/i', dir: '/s/b' });
    const s = a.join(' ');
    expect(s).toContain('-m 1024M -smp 4,sockets=2,cores=2,threads=1');
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

describe('Debian kernels beyond bookworm and trixie', () => {
  it('testbox kernels lists every suite\'s newest kernel of each series with its model, and the newest of sid boots as a 2-node box', async () => {
    const { execFile } = await import('node:child_process');
    const { promisify } = await import('node:util');
    const { join } = await import('node:path');
    const { repoRoot } = await import('../../src/main/repoRoot');
    const { testboxDown } = await import('../../src/main/testbox');
    const cli = join(repoRoot(), 'bin', 'numa-lab.mjs');
    const list = JSON.parse((await promisify(execFile)(process.execPath, [cli, 'testbox', 'kernels', '--json'], { timeout: 180_000 })).stdout) as Array<{ suite: string; release: string; variant: string; verified: boolean; coverage?: string }>;
    const bookworm61 = list.find((k) => k.suite === 'bookworm' && /^6\.1\.0-\d+-amd64$/.test(k.release));
    expect(bookworm61).toMatchObject({ variant: 'linux-6.1', verified: true });
    expect(list.find((k) => k.suite === 'trixie' && /^6\.12\.\d+\+deb13-amd64$/.test(k.release))).toMatchObject({ variant: 'linux-6.12+', verified: true });
    for (const k of list.filter((x) => !x.verified)) expect(k.coverage).toMatch(/verified only on|not verified/);
    const sid = list.filter((k) => k.suite === 'sid').pop();
    if (!sid) {
      console.log('[testbox] the archive has no sid kernel today: nothing to boot');
      return;
    }
    const name = `sid-${process.pid}`;
    try {
      const up = await promisify(execFile)(process.execPath, [cli, 'testbox', 'up', '--kernel', 'sid', '--name', name, '--json'], { timeout: 400_000 });
      const box = JSON.parse(up.stdout);
      expect(box.release).toBe(sid.release);
      expect(box.variant).toBe(sid.variant);
      const r = await promisify(execFile)(process.execPath, [cli, 'hosts', 'probe', box.target, '--json'], { timeout: 120_000 });
      expect(JSON.parse(r.stdout).nodes.map((n: { id: number }) => n.id)).toEqual([0, 1]);
    } finally {
      await testboxDown(name).catch(() => undefined);
    }
  }, 600_000);
});
