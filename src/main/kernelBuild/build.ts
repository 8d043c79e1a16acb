import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, copyFileSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { readBzImageRelease } from '../testbox/bzImage';
import { builtKernelImage, type BuiltKernel } from './builtKernel';
import { cacheDir } from '../testbox/paths';
import { run } from '../testbox/run';
import { resolveModelRef } from '../../sim/variants';
import type { ModelRef } from '../../shared/sim/behaviours';
import { checkFragmentFile, configure, labFragmentPath } from './config';
import { KernelBuildError } from './errors';
import { applyPatches, filesTouched, ownCopy } from './patches';
import { FIRST_BUILD_OBJECTS_ESTIMATE, LogTail, objectBuilt } from './progress';
import type { BuildProgress } from '../../shared/testbox/api';
import { parseSourceSpec, resolveSource } from './source';
import { checkBuildTools } from './tools';

export interface KernelBuildRequest {
  /** debian:6.12, debian:6.1, or a source tree's path. */
  source: string;
  /** Applied in order with patch -p1. */
  patches?: string[];
  /** Merged over the lab's fragment. */
  configFragment?: string;
  /** The model variant this kernel is meant to behave like (recorded; `testbox up` uses it). */
  variant?: ModelRef;
  log?: (line: string) => void;
  onProgress?: (p: BuildProgress) => void;
  /** Rebuild even when the same inputs were built before. */
  force?: boolean;
}

const sha = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const root = (cache: string) => join(cache, 'kernel-build');

/** One build at a time per object folder: a second `kernel build` of the same source is refused, naming the first. */
function lock(dir: string): () => void {
  const file = join(dir, '.numa-lab-build.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch {
      const pid = Number(readFileSync(file, 'utf8'));
      let alive = false;
      try {
        process.kill(pid, 0);
        alive = pid !== process.pid;
      } catch {
        /* gone: a stale lock */
      }
      if (alive) throw new KernelBuildError(`another kernel build of this source is running (pid ${pid}); wait for it, or stop it`, 'busy');
      rmSync(file, { force: true });
    }
  }
  throw new KernelBuildError(`cannot lock ${dir}`, 'busy');
}

/**
 * `numa-lab kernel build`, top to bottom: resolve the source → key the inputs (a hit returns the
 * cached bzImage at once) → copy the tree (hard links; patched files become copies of their own)
 * → apply the patches → configure (tinyconfig + the box's fragment + the user's) → make bzImage
 * out of tree, in an object folder kept per source (so a one-file change rebuilds one file) →
 * store the bzImage with build.json, config and System.map under its key.
 */
