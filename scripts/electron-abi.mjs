// better-sqlite3 built for Electron's ABI, kept in electron-abi/ beside the Node build in
// node_modules (which the CLI and the tests keep using). better-sqlite3 is not N-API: a binary
// built for one Electron does not load in another, nor a binary of one better-sqlite3 release
// under another's JavaScript, so the stamp names both versions.
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, sep } from 'node:path';

export const ABI_DIR = 'electron-abi';
export const BINDING_FILE = 'better_sqlite3.node';
/** What src/main/electronAbi.ts checks before the desktop app opens its store. */
export const STAMP_FILE = 'stamp.json';

export function packageVersion(root, name) {
  return JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')).version;
}

/** The versions the binding has to match: the Electron that loads it and the better-sqlite3 that wraps it. */
export function wantedStamp(root) {
  return { electron: packageVersion(root, 'electron'), 'better-sqlite3': packageVersion(root, 'better-sqlite3') };
}

export function readStamp(root) {
  try {
    return JSON.parse(readFileSync(join(root, ABI_DIR, STAMP_FILE), 'utf8'));
  } catch {
    return undefined;
  }
}

export function writeStamp(root, stamp) {
  writeFileSync(join(root, ABI_DIR, STAMP_FILE), `${JSON.stringify(stamp)}\n`);
}

/** Why the binding must be (re)built, or undefined when the one in electron-abi/ fits. */
export function abiRebuildReason(root) {
  const want = wantedStamp(root);
  if (!existsSync(join(root, ABI_DIR, BINDING_FILE))) return 'first start';
  const have = readStamp(root);
  if (!have) return 'no stamp beside the binary';
  for (const k of Object.keys(want)) if (have[k] !== want[k]) return `${k} ${have[k] ?? '?'} → ${want[k]}`;
  return undefined;
}

/**
 * The copy of node_modules/better-sqlite3 to build in: everything but its own build/ output
 * (the Node-ABI binary and objects). Judged on the path inside the package, so a checkout under
 * a folder that happens to be called "build" still copies the sources.
 */
export function packageCopyFilter(packageDir) {
  return (src) => {
    const rel = relative(packageDir, src);
    return rel !== 'build' && !rel.startsWith(`build${sep}`);
  };
}

/**
 * Builds the binding for the installed Electron (prebuilt if one can be fetched, else from
 * source against Electron's headers). Returns an error line, or undefined when it is in place.
 */
export function buildElectronAbiBinding(root, log = console.log) {
  const stamp = wantedStamp(root);
  const abiDir = join(root, ABI_DIR);
  const work = join(abiDir, 'better-sqlite3');
  const packageDir = join(root, 'node_modules', 'better-sqlite3');
  log(`NUMA Lab: building better-sqlite3 ${stamp['better-sqlite3']} for Electron ${stamp.electron}…`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(abiDir, { recursive: true });
  cpSync(packageDir, work, { recursive: true, filter: packageCopyFilter(packageDir) });
  if (!existsSync(join(work, 'binding.gyp'))) return `the copy of ${packageDir} in ${work} has no binding.gyp (nothing to build from)`;
  const target = ['--runtime=electron', `--target=${stamp.electron}`, '--dist-url=https://electronjs.org/headers'];
  let built = false;
  try {
    const prebuild = createRequire(join(root, 'package.json')).resolve('prebuild-install/bin.js');
    built = spawnSync(process.execPath, [prebuild, '--runtime=electron', `--target=${stamp.electron}`], { cwd: work, stdio: 'inherit' }).status === 0;
  } catch {
    /* no prebuild-install: build from source below */
  }
  if (!built) {
    const gyp = process.env.npm_config_node_gyp;
    const r = gyp
      ? spawnSync(process.execPath, [gyp, 'rebuild', ...target], { cwd: work, stdio: 'inherit' })
      : spawnSync('npx', ['--yes', 'node-gyp', 'rebuild', ...target], { cwd: work, stdio: 'inherit' });
    built = r.status === 0;
  }
  const out = join(work, 'build', 'Release', BINDING_FILE);
  if (!built || !existsSync(out)) return `could not build better-sqlite3 for Electron ${stamp.electron}: neither a prebuilt binary (download) nor a build from source (Electron's headers from electronjs.org, python3, make and a C++ compiler) worked; the output above says which step failed.`;
  copyFileSync(out, join(abiDir, BINDING_FILE));
  writeStamp(root, stamp);
  rmSync(work, { recursive: true, force: true });
  return undefined;
}
