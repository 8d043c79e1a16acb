import { describe, expect, it } from 'vitest';
import { releaseCoverage, VARIANTS, VARIANT_NAMES, variantForKernelRelease } from './variants';

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

  it('every variant cites something of its own beyond the sources all of them share', () => {
    const common = VARIANT_NAMES.map((n) => new Set(VARIANTS[n].follows)).reduce((a, b) => new Set([...a].filter((x) => b.has(x))));
    for (const n of VARIANT_NAMES) expect(VARIANTS[n].follows.filter((f) => !common.has(f)), n).not.toEqual([]);
  });
});

describe('releaseCoverage: what a prediction was not checked on', () => {
  it('says nothing for the releases the ground truth and the box measured, or their series', () => {
    expect(releaseCoverage('6.12.117+deb13-amd64')).toBeUndefined();
    expect(releaseCoverage('6.12.57')).toBeUndefined();
    expect(releaseCoverage('6.1.0-56-amd64')).toBeUndefined();
    expect(releaseCoverage('linux-6.1')).toBeUndefined();
  });

  it('names the verified release when a newer one maps to the same variant', () => {
    expect(releaseCoverage('6.18.44')).toBe('6.18.44 → linux-6.12+, verified only on 6.12.117+deb13-amd64, 6.12.118+deb13-amd64');
    expect(releaseCoverage('7.0.1')).toMatch(/^7\.0\.1 → linux-6\.12\+, verified only on 6\.12/);
    expect(releaseCoverage('6.2.16')).toMatch(/^6\.2\.16 → linux-6\.1, verified only on 6\.1\.0-56-amd64$/);
  });

  it('says when a variant was never run on a kernel', () => {
    expect(releaseCoverage('6.8.0-45-generic')).toMatch(/^6\.8\.0-45-generic → linux-6\.3\.\.6\.9: not verified on a running kernel/);
    expect(releaseCoverage('v5-posted')).toMatch(/^v5-posted: not verified on a running kernel \(the model follows Zi Yan, "\[PATCH v5\] mm\/migrate: split source folio if it is on deferred split list" as posted/);
  });
});
