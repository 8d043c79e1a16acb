import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PrivateApt } from './aptPrivate';
import { TestboxError, type Log } from './errors';
import { bzImageRelease, newestFirst, packageForRelease, parseKernelSpec, releaseOfPackage, seriesPackagePattern, type KernelSpec } from './kernelSpec';
import { cacheDir } from './paths';

export interface KernelImage {
  /** The bzImage QEMU boots. */
  vmlinuz: string;
  /** `uname -r` of the guest, e.g. 6.12.117+deb13-amd64. */
  release: string;
  /** The Debian package and version it came from; undefined for a user's own bzImage. */
  package?: string;
  version?: string;
}

interface Meta {
  release: string;
  package: string;
  version: string;
  fetchedAt: string;
}

const kernelsDir = (cache: string) => join(cache, 'kernels');

function cached(cache: string, release: string): KernelImage | undefined {
  const dir = join(kernelsDir(cache), release);
  const vmlinuz = join(dir, `vmlinuz-${release}`);
  if (!existsSync(vmlinuz) || !existsSync(join(dir, 'meta.json'))) return undefined;
  const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as Meta;
  return { vmlinuz, release, package: meta.package, version: meta.version };
}

function cachedOfSeries(cache: string, series: '6.1' | '6.12'): KernelImage | undefined {
  if (!existsSync(kernelsDir(cache))) return undefined;
  const re = seriesPackagePattern(series);
  const pkgs = readdirSync(kernelsDir(cache)).map(packageForRelease).filter((p) => re.test(p));
  for (const p of newestFirst(pkgs)) {
    const k = cached(cache, releaseOfPackage(p));
    if (k) return k;
  }
  return undefined;
}

/** Only ./boot from the package (kernel, config, System.map): the ~400 MB of modules are not needed, every driver the box uses is built in. */
function extractBoot(deb: string, into: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const dpkg = spawn('dpkg-deb', ['--fsys-tarfile', deb], { stdio: ['ignore', 'pipe', 'pipe'] });
    const tar = spawn('tar', ['-x', '-C', into, '--wildcards', './boot/*'], { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    dpkg.stderr.on('data', (d) => (err += d));
    tar.stderr.on('data', (d) => (err += d));
    dpkg.stdout.pipe(tar.stdin);
    dpkg.on('error', reject);
    tar.on('error', reject);
    tar.on('close', (code) => (code === 0 ? resolvePromise() : reject(new Error(`extracting ${deb} failed: ${err.trim()}`))));
  });
}

async function fetchPackage(cache: string, apt: PrivateApt, pkg: string, log: Log): Promise<KernelImage> {
  const release = releaseOfPackage(pkg);
  const version = await apt.version(pkg);
  const t0 = Date.now();
  log(`kernel: downloading ${pkg} ${version} (apt-get download)`);
  const debs = join(cache, 'debs');
  const deb = await apt.download(pkg, debs);
  log(`kernel: downloaded in ${((Date.now() - t0) / 1000).toFixed(1)} s; extracting ./boot with dpkg-deb`);
  const tmp = join(kernelsDir(cache), `.${release}.${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  await extractBoot(deb, tmp);
  const dir = join(kernelsDir(cache), release);
  if (!existsSync(join(tmp, 'boot', `vmlinuz-${release}`))) throw new Error(`${pkg} holds no boot/vmlinuz-${release}`);
  rmSync(dir, { recursive: true, force: true });
  // Rename last, so a half-extracted kernel is never taken for a cached one.
  renameSync(join(tmp, 'boot'), dir);
  rmSync(tmp, { recursive: true, force: true });
  rmSync(deb, { force: true });
  const meta: Meta = { release, package: pkg, version, fetchedAt: new Date().toISOString() };
  writeFileSync(join(dir, 'meta.json'), JSON.stringify(meta, null, 2));
  return cached(cache, release)!;
}

/**
 * The newest package of a series, remembered for as long as the package lists are unchanged:
 * asking apt-cache costs a few seconds on every `testbox up` otherwise.
 */
async function newestOfSeries(cache: string, apt: PrivateApt, series: '6.1' | '6.12'): Promise<string> {
  const memo = join(cache, 'apt', `newest-${series}.json`);
  const stamp = apt.listsStamp();
  try {
    const m = JSON.parse(readFileSync(memo, 'utf8')) as { stamp: string; pkg: string };
    if (m.stamp === stamp) return m.pkg;
  } catch {
    /* not remembered yet */
  }
  const names = newestFirst(await apt.packageNames(seriesPackagePattern(series)));
  if (!names.length) throw new Error(`no linux-image-${series}*-amd64-unsigned package in the package lists`);
  writeFileSync(memo, JSON.stringify({ stamp, pkg: names[0] }));
  return names[0];
}

function unavailable(what: string, why: unknown): TestboxError {
  const reason = why instanceof Error ? why.message : String(why);
  return new TestboxError(
    `cannot get the kernel ${what}: ${reason}. The box downloads Debian's linux-image packages with apt-get from deb.debian.org (bookworm for 6.1, trixie for 6.12); check the network, or pass --kernel /path/to/bzImage`,
    'kernel-unavailable',
  );
}

/** Resolves `--kernel` to a bzImage on disk, downloading and caching Debian's package once. */
export async function resolveKernel(specText: string, log: Log, cache = cacheDir()): Promise<KernelImage> {
  let spec: KernelSpec;
  try {
    spec = parseKernelSpec(specText);
  } catch (e) {
    throw new TestboxError((e as Error).message, 'bad-spec');
  }
  if (spec.kind === 'file') {
    const path = resolve(spec.path);
    if (!existsSync(path)) throw new TestboxError(`--kernel ${spec.path}: no such file`, 'bad-spec');
    const head = Buffer.alloc(0x1000);
    const fd = openSync(path, 'r');
    readSync(fd, head, 0, head.length, 0);
    closeSync(fd);
    const release = bzImageRelease(head);
    if (!release) throw new TestboxError(`--kernel ${spec.path} is not an x86 bzImage (no "HdrS" setup header)`, 'bad-spec');
    return { vmlinuz: path, release };
  }
  if (spec.kind === 'release') {
    const hit = cached(cache, spec.release);
    if (hit) return hit;
  }
  const apt = new PrivateApt(cache);
  try {
    await apt.update(log);
  } catch (e) {
    // Offline, but a kernel of that series is cached: use it and say so.
    const fallback = spec.kind === 'series' ? cachedOfSeries(cache, spec.series) : undefined;
    if (fallback) {
      log(`kernel: package lists cannot be refreshed (${(e as Error).message}); using the cached ${fallback.release}`);
      return fallback;
    }
    throw unavailable(spec.kind === 'series' ? spec.series : spec.release, e);
  }
  try {
    if (spec.kind === 'release') {
      const pkg = packageForRelease(spec.release);
      if (!(await apt.packageNames(new RegExp(`^${pkg.replace(/[.+]/g, '\\$&')}$`))).length)
        throw new Error(`Debian has no package ${pkg} (any more); kernels of a series are replaced when its ABI changes`);
      return await fetchPackage(cache, apt, pkg, log);
    }
    const newest = await newestOfSeries(cache, apt, spec.series);
    const hit = cached(cache, releaseOfPackage(newest));
    if (hit) return hit;
    return await fetchPackage(cache, apt, newest, log);
  } catch (e) {
    if (e instanceof TestboxError) throw e;
    throw unavailable(spec.kind === 'series' ? spec.series : spec.release, e);
  }
}
