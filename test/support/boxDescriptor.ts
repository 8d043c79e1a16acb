import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TestboxDescriptor } from '../../src/main/testbox/boxState';
import { boxDir } from '../../src/main/testbox/paths';

/**
 * A box descriptor as `testbox up` writes it, for a box whose QEMU is gone (pid 0: no process has
 * a qemu-system command line naming its folder), in the state folder NUMA_LAB_TESTBOX_STATE names.
 * Tests of the box list use it to show rows without booting QEMU.
 */
export function stoppedBoxDescriptor(name: string, extra: Partial<TestboxDescriptor> = {}): TestboxDescriptor {
  const dir = boxDir(name);
  mkdirSync(dir, { recursive: true });
  return {
    name,
    target: `testbox:${name}`,
    kernel: '6.12',
    release: '6.12.48+deb13-amd64',
    vmlinuz: '/nonexistent/vmlinuz',
    initrd: '/nonexistent/initrd',
    nodes: 2,
    cpusPerNode: 1,
    memPerNodeMiB: 512,
    accelerator: 'tcg',
    pid: 0,
    dir,
    sockets: { console: join(dir, 'ttyS0.sock'), channels: [], admin: join(dir, 'ttyS3.sock'), qmp: join(dir, 'qmp.sock') },
    consoleLog: join(dir, 'console.log'),
    qemuArgs: ['qemu-system-x86_64'],
    startedAt: new Date(Date.now() - 90_000).toISOString(),
    bootMs: 12_000,
    variant: 'v6.12',
    variantSource: 'release',
    ...extra,
  };
}
