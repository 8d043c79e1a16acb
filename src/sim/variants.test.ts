import { describe, expect, it } from 'vitest';
import { VARIANTS, VARIANT_NAMES, variantForKernelRelease } from './variants';

describe('variantForKernelRelease', () => {
  it.each([
    ['6.1.0-56-amd64', 'linux-6.1'],
    ['6.12.117+deb13-amd64', 'linux-6.12+'],
    ['6.8.0-45-generic', 'linux-6.3..6.9'],
    ['6.10.3', 'linux-6.10..6.11'],
    ['6.11.0-rc1', 'linux-6.10..6.11'],
    ['6.15.0', 'linux-6.12+'],
    ['7.0.1', 'linux-6.12+'],
    ['v5-posted', 'v5-posted'],
    ['linux-6.1', 'linux-6.1'],
  ])('%s → %s', (release, name) => {
    expect(variantForKernelRelease(release).name).toBe(name);
  });

  it('refuses what it cannot map, saying what is allowed', () => {
    expect(() => variantForKernelRelease('banana')).toThrow(/allowed variants/);
    expect(() => variantForKernelRelease('5.15.0-1-amd64')).toThrow(/before 6.1/);
  });

  it('every variant cites what it follows', () => {
    for (const n of VARIANT_NAMES) expect(VARIANTS[n].follows.length).toBeGreaterThan(2);
  });
});
