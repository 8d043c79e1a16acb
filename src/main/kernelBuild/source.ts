import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PrivateApt } from '../testbox/aptPrivate';
import { run } from '../testbox/run';
import { KernelBuildError } from './errors';

/**
 * What `--source` may name:
 *   debian:6.12 | debian:6.1   Debian's linux-source-* package (trixie / bookworm), fetched once
 *   /path/to/linux             a kernel source tree of the user's (a git checkout or an unpacked tarball)
 */
export type SourceSpec = { kind: 'debian'; series: '6.1' | '6.12' } | { kind: 'dir'; path: string };

export function parseSourceSpec(s: string): SourceSpec {
  if (s === 'debian:6.12' || s === 'debian:6.1') return { kind: 'debian', series: s.slice('debian:'.length) as '6.1' | '6.12' };
  if (s.startsWith('/') || s.startsWith('./') || s.startsWith('../') || s === '.') return { kind: 'dir', path: s };
  throw new KernelBuildError(`--source ${JSON.stringify(s)}: use debian:6.12, debian:6.1, or the path of a kernel source tree (absolute, or starting with ./ or ../)`, 'bad-source');
}

export interface KernelSource {
  /** The pristine tree the lab copies (never written by the build). */
  dir: string;
  /** Stable name of the source, e.g. debian:linux-source-6.12 or dir:/home/me/linux: one object folder per source. */
  id: string;
  /** Changes whenever the tree's content may have: the package version, or the tree's file list with sizes and mtimes. */
  contentKey: string;
  /** For the log and build.json: "linux-source-6.12 6.12.117-1" or the path. */
  describe: string;
}

/** Debian's source package unpacked once into the cache; the folder is renamed into place last, so a half-unpacked tree never counts. */
async function debianSource(cache: string, series: '6.1' | '6.12', log: (l: string) => void): Promise<KernelSource> {
  const pkg = `linux-source-${series}`;
  const apt = new PrivateApt(cache);
  const sources = join(cache, 'kernel-build', 'sources');
  mkdirSync(sources, { recursive: true });
  let version: string;
  try {
    await apt.update(log);
    version = await apt.version(pkg);
  } catch (e) {
    // Offline: a tree of that package already unpacked will do.
    const have = readdirSync(sources).filter((d) => d.startsWith(`${pkg}_`)).sort();
    if (!have.length) throw new KernelBuildError(`cannot get ${pkg}: ${(e as Error).message}. The lab fetches it from deb.debian.org with apt-get download`, 'source-unavailable');
    version = have[have.length - 1].slice(pkg.length + 1);
    log(`source: package lists cannot be refreshed (${(e as Error).message}); using the unpacked ${pkg} ${version}`);
  }
  const dir = join(sources, `${pkg}_${version}`);
  const tree = join(dir, pkg);
  if (!existsSync(join(tree, 'Makefile'))) {
    const t0 = Date.now();
    const tmp = join(sources, `.${pkg}.${process.pid}`);
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    log(`source: downloading ${pkg} ${version} (apt-get download)`);
    const deb = await apt.download(pkg, tmp);
    log(`source: downloaded in ${((Date.now() - t0) / 1000).toFixed(1)} s; unpacking`);
    const t1 = Date.now();
    // The .deb holds one tarball, usr/src/linux-source-X.tar.xz, which holds the tree.
    const unpack = await run('sh', ['-c', 'dpkg-deb --fsys-tarfile "$1" | tar -xO --wildcards "./usr/src/linux-source-*.tar.xz" | tar -xJ -C "$2"', 'unpack', deb, tmp]);
    rmSync(deb, { force: true });
    if (unpack.code !== 0 || !existsSync(join(tmp, pkg, 'Makefile'))) {
      rmSync(tmp, { recursive: true, force: true });
      throw new KernelBuildError(`unpacking ${pkg} ${version} failed: ${unpack.stderr.trim().split('\n').slice(-3).join(' | ') || `no ${pkg}/Makefile inside`}`, 'source-unavailable');
    }
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
    log(`source: unpacked in ${((Date.now() - t1) / 1000).toFixed(1)} s`);
  }
  return { dir: tree, id: `debian:${pkg}`, contentKey: `${pkg}_${version}`, describe: `${pkg} ${version}` };
}

/**
 * A hash of the tree's file list with sizes and mtimes (not contents: a stat walk of a kernel
 * tree takes about a second, reading it all a minute). .git is left out: a commit that changes
 * nothing in the tree changes nothing in the kernel.
 */
function treeKey(root: string): string {
  const h = createHash('sha256');
  const walk = (rel: string) => {
    for (const name of readdirSync(join(root, rel)).sort()) {
      if (rel === '' && name === '.git') continue;
      const p = rel ? `${rel}/${name}` : name;
      const st = lstatSync(join(root, p));
      if (st.isDirectory()) walk(p);
      else h.update(`${p}\0${st.size}\0${st.mtimeMs}\n`);
    }
  };
  walk('');
  return h.digest('hex').slice(0, 16);
}

function userSource(path: string): KernelSource {
  const dir = resolve(path);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new KernelBuildError(`--source ${path}: no such folder`, 'bad-source');
  for (const f of ['Makefile', 'Kconfig', 'mm/migrate.c', 'arch/x86/Kconfig'])
    if (!existsSync(join(dir, f))) throw new KernelBuildError(`--source ${path} is not a Linux source tree with x86 (no ${f})`, 'bad-source');
  // kbuild refuses an out-of-tree build from a tree configured in place; say so before copying anything.
  if (existsSync(join(dir, '.config')) || existsSync(join(dir, 'include', 'config')))
    throw new KernelBuildError(`--source ${path} has been configured or built in place (.config or include/config exists), and kbuild cannot build it out of tree; run "make mrproper" there (the lab never writes to your tree) or pass a clean checkout`, 'bad-source');
  const head = readFileSync(join(dir, 'Makefile'), 'utf8').slice(0, 400);
  const v = /VERSION = (\d+)\s+PATCHLEVEL = (\d+)\s+SUBLEVEL = (\d+)/.exec(head);
  return { dir, id: `dir:${dir}`, contentKey: `dir:${dir}:${treeKey(dir)}`, describe: `${dir}${v ? ` (${v[1]}.${v[2]}.${v[3]})` : ''}` };
}

export async function resolveSource(spec: SourceSpec, cache: string, log: (l: string) => void): Promise<KernelSource> {
  return spec.kind === 'debian' ? debianSource(cache, spec.series, log) : userSource(spec.path);
}
