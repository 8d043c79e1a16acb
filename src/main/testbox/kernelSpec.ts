/**
 * What `--kernel` may name, parsed without touching the disk or the network:
 *   6.1 | 6.12                 the newest Debian amd64 kernel of that series (bookworm / trixie)
 *   6.1.0-56-amd64, 6.12.117+deb13-amd64   an exact Debian kernel release
 *   /path/to/bzImage            a kernel the user built (must have serial, NUMA, THP built in)
 */
export type KernelSpec =
  | { kind: 'series'; series: '6.1' | '6.12' }
  | { kind: 'release'; release: string }
  | { kind: 'file'; path: string };

const RELEASE = /^6\.(?:1\.0-\d+|12\.\d+\+deb1[23](?:\.\d+)?)-amd64$/;

export function parseKernelSpec(s: string): KernelSpec {
  if (s === '6.1' || s === '6.12') return { kind: 'series', series: s };
  if (RELEASE.test(s)) return { kind: 'release', release: s };
  if (s.startsWith('/') || s.startsWith('./') || s.startsWith('../')) return { kind: 'file', path: s };
  throw new Error(
    `--kernel ${JSON.stringify(s)} is not a kernel this lab can fetch: use 6.1, 6.12, an exact Debian release such as 6.1.0-56-amd64 or 6.12.117+deb13-amd64, or a path to a bzImage`,
  );
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
 * The release string inside a bzImage (setup header: kernel_version at 0x20E points to
 * "6.12.117+deb13-amd64 (debian-kernel@...) #1 SMP ..."), or undefined for other files.
 */
export function bzImageRelease(head: Buffer): string | undefined {
  if (head.length < 0x210 || head.toString('latin1', 0x202, 0x206) !== 'HdrS') return undefined;
  const at = head.readUInt16LE(0x20e) + 0x200;
  if (at >= head.length) return undefined;
  const end = head.indexOf(0, at);
  const text = head.toString('latin1', at, end < 0 ? Math.min(head.length, at + 256) : end);
  return text.split(' ')[0] || undefined;
}
