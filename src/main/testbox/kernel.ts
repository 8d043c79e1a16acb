import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PrivateApt } from './aptPrivate';
import { DEBIAN_SUITES, type DebianSuite } from '../../shared/testbox/kernels';
import { TestboxError, type Log } from './errors';
import { compareReleases, newestFirst, packageForRelease, parseKernelSpec, releaseOfImagePackage, releaseOfPackage, seriesPackagePattern, type KernelSpec } from './kernelSpec';
import { cacheDir } from './paths';
import { readBzImageRelease } from './bzImage';
import { builtKernelAt, builtKernelImage, type BuiltKernel } from '../kernelBuild/builtKernel';

export interface KernelImage {
  /** The bzImage QEMU boots. */
  vmlinuz: string;
  /** `uname -r` of the guest, e.g. 6.12.117+deb13-amd64. */
  release: string;
  /** The Debian package and version it came from; undefined for a user's own bzImage. */
  package?: string;
  version?: string;
  /** For a bzImage `numa-lab kernel build` made: its build.json (source, patches, the variant it was declared to follow). */
  built?: BuiltKernel;
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

/**
 * Only the kernel from the package: ./boot (kernel, config, System.map) in Debian's linux-image
 * packages up to 6.x, ./usr/lib/modules/<release>/vmlinuz(.unsigned) in the split packages
 * (linux-binary-*) of 7.x. The ~400 MB of modules are not needed: every driver the box uses is built in.
 */
function extractBoot(deb: string, into: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const dpkg = spawn('dpkg-deb', ['--fsys-tarfile', deb], { stdio: ['ignore', 'pipe', 'pipe'] });
    const tar = spawn('tar', ['-x', '-C', into, '--wildcards', '--exclude=*.ko*', '--exclude=*/kernel/*', './boot/*', './usr/lib/modules/*/vmlinuz*'], { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    dpkg.stderr.on('data', (d) => (err += d));
    tar.stderr.on('data', (d) => (err += d));
    dpkg.stdout.pipe(tar.stdin);
    dpkg.on('error', reject);
    tar.on('error', reject);
    tar.on('close', (code) => (code === 0 ? resolvePromise() : reject(new Error(`extracting ${deb} failed: ${err.trim()}`))));
  });
}

async function fetchPackage(cache: string, apt: PrivateApt, pkg: string, log: Log, release = releaseOfPackage(pkg)): Promise<KernelImage> {
  const version = await apt.version(pkg);
  const t0 = Date.now();
  log(`kernel: downloading ${pkg} ${version} (apt-get download)`);
  const debs = join(cache, 'debs');
  const deb = await apt.download(pkg, debs);
  log(`kernel: downloaded in ${((Date.now() - t0) / 1000).toFixed(1)} s; extracting the kernel with dpkg-deb`);
  const tmp = join(kernelsDir(cache), `.${release}.${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  await extractBoot(deb, tmp).catch(async (e: Error) => {
    // tar fails when a pattern matches nothing: one of the two layouts is always missing.
    if (!/Not found in archive/.test(e.message)) throw e;
  });
  const dir = join(kernelsDir(cache), release);
  const boot = join(tmp, 'boot');
  const split = [join(tmp, 'usr', 'lib', 'modules', release, 'vmlinuz'), join(tmp, 'usr', 'lib', 'modules', release, 'vmlinuz.unsigned')].find((f) => existsSync(f));
  if (!existsSync(join(boot, `vmlinuz-${release}`))) {
    if (!split) throw new Error(`${pkg} holds neither boot/vmlinuz-${release} nor usr/lib/modules/${release}/vmlinuz`);
    mkdirSync(boot, { recursive: true });
    renameSync(split, join(boot, `vmlinuz-${release}`));
  }
  rmSync(dir, { recursive: true, force: true });
  // Rename last, so a half-extracted kernel is never taken for a cached one.
  renameSync(boot, dir);
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
    `cannot get the kernel ${what}: ${reason}. The box downloads Debian's kernel packages with apt-get from deb.debian.org (6.1: bookworm, 6.12: trixie, and the suites numa-lab testbox kernels lists); check the network, or pass --kernel /path/to/bzImage`,
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
  if (spec.kind === 'build') {
    const image = builtKernelImage(spec.key, cache);
    if (!existsSync(image)) throw new TestboxError(`--kernel build:${spec.key}: no such kernel build in ${cache} (numa-lab kernel build prints the keys it made)`, 'bad-spec');
    spec = { kind: 'file', path: image };
  }
  if (spec.kind === 'file') {
    const path = resolve(spec.path);
    if (!existsSync(path)) throw new TestboxError(`--kernel ${spec.path}: no such file`, 'bad-spec');
    const release = readBzImageRelease(path);
    if (!release.ok) throw new TestboxError(`--kernel ${spec.path} ${release.why}`, 'bad-spec');
    const built = builtKernelAt(path);
    return { vmlinuz: path, release: release.release, ...(built ? { built } : {}) };
  }
  if (spec.kind === 'release') {
    const hit = cached(cache, spec.release);
    if (hit) return hit;
  }
  const what = spec.kind === 'series' ? spec.series : spec.kind === 'suite' ? spec.suite : spec.release;
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
    throw unavailable(what, e);
  }
  try {
    if (spec.kind === 'release') return await fetchPackage(cache, apt, await imagePackageOf(apt, spec.release), log, spec.release);
    if (spec.kind === 'suite') {
      // The suite's newest series.
      const k = (await debianKernels(apt)).filter((x) => x.suite === spec.suite).pop();
      if (!k) throw new Error(`the ${spec.suite} suite has no amd64 kernel image package now`);
      return cached(cache, k.release) ?? (await fetchPackage(cache, apt, await imagePackageOf(apt, k.release), log, k.release));
    }
    const newest = await newestOfSeries(cache, apt, spec.series);
    const hit = cached(cache, releaseOfPackage(newest));
    if (hit) return hit;
    return await fetchPackage(cache, apt, newest, log);
  } catch (e) {
    if (e instanceof TestboxError) throw e;
    throw unavailable(what, e);
  }
}

/**
 * The package that holds a release's vmlinuz: the -unsigned image where Debian has one (same
 * kernel, no Secure Boot signature), else, since Debian split its kernel packages (7.x), the
 * linux-binary-unsigned- or linux-binary- package; else the image itself.
 */
async function imagePackageOf(apt: PrivateApt, release: string): Promise<string> {
  const r = release.replace(/[.+]/g, '\\$&');
  const images = await apt.packageNames(new RegExp(`^linux-image-${r}(?:-unsigned)?$`));
  const binaries = await apt.packageNames(new RegExp(`^linux-binary-(?:unsigned-)?${r}$`), 'linux-binary-');
  const pick = [`linux-image-${release}-unsigned`, `linux-binary-unsigned-${release}`, `linux-binary-${release}`, `linux-image-${release}`].find((n) => images.includes(n) || binaries.includes(n));
  if (!pick) throw new Error(`Debian has no package linux-image-${release} (any more); kernels are replaced when their ABI changes: numa-lab testbox kernels lists what there is`);
  return pick;
}

/** A suite's newest amd64 kernel of one series, as `testbox kernels` lists it. */
export interface DebianKernel {
  suite: DebianSuite;
  release: string;
  package: string;
  version: string;
}

/** The newest amd64 kernel image of each series in every suite of the private apt configuration, oldest suite and series first. */
export async function debianKernels(apt: PrivateApt): Promise<DebianKernel[]> {
  const names = (await apt.packageNames(/^linux-image-\d/)).filter((n) => releaseOfImagePackage(n));
  const rows = await apt.madison(names);
  const out: DebianKernel[] = [];
  for (const suite of DEBIAN_SUITES) {
    // A suite's kernels arrive through its security suite too (bookworm-security counts as bookworm).
    const mine = rows.filter((r) => r.suite === suite || r.suite === `${suite}-security` || r.suite.startsWith(`${suite}/`));
    const byRelease = new Map<string, { pkg: string; version: string }>();
    for (const r of mine) {
      const release = releaseOfImagePackage(r.pkg)!;
      const had = byRelease.get(release);
      if (!had || (r.pkg.endsWith('-unsigned') && !had.pkg.endsWith('-unsigned'))) byRelease.set(release, { pkg: r.pkg, version: r.version });
    }
    // The newest of each series (major.minor) in the suite: bookworm has 6.1 and, through its security suite, 6.12.
    const series = new Map<string, string>();
    for (const release of [...byRelease.keys()].sort(compareReleases)) {
      const key = /^\d+\.\d+/.exec(release)![0];
      if (!series.has(key)) series.set(key, release);
    }
    for (const release of [...series.values()].sort(compareReleases).reverse()) out.push({ suite, release, package: byRelease.get(release)!.pkg, version: byRelease.get(release)!.version });
  }
  return out;
}

/** `testbox kernels`: refreshes the lists if they are old, then the newest kernel of each suite. */
export async function listDebianKernels(log: Log, cache = cacheDir()): Promise<Array<DebianKernel & { cached: boolean }>> {
  const apt = new PrivateApt(cache);
  try {
    await apt.update(log);
  } catch (e) {
    throw unavailable('list', e);
  }
  return (await debianKernels(apt)).map((k) => ({ ...k, cached: cached(cache, k.release) !== undefined }));
}