export async function buildKernel(req: KernelBuildRequest, cache = cacheDir()): Promise<BuiltKernel> {
  const log = req.log ?? (() => {});
  const t0 = Date.now();
  const spec = parseSourceSpec(req.source);
  checkBuildTools();
  const patches = (req.patches ?? []).map((p) => resolve(p));
  for (const p of patches) {
    if (!existsSync(p)) throw new KernelBuildError(`--patch ${p}: no such file`, 'patch-failed');
    filesTouched(readFileSync(p, 'utf8'), basename(p));
  }
  const fragment = req.configFragment ? resolve(req.configFragment) : undefined;
  if (fragment) checkFragmentFile(fragment);
  if (req.variant !== undefined) {
    try {
      resolveModelRef(req.variant);
    } catch (e) {
      throw new KernelBuildError(`--variant: ${(e as Error).message}`, 'bad-config');
    }
  }

  const source = await resolveSource(spec, cache, log);
  const patchInfo = patches.map((file) => ({ file, sha256: sha(readFileSync(file)) }));
  const fragmentInfo = fragment ? { file: fragment, sha256: sha(readFileSync(fragment)) } : null;
  const key = sha(
    JSON.stringify({ source: source.contentKey, patches: patchInfo.map((p) => p.sha256), lab: sha(readFileSync(labFragmentPath())), user: fragmentInfo?.sha256 ?? null }),
  ).slice(0, 20);
  const resultDir = join(root(cache), 'results', key);
  const resultImage = builtKernelImage(key, cache);
  if (!req.force && existsSync(resultImage) && existsSync(join(resultDir, 'build.json'))) {
    const hit = JSON.parse(readFileSync(join(resultDir, 'build.json'), 'utf8')) as BuiltKernel;
    log(`cached: ${source.describe}${patches.length ? ` + ${patches.length} patch${patches.length === 1 ? '' : 'es'}` : ''} was built before (${hit.release}, ${hit.builtAt})`);
    // A --variant given now is what the kernel is declared to follow from now on (testbox up reads build.json).
    if (req.variant !== undefined && JSON.stringify(req.variant) !== JSON.stringify(hit.variant)) writeFileSync(join(resultDir, 'build.json'), JSON.stringify({ ...hit, variant: req.variant }, null, 2));
    // The key is the content: the same patches may sit at other paths now (another checkout). Say this request's.
    return { ...hit, patches: patchInfo, configFragment: fragmentInfo, variant: req.variant ?? hit.variant, cached: true, buildMs: Date.now() - t0 };
  }

  const srcKey = sha(source.id).slice(0, 16);
  const tree = join(root(cache), 'trees', srcKey);
  const objs = join(root(cache), 'objs', srcKey);
  mkdirSync(objs, { recursive: true });
  const unlock = lock(objs);
  try {
    // The lab's copy of the tree: hard links (a second), so nothing the build does reaches the source.
    log(`tree: copying ${source.describe} (hard links)`);
    rmSync(tree, { recursive: true, force: true });
    mkdirSync(join(tree, '..'), { recursive: true });
    const cp = await run('cp', ['-al', source.dir, tree]);
    if (cp.code !== 0) {
      // Another filesystem: hard links cannot cross it; a full copy does.
      rmSync(tree, { recursive: true, force: true });
      const full = await run('cp', ['-a', source.dir, tree]);
      if (full.code !== 0) throw new KernelBuildError(`cannot copy ${source.dir} into the lab's cache: ${full.stderr.trim()}`, 'bad-source');
    }
    // Files the previous build of this object folder patched are now the source's again: as
    // copies with a fresh mtime, so make rebuilds them (a hard link would keep the old mtime,
    // older than the patched object, and the unpatched kernel would keep the patched code).
    const patchedFile = join(objs, '.numa-lab-patched.json');
    const previouslyPatched: string[] = existsSync(patchedFile) ? JSON.parse(readFileSync(patchedFile, 'utf8')) : [];
    for (const f of previouslyPatched) ownCopy(tree, source.dir, f);
    const touched = await applyPatches(tree, patches, (f) => ownCopy(tree, source.dir, f), log);
    writeFileSync(patchedFile, JSON.stringify(touched));

    const jobs = String(availableParallelism());
    const make = (args: string[]) => runMake(tree, objs, args);
    log('config: make tinyconfig, the box fragment, olddefconfig');
    const config = await configure(make, tree, objs, fragment);

    const statsFile = join(objs, '.numa-lab-stats.json');
    const lastTotal: number | undefined = existsSync(statsFile) ? JSON.parse(readFileSync(statsFile, 'utf8')).objects : undefined;
    const total = lastTotal ?? FIRST_BUILD_OBJECTS_ESTIMATE;
    log(`build: make -j${jobs} bzImage (out of tree, ${objs})`);
    const tBuild = Date.now();
    const tail = new LogTail(40);
    let built = 0;
    let lastReport = 0;
    const r = await runMake(tree, objs, [`-j${jobs}`, 'bzImage'], (line) => {
      tail.push(line);
      const obj = objectBuilt(line);
      if (!obj) return;
      built++;
      if (Date.now() - lastReport > 1000 || built === 1) {
        lastReport = Date.now();
        req.onProgress?.({ built, total: Math.max(total, built), estimated: lastTotal === undefined, last: obj.startsWith(`${objs}/`) ? obj.slice(objs.length + 1) : obj });
      }
    });
    if (r.code !== 0) {
      const text = tail.text();
      throw new KernelBuildError(`make bzImage failed (exit status ${r.code}) after ${((Date.now() - tBuild) / 1000).toFixed(0)} s; the log's last lines:\n${text}`, 'build-failed', text);
    }
    req.onProgress?.({ built, total: built, estimated: false });
    // A build that compiled everything is the next first build's total; an incremental one is not.
    if (lastTotal === undefined || built > lastTotal) writeFileSync(statsFile, JSON.stringify({ objects: built }));
    const image = join(objs, 'arch', 'x86', 'boot', 'bzImage');
    const rel = readBzImageRelease(image);
    if (!rel.ok) throw new KernelBuildError(`the build made ${image}, which ${rel.why}`, 'build-failed');

    const tmp = `${resultDir}.${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    copyFileSync(image, join(tmp, 'bzImage'));
    writeFileSync(join(tmp, 'config'), config);
    if (existsSync(join(objs, 'System.map'))) copyFileSync(join(objs, 'System.map'), join(tmp, 'System.map'));
    const result: BuiltKernel = {
      bzImage: resultImage,
      release: rel.release,
      source: source.describe,
      patches: patchInfo,
      configFragment: fragmentInfo,
      variant: req.variant ?? null,
      key,
      builtAt: new Date().toISOString(),
      buildMs: Date.now() - t0,
      objectsBuilt: built,
      cached: false,
      config: join(resultDir, 'config'),
      systemMap: join(resultDir, 'System.map'),
    };
    writeFileSync(join(tmp, 'build.json'), JSON.stringify(result, null, 2));
    rmSync(resultDir, { recursive: true, force: true });
    // Renamed into place last: a build that died half-way is never taken for a cached one.
    renameSync(tmp, resultDir);
    log(`built ${rel.release} in ${((Date.now() - t0) / 1000).toFixed(1)} s (${built} objects compiled): ${resultImage}`);
    return result;
  } finally {
    unlock();
  }
}

/** make in the lab's copy, objects in `objs`; lines of stdout and stderr as they come. */
function runMake(tree: string, objs: string, args: string[], onLine?: (line: string) => void): Promise<{ code: number; out: string }> {
  return new Promise((resolvePromise, reject) => {
    // LANG=C: kbuild's and gcc's messages in English, as the log tail is read by people and by failedHunks-like parsers.
    const child = spawn('make', ['-C', tree, `O=${objs}`, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LANG: 'C', LC_ALL: 'C' } });
    let out = '';
    let pending = '';
    const take = (d: Buffer) => {
      const s = d.toString('utf8');
      if (out.length < 1 << 20) out += s;
      const parts = (pending + s).split('\n');
      pending = parts.pop() ?? '';
      for (const l of parts) onLine?.(l);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', (e) => reject(new KernelBuildError(`cannot run make: ${e.message}`, 'missing-tool')));
    child.on('close', (code) => {
      if (pending) onLine?.(pending);
      resolvePromise({ code: code ?? 1, out });
    });
  });
}
