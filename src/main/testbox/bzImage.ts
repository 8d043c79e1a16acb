import { closeSync, openSync, readSync } from 'node:fs';
import { bzImageRelease, bzImageSetupLength } from './kernelSpec';

/** The release of a bzImage on disk, read from its setup header; or why the file is not one. */
export function readBzImageRelease(path: string): { ok: true; release: string } | { ok: false; why: string } {
  const fd = openSync(path, 'r');
  try {
    // The boot sector and the start of the setup header (it runs to 0x268 in protocol 2.15).
    const first = Buffer.alloc(0x400);
    const got = readSync(fd, first, 0, first.length, 0);
    const length = bzImageSetupLength(first.subarray(0, got));
    if (length === undefined) return { ok: false, why: 'is not an x86 bzImage (no "HdrS" setup header at 0x202; a vmlinux ELF or a compressed image of another architecture cannot boot in the box)' };
    const setup = Buffer.alloc(length);
    readSync(fd, setup, 0, length, 0);
    const release = bzImageRelease(setup);
    return release ? { ok: true, release } : { ok: false, why: 'is an x86 bzImage without a kernel_version string (boot protocol before 2.00?): the box needs the release to choose the model' };
  } finally {
    closeSync(fd);
  }
}
