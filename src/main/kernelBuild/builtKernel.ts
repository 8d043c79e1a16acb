import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { BuiltKernel } from '../../shared/testbox/api';

export type { BuiltKernel } from '../../shared/testbox/api';

/** build.json of a lab-built bzImage (beside it), or undefined for any other file. */
export function builtKernelAt(bzImage: string): BuiltKernel | undefined {
  const meta = join(dirname(bzImage), 'build.json');
  if (basename(bzImage) !== 'bzImage' || !existsSync(meta)) return undefined;
  try {
    return JSON.parse(readFileSync(meta, 'utf8')) as BuiltKernel;
  } catch {
    return undefined;
  }
}

/** Where a build's bzImage is kept, by its key (the UI and `--kernel build:<key>` name builds so). */
export function builtKernelImage(key: string, cache: string): string {
  return join(cache, 'kernel-build', 'results', key, 'bzImage');
}

/** Every kernel the lab has built, newest first. */
export function listBuiltKernels(cache: string): BuiltKernel[] {
  const dir = join(cache, 'kernel-build', 'results');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((k) => /^[0-9a-f]{20}$/.test(k))
    .map((k) => builtKernelAt(builtKernelImage(k, cache)))
    .filter((b): b is BuiltKernel => b !== undefined)
    .sort((a, b) => b.builtAt.localeCompare(a.builtAt));
}
