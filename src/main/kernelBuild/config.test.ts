import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkFragmentFile, labFragmentPath, missingBoxOptions, parseConfig } from './config';

describe("the box's config fragment", () => {
  const lab = readFileSync(labFragmentPath(), 'utf8');

  it('says why for every option it sets', () => {
    const lines = lab.split('\n');
    lines.forEach((l, i) => {
      if (/^CONFIG_/.test(l)) expect(lines[i - 1], `${l} has no comment above it`).toMatch(/^(#|CONFIG_)/);
    });
    for (const opt of ['CONFIG_NUMA', 'CONFIG_X86_64_ACPI_NUMA', 'CONFIG_NUMA_BALANCING', 'CONFIG_TRANSPARENT_HUGEPAGE', 'CONFIG_MIGRATION', 'CONFIG_DEVTMPFS', 'CONFIG_BLK_DEV_INITRD', 'CONFIG_KALLSYMS', 'CONFIG_BUG'])
      expect(parseConfig(lab).get(opt)).toBe('y');
    expect(parseConfig(lab).get('CONFIG_SERIAL_8250_NR_UARTS')).toBe('4');
    expect(parseConfig(lab).get('CONFIG_MODULES')).toBe('n');
  });

  it('finds what a merged config lost, and blames the user fragment when it did that', () => {
    const merged = lab.replace('CONFIG_NUMA=y', '# CONFIG_NUMA is not set');
    expect(missingBoxOptions(merged, lab, 'CONFIG_NUMA=n\n')).toEqual(['CONFIG_NUMA=y is needed by the box but the config has CONFIG_NUMA=n (your fragment sets CONFIG_NUMA=n)']);
    expect(missingBoxOptions(merged, lab)[0]).toMatch(/a dependency of it is off/);
    expect(missingBoxOptions(lab, lab)).toEqual([]);
  });

  it('refuses a fragment line that is not CONFIG_X=value, and modules', () => {
    const d = mkdtempSync(join(tmpdir(), 'frag-'));
    try {
      const f = join(d, 'f.config');
      writeFileSync(f, '# mine\nCONFIG_DEBUG_VM=y\n');
      expect(() => checkFragmentFile(f)).not.toThrow();
      writeFileSync(f, 'CONFIG_DEBUG_VM=y; rm -rf /\n');
      expect(() => checkFragmentFile(f)).toThrow(/line 1 .* is not CONFIG_NAME=value/);
      writeFileSync(f, 'CONFIG_EXT4_FS=m\n');
      expect(() => checkFragmentFile(f)).toThrow(/no modules/);
      expect(() => checkFragmentFile(join(d, 'none'))).toThrow(/no such file/);
      expect(() => checkFragmentFile(join(d, 'my frag.config'))).toThrow(/whitespace/);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});
