import { describe, expect, it } from 'vitest';
import { chooseVariant } from './api';
import { compareReleases, parseKernelSpec, releaseOfImagePackage } from './kernelSpec';

describe("a box's model variant", () => {
  it('follows the release, and says when that release was never verified', () => {
    expect(chooseVariant('6.12.118')).toMatchObject({ variant: 'linux-6.12+', source: 'release' });
    expect(chooseVariant('6.12.118').coverage).toBeUndefined();
    const newer = chooseVariant('7.2.13+deb14-amd64');
    expect(newer.variant).toBe('linux-6.12+');
    expect(newer.coverage).toMatch(/7\.2\.13\+deb14-amd64 → linux-6\.12\+, verified only on/);
  });
  it('takes a kernel build\'s declared variant, and --variant over both', () => {
    expect(chooseVariant('6.12.118', undefined, 'v5-posted')).toMatchObject({ variant: 'v5-posted', source: 'build' });
    expect(chooseVariant('6.12.118', 'linux-6.10..6.11', 'v5-posted')).toMatchObject({ variant: 'linux-6.10..6.11', source: 'flag' });
    expect(chooseVariant('6.12.118', undefined, 'v5-posted').coverage).toMatch(/not verified on a running kernel/);
  });
});

describe('--kernel', () => {
  it('names Debian series, suites, releases of any suite, bzImage paths and lab builds', () => {
    expect(parseKernelSpec('sid')).toEqual({ kind: 'suite', suite: 'sid' });
    expect(parseKernelSpec('trixie-backports')).toEqual({ kind: 'suite', suite: 'trixie-backports' });
    expect(parseKernelSpec('7.2.13+deb14-amd64')).toEqual({ kind: 'release', release: '7.2.13+deb14-amd64' });
    expect(parseKernelSpec('6.1.0-57-amd64')).toEqual({ kind: 'release', release: '6.1.0-57-amd64' });
    expect(parseKernelSpec('build:0123456789abcdef0123')).toEqual({ kind: 'build', key: '0123456789abcdef0123' });
    expect(() => parseKernelSpec('build:../../etc')).toThrow(/build:<key>/);
    expect(() => parseKernelSpec('7.2.13+deb14-amd64; reboot')).toThrow(/not a kernel this lab can fetch/);
  });
  it('reads releases out of image package names, and orders them newest first', () => {
    expect(releaseOfImagePackage('linux-image-7.2.13+deb14-amd64')).toBe('7.2.13+deb14-amd64');
    expect(releaseOfImagePackage('linux-image-6.12.95+deb12-amd64-unsigned')).toBe('6.12.95+deb12-amd64');
    expect(releaseOfImagePackage('linux-image-6.12.95+deb12-cloud-amd64')).toBeUndefined();
    expect(releaseOfImagePackage('linux-image-amd64')).toBeUndefined();
    expect(['6.12.118+deb13-amd64', '7.2.12+deb14-amd64', '7.2.13+deb14-amd64'].sort(compareReleases)[0]).toBe('7.2.13+deb14-amd64');
  });
});
