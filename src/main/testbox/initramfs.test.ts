import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildInitramfs, GUEST_SAMPLER_PATH } from './initramfs';
import { compileSampler } from './workloads';

// The box's initramfs carries the C sampler, byte for byte the build deploySampler looks for
// (by sha256), so sampling the box never uploads over its console.
describe.runIf(existsSync('/bin/busybox') && existsSync('/usr/bin/cpio'))('the box initramfs', () => {
  it('has the C sampler at GUEST_SAMPLER_PATH, identical to the cached build, and executable', async () => {
    const initrd = await buildInitramfs('/bin/busybox', () => {});
    const cpio = gunzipSync(readFileSync(initrd));
    const list = execFileSync('cpio', ['-t', '-v', '--quiet'], { input: cpio, encoding: 'utf8', maxBuffer: 1 << 26 });
    const line = list.split('\n').find((l) => l.endsWith(` ${GUEST_SAMPLER_PATH.slice(1)}`));
    expect(line, 'sampler entry in the cpio').toBeDefined();
    expect(line!.startsWith('-rwxr-xr-x')).toBe(true);
    const inside = execFileSync('cpio', ['-i', '--quiet', '--to-stdout', GUEST_SAMPLER_PATH.slice(1)], { input: cpio, maxBuffer: 1 << 26 });
    const built = await compileSampler(() => {});
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    expect(sha(inside)).toBe(sha(readFileSync(join(built.dir, 'numalab-sampler'))));
  }, 120_000);
});
