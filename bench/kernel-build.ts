/**
 * bench/kernel-build: what `numa-lab kernel build` costs here. Prints the time of a build of
 * Debian's 6.12 source (cold the first time on a machine, or with --cold, which empties the
 * object folder first), of the same inputs again (a cache hit), and of a one-line change to
 * mm/migrate.c given as a patch (an incremental rebuild), with the objects each compiled.
 *
 *   npx tsx bench/kernel-build.ts [--source debian:6.12] [--cold]
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { buildKernel } from '../src/main/kernelBuild';
import { cacheDir } from '../src/main/testbox/paths';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : dflt;
};
const source = arg('source', 'debian:6.12');

async function timed(what: string, req: Parameters<typeof buildKernel>[0]) {
  const t0 = performance.now();
  const k = await buildKernel(req);
  console.log(`${what.padEnd(34)} ${((performance.now() - t0) / 1000).toFixed(1).padStart(7)} s  ${String(k.objectsBuilt).padStart(5)} objects${k.cached ? '  (cache hit)' : ''}  ${k.release}`);
  return k;
}

if (process.argv.includes('--cold')) {
  // The object folder of this source: the next build compiles everything.
  const id = createHash('sha256').update(`debian:linux-source-${source.slice('debian:'.length)}`).digest('hex').slice(0, 16);
  rmSync(join(cacheDir(), 'kernel-build', 'objs', id), { recursive: true, force: true });
  console.log(`emptied the object folder of ${source}`);
}
const first = await timed(`build ${source}`, { source, force: process.argv.includes('--cold') });
await timed('same inputs again', { source });
// A one-line change: a comment in mm/migrate.c, as a patch with a unique line so it is never cached.
const dir = mkdtempSync(join(tmpdir(), 'kb-bench-'));
try {
  const tree = join(cacheDir(), 'kernel-build', 'trees', createHash('sha256').update(`debian:linux-source-${source.slice('debian:'.length)}`).digest('hex').slice(0, 16));
  const line1 = readFileSync(join(tree, 'mm', 'migrate.c'), 'utf8').split('\n')[0];
  const patch = join(dir, 'touch-migrate.patch');
  writeFileSync(patch, `--- a/mm/migrate.c\n+++ b/mm/migrate.c\n@@ -1 +1,2 @@\n ${line1}\n+/* bench ${Date.now()} */\n`);
  await timed('one-line change to mm/migrate.c', { source, patches: [patch] });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(`bzImage ${first.bzImage}`);
