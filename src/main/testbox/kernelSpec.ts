import { BUILD_KEY, DEBIAN_RELEASE, DEBIAN_SUITES, type DebianSuite } from '../../shared/testbox/kernels';

/**
 * What `--kernel` may name, parsed without touching the disk or the network:
 *   6.1 | 6.12                 the newest Debian amd64 kernel of that series (bookworm / trixie)
 *   bookworm-backports, trixie-backports, forky, sid, …   the newest amd64 kernel of that suite
 *   6.1.0-56-amd64, 6.12.117+deb13-amd64, 7.2.13+deb14-amd64   an exact Debian kernel release
 *   /path/to/bzImage            any x86 bzImage (numa-lab kernel build makes one for the box)
 *   build:<key>                 a kernel numa-lab kernel build made, by its key (what the UI names)
 */
export type KernelSpec =
  | { kind: 'series'; series: '6.1' | '6.12' }
  | { kind: 'suite'; suite: DebianSuite }
  | { kind: 'release'; release: string }
  | { kind: 'file'; path: string }
  | { kind: 'build'; key: string };

/** The image packages of those releases: the kernel image, or its -unsigned twin (same kernel, no Secure Boot signature). */
const IMAGE_PACKAGE = new RegExp(`^linux-image-(${DEBIAN_RELEASE.source.slice(1, -1)})(-unsigned)?$`);

export function parseKernelSpec(s: string): KernelSpec {
  if (s === '6.1' || s === '6.12') return { kind: 'series', series: s };
  if ((DEBIAN_SUITES as readonly string[]).includes(s)) return { kind: 'suite', suite: s as DebianSuite };
  if (DEBIAN_RELEASE.test(s)) return { kind: 'release', release: s };
  if (s.startsWith('/') || s.startsWith('./') || s.startsWith('../')) return { kind: 'file', path: s };
  if (BUILD_KEY.test(s)) return { kind: 'build', key: s.slice('build:'.length) };
  throw new Error(
    `--kernel ${JSON.stringify(s)} is not a kernel this lab can fetch: use 6.1, 6.12, a Debian suite (${DEBIAN_SUITES.join(', ')}), an exact Debian release such as 6.1.0-56-amd64 or 6.12.117+deb13-amd64 (numa-lab testbox kernels lists them), a path to a bzImage, or build:<key> of a kernel numa-lab kernel build made`,
  );
}

/** The release a linux-image package holds, or undefined for meta packages, cloud/rt flavours and debug symbols. */
export function releaseOfImagePackage(pkg: string): string | undefined {
  return IMAGE_PACKAGE.exec(pkg)?.[1];
}

/** Newest first, by the numbers of the release (7.2.13+deb14 before 7.2.12+deb14 before 6.12.118+deb13). */
export function compareReleases(a: string, b: string): number {
  const key = (r: string) => (r.match(/\d+/g) ?? []).map(Number);
  const ka = key(a);
  const kb = key(b);
  for (let i = 0; i < Math.max(ka.length, kb.length); i++) if ((ka[i] ?? -1) !== (kb[i] ?? -1)) return (kb[i] ?? -1) - (ka[i] ?? -1);
  return 0;
}

/** The package holding a release's kernel image. The unsigned one: same kernel, no Secure Boot signature to carry. */
export function packageForRelease(release: string): string {
  return `linux-image-${release}-unsigned`;
}

/** Package names that can satisfy a series, for a regex over apt's package names. */
export function seriesPackagePattern(series: '6.1' | '6.12'): RegExp {
  return series === '6.1' ? /^linux-image-6\.1\.0-\d+-amd64-unsigned$/ : /^linux-image-6\.12\.\d+\+deb1[23](?:\.\d+)?-amd64-unsigned$/;
}

/**
 * Orders candidate packages newest first: by the numbers in the release, and, for 6.12, a
 * trixie build (+deb13) before a bookworm backport (+deb12) of the same upstream version.
 */
export function newestFirst(names: string[]): string[] {
  const key = (n: string): number[] => {
    const rel = n.replace(/^linux-image-/, '').replace(/-amd64-unsigned$/, '');
    const m = /^6\.12\.(\d+)\+deb(\d+)(?:\.(\d+))?$/.exec(rel);
    if (m) return [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
    const o = /^6\.1\.0-(\d+)$/.exec(rel);
    return o ? [Number(o[1]), 0, 0] : [0, 0, 0];
  };
  return [...names].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return kb[i] - ka[i];
    return 0;
  });
}

export function releaseOfPackage(pkg: string): string {
  return pkg.replace(/^linux-image-/, '').replace(/-unsigned$/, '');
}

/**
 * How many bytes of a bzImage to read to reach its release string: the real-mode setup code,
 * (setup_sects + 1) sectors of 512 bytes (setup_sects 0 means 4, as the boot protocol says), which
 * holds the kernel_version string. undefined when the first sector is not an x86 boot sector
 * with a "HdrS" setup header.
 */
export function bzImageSetupLength(first: Buffer): number | undefined {
  if (first.length < 0x210 || first.toString('latin1', 0x202, 0x206) !== 'HdrS') return undefined;
  const sects = first[0x1f1] || 4;
  return (sects + 1) * 512;
}

/**
 * The release string inside a bzImage, from its setup header (Documentation/arch/x86/boot.rst):
 * kernel_version at 0x20E is an offset from 0x200 to a NUL-terminated string in the setup
 * sectors, "6.12.117+deb13-amd64 (debian-kernel@...) #1 SMP ...". `setup` holds the setup
 * sectors (bzImageSetupLength bytes); undefined for other files, a boot protocol before 2.00
 * (no kernel_version), or a pointer outside the setup code.
 */
export function bzImageRelease(setup: Buffer): string | undefined {
  const length = bzImageSetupLength(setup);
  if (length === undefined) return undefined;
  if (setup.readUInt16LE(0x206) < 0x200) return undefined;
  const pointer = setup.readUInt16LE(0x20e);
  if (pointer === 0) return undefined;
  const at = pointer + 0x200;
  if (at >= Math.min(setup.length, length)) return undefined;
  const end = setup.indexOf(0, at);
  const text = setup.toString('latin1', at, end < 0 ? Math.min(setup.length, at + 256) : end);
  const release = text.split(' ')[0];
  // A release is printable and short; anything else is a pointer into code, not a string.
  return release && /^[\x21-\x7e]{1,64}$/.test(release) ? release : undefined;
}
