import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync, linkSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KernelBuildError } from './errors';
import { applyPatches, failedHunks, filesTouched, ownCopy } from './patches';

const V5 = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'kernel-patches', 'v5-split-into-from-6.12.patch');
const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'patches-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('filesTouched', () => {
  it('lists the files of a git patch without their a/ b/ prefixes', () => {
    expect(filesTouched(readFileSync(V5, 'utf8'), 'v5.patch')).toEqual(['mm/migrate.c']);
  });
  it('refuses a patch that writes outside the tree, and a file that is no diff', () => {
    expect(() => filesTouched('--- a/../etc/passwd\n+++ b/../etc/passwd\n', 'evil.patch')).toThrow(/outside the source tree/);
    expect(() => filesTouched('hello\n', 'notes.txt')).toThrow(/not a unified diff/);
  });
});

describe('failedHunks', () => {
  it('names the file and hunk GNU patch could not place', () => {
    const out = 'checking file mm/migrate.c\nHunk #2 FAILED at 1766.\n1 out of 2 hunks FAILED\n';
    expect(failedHunks(out)).toEqual(['mm/migrate.c hunk #2 at line 1766']);
  });
});

describe('applyPatches', () => {
  function tree(content: string) {
    const source = tmp();
    mkdirSync(join(source, 'mm'));
    writeFileSync(join(source, 'mm', 'a.c'), content);
    const copy = tmp();
    mkdirSync(join(copy, 'mm'));
    linkSync(join(source, 'mm', 'a.c'), join(copy, 'mm', 'a.c'));
    return { source, copy };
  }
  const patch = (dir: string, text: string) => {
    const p = join(dir, 'p.patch');
    writeFileSync(p, text);
    return p;
  };
  const diff = '--- a/mm/a.c\n+++ b/mm/a.c\n@@ -1,3 +1,3 @@\n one\n-two\n+TWO\n three\n';

  it('patches the copy, never the hard-linked source', async () => {
    const { source, copy } = tree('one\ntwo\nthree\n');
    const touched = await applyPatches(copy, [patch(tmp(), diff)], (f) => ownCopy(copy, source, f), () => {});
    expect(touched).toEqual(['mm/a.c']);
    expect(readFileSync(join(copy, 'mm', 'a.c'), 'utf8')).toBe('one\nTWO\nthree\n');
    expect(readFileSync(join(source, 'mm', 'a.c'), 'utf8')).toBe('one\ntwo\nthree\n');
    expect(statSync(join(source, 'mm', 'a.c')).nlink).toBe(1);
  });

  it('refuses a patch whose hunk does not match, naming the file and the hunk, and changes nothing', async () => {
    const { source, copy } = tree('one\nzwei\nthree\n');
    const err = await applyPatches(copy, [patch(tmp(), diff)], (f) => ownCopy(copy, source, f), () => {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KernelBuildError);
    expect((err as Error).message).toMatch(/patch p\.patch does not apply: mm\/a\.c hunk #1 at line 1/);
    expect(readFileSync(join(copy, 'mm', 'a.c'), 'utf8')).toBe('one\nzwei\nthree\n');
  });
});
