import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Log } from './errors';
import { cacheDir, resourcesDir } from './paths';
import { run, runOk } from './run';

/**
 * The lab's workloads (resources/workloads/*.c), compiled on this machine with
 * `gcc -static -O2`: the guest has no compiler and no libc, so each must stand alone.
 * Cached by a hash of the sources and the compiler, so they are rebuilt only when one changes.
 */
export interface CompiledWorkloads {
  dir: string;
  names: string[];
  hash: string;
  /** Sources that did not compile (name and gcc's message): left out of the box, not fatal. */
  failed: Array<{ name: string; error: string }>;
}

export function compileWorkloads(log: Log, cache = cacheDir()): Promise<CompiledWorkloads> {
  return compileStatic(join(resourcesDir(), 'workloads'), 'workloads', log, cache);
}

/** The guest's own helpers (resources/testbox/*.c, e.g. numalab-mpol), built the same way. */
export function compileGuestTools(log: Log, cache = cacheDir()): Promise<CompiledWorkloads> {
  return compileStatic(join(resourcesDir(), 'testbox'), 'guest-tools', log, cache);
}

/**
 * The lab's C sampler (resources/sampler/numalab-sampler.c), built the same way: the local host
 * runs it from the cache, the box carries it in its initramfs, other hosts get it uploaded.
 */
export function compileSampler(log: Log, cache = cacheDir()): Promise<CompiledWorkloads> {
  // One build at a time per cache (two runs starting at once share it: the build dir is per pid).
  const key = `sampler\0${cache}`;
  let p = inflight.get(key);
  if (!p) {
    p = compileStatic(join(resourcesDir(), 'sampler'), 'sampler', log, cache).finally(() => inflight.delete(key));
    inflight.set(key, p);
  }
  return p;
}
const inflight = new Map<string, Promise<CompiledWorkloads>>();

async function compileStatic(src: string, kind: string, log: Log, cache: string): Promise<CompiledWorkloads> {
  const files = readdirSync(src)
    .filter((f) => f.endsWith('.c'))
    .sort();
  const gcc = await runOk('gcc', ['--version'], 'gcc --version');
  const h = createHash('sha256').update(gcc.stdout);
  for (const f of files) h.update(f).update(readFileSync(join(src, f)));
  const hash = h.digest('hex').slice(0, 16);
  const dir = join(cache, kind, hash);
  const failedFile = join(dir, 'failed.json');
  if (existsSync(failedFile)) {
    const failed = JSON.parse(readFileSync(failedFile, 'utf8')) as CompiledWorkloads['failed'];
    const names = files.map((f) => f.slice(0, -2)).filter((n) => !failed.some((x) => x.name === n));
    return { dir, names, hash, failed };
  }

  log(`${kind}: compiling ${files.join(', ')} with gcc -static -O2`);
  const tmp = `${dir}.tmp${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const names: string[] = [];
  const failed: CompiledWorkloads['failed'] = [];
  // One at a time and independently: a workload being written (or broken) must not keep the
  // box from booting; it is left out and named.
  for (const f of files) {
    const name = f.slice(0, -2);
    const r = await run('gcc', ['-static', '-O2', '-pthread', '-Wall', '-o', join(tmp, name), join(src, f)]);
    if (r.code === 0) names.push(name);
    else {
      failed.push({ name, error: r.stderr.trim().split('\n').slice(0, 6).join('\n') });
      log(`${kind}: ${f} does not compile, left out of the box: ${failed[failed.length - 1].error.split('\n')[0]}`);
    }
  }
  writeFileSync(join(tmp, 'failed.json'), JSON.stringify(failed));
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  return { dir, names, hash, failed };
}
