import { describe, expect, it } from 'vitest';
import { objectBuilt } from './progress';
import { parseSourceSpec } from './source';

describe('kbuild progress', () => {
  it('counts compiled and assembled objects, nothing else', () => {
    expect(objectBuilt('  CC      mm/migrate.o')).toBe('mm/migrate.o');
    expect(objectBuilt('  AS      arch/x86/entry/entry_64.o')).toBe('arch/x86/entry/entry_64.o');
    expect(objectBuilt('  LD      vmlinux.o')).toBeUndefined();
    expect(objectBuilt('  CC      scripts/mod/empty.s')).toBeUndefined();
  });
});

describe('--source', () => {
  it('takes Debian source packages and paths, and names the allowed forms otherwise', () => {
    expect(parseSourceSpec('debian:6.12')).toEqual({ kind: 'debian', series: '6.12' });
    expect(parseSourceSpec('/src/linux')).toEqual({ kind: 'dir', path: '/src/linux' });
    expect(() => parseSourceSpec('debian:5.10')).toThrow(/use debian:6.12, debian:6.1, or the path/);
    expect(() => parseSourceSpec('$(reboot)')).toThrow(/use debian:6.12/);
  });
});
