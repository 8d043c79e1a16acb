import { copyFileSync, readFileSync, rmSync } from 'node:fs';
import { basename, join, normalize } from 'node:path';
import { run } from '../testbox/run';
import { KernelBuildError } from './errors';

/**
 * The files a unified diff (git format-patch, diff -u, quilt) changes, relative to the tree
 * (`-p1`: the a/ and b/ prefix dropped). A path that leaves the tree (`..`, absolute) is refused:
 * a patch must never write outside the lab's copy.
 */
export function filesTouched(patchText: string, patchName: string): string[] {
  const files = new Set<string>();
  for (const line of patchText.split('\n')) {
    const m = /^(?:\+\+\+|---) (\S+)/.exec(line);
    if (!m || m[1] === '/dev/null') continue;
    const stripped = m[1].replace(/^[^/]+\//, '');
    const n = normalize(stripped);
    if (n.startsWith('..') || n.startsWith('/')) throw new KernelBuildError(`patch ${patchName} names ${m[1]}, outside the source tree`, 'patch-failed');
    files.add(n);
  }
  if (!files.size) throw new KernelBuildError(`patch ${patchName} has no "--- a/FILE" / "+++ b/FILE" lines: it is not a unified diff`, 'patch-failed');
  return [...files];
}

/**
 * What GNU patch said about the hunks that failed, as "mm/migrate.c hunk #1 at line 1772"
 * (patch prints `checking file F` and then `Hunk #N FAILED at L.` for each hunk of F it could not place).
 */
export function failedHunks(patchOutput: string): string[] {
  const failed: string[] = [];
  let file = '?';
  for (const line of patchOutput.split('\n')) {
    const f = /^(?:checking|patching) file '?([^']+?)'?$/.exec(line.trim());
    if (f) file = f[1];
    const h = /^Hunk #(\d+) FAILED at (\d+)/.exec(line.trim());
    if (h) failed.push(`${file} hunk #${h[1]} at line ${h[2]}`);
    const missing = /^can't find file to patch/.exec(line.trim());
    if (missing) failed.push(`a file the patch names is not in the tree (${file})`);
    if (/Reversed \(or previously applied\) patch detected/.test(line)) failed.push(`${file}: already applied (or reversed)`);
  }
  return failed;
}

/**
 * Applies the patches in order to the lab's copy of the tree. Each is first tried with
 * `--dry-run` (so a patch that does not apply changes nothing and is named with its hunk),
 * with no fuzz: a hunk whose context does not match exactly is refused rather than placed
 * where it might mean something else. The files a patch touches are copies, never hard links
 * back to the source, so the user's tree (or the cached Debian tree) is never written.
 */
export async function applyPatches(tree: string, patches: string[], breakLink: (rel: string) => void, log: (l: string) => void): Promise<string[]> {
  const touched: string[] = [];
  for (const file of patches) {
    const text = readFileSync(file, 'utf8');
    const files = filesTouched(text, basename(file));
    const args = ['-p1', '--forward', '--batch', '--fuzz=0', '--no-backup-if-mismatch', '-d', tree, '-i', file];
    const dry = await run('patch', ['--dry-run', ...args]);
    if (dry.code !== 0) {
      const hunks = failedHunks(dry.stdout + dry.stderr);
      throw new KernelBuildError(
        `patch ${basename(file)} does not apply: ${hunks.length ? hunks.join('; ') : (dry.stdout + dry.stderr).trim().split('\n').slice(-3).join(' | ')}` +
          (patches.length > 1 ? ` (patches are applied in the order given; ${patches.indexOf(file)} before it applied)` : ''),
        'patch-failed',
      );
    }
    for (const f of files) breakLink(f);
    const real = await run('patch', args);
    if (real.code !== 0) throw new KernelBuildError(`patch ${basename(file)} failed after a clean dry run: ${(real.stdout + real.stderr).trim()}`, 'patch-failed');
    log(`patch: applied ${basename(file)} (${files.join(', ')})`);
    touched.push(...files);
  }
  return [...new Set(touched)];
}

/** Replaces a hard link in the lab's copy by a file of its own (fresh mtime: make rebuilds what depends on it). */
export function ownCopy(tree: string, source: string, rel: string): void {
  const dst = join(tree, rel);
  rmSync(dst, { force: true });
  try {
    copyFileSync(join(source, rel), dst);
  } catch {
    /* a file the patch creates: nothing to copy */
  }
}
