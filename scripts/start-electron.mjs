#!/usr/bin/env node
// `npm start`: the desktop app. On first start it fetches the Electron binary (npm install skips
// it: see "allowScripts" in package.json) and builds the Electron-ABI copy of better-sqlite3
// into electron-abi/ — beside the Node build in node_modules, which the CLI and tests keep using.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const electronPkg = join(root, 'node_modules', 'electron');
const electronVersion = JSON.parse(readFileSync(join(electronPkg, 'package.json'), 'utf8')).version;
const HEADLESS_HINT = 'Run the lab without Electron instead: npm run serve (then open the printed URL).';

function fail(line) {
  console.error(`NUMA Lab: ${line} ${HEADLESS_HINT}`);
  process.exit(1);
}

function electronBinary() {
  const pathTxt = join(electronPkg, 'path.txt');
  if (!existsSync(pathTxt)) return undefined;
  const p = join(electronPkg, 'dist', readFileSync(pathTxt, 'utf8').trim());
  return existsSync(p) ? p : undefined;
}

// 1. The Electron binary.
if (!electronBinary()) {
  console.log(`NUMA Lab: fetching Electron ${electronVersion} (first start only)…`);
  const env = { ...process.env };
  delete env.ELECTRON_SKIP_BINARY_DOWNLOAD;
  const r = spawnSync(process.execPath, [join(electronPkg, 'install.js')], { stdio: ['ignore', 'ignore', 'pipe'], env, encoding: 'utf8' });
  if (r.status !== 0 || !electronBinary()) {
    const why = (r.stderr || '').split('\n').find((l) => /Error|ENOTFOUND|EAI_AGAIN|ECONN|403|404/.test(l))?.trim() ?? 'no network access to the Electron download';
    fail(`could not fetch the Electron ${electronVersion} binary (${why}).`);
  }
}

// 2. better-sqlite3 built for Electron's ABI, kept in electron-abi/ (never over the Node build).
const abiDir = join(root, 'electron-abi');
const binding = join(abiDir, 'better_sqlite3.node');
const stamp = join(abiDir, 'electron-version');
if (!existsSync(binding) || !existsSync(stamp) || readFileSync(stamp, 'utf8').trim() !== electronVersion) {
  console.log(`NUMA Lab: building better-sqlite3 for Electron ${electronVersion} (first start only)…`);
  const work = join(abiDir, 'better-sqlite3');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(abiDir, { recursive: true });
  cpSync(join(root, 'node_modules', 'better-sqlite3'), work, { recursive: true, filter: (src) => !src.includes(`${'/'}build${'/'}`) });
  const target = ['--runtime=electron', `--target=${electronVersion}`, '--dist-url=https://electronjs.org/headers'];
  let built = false;
  try {
    const prebuild = require.resolve('prebuild-install/bin.js');
    built = spawnSync(process.execPath, [prebuild, '--runtime=electron', `--target=${electronVersion}`], { cwd: work, stdio: 'inherit' }).status === 0;
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
  const out = join(work, 'build', 'Release', 'better_sqlite3.node');
  if (!built || !existsSync(out)) fail('could not build better-sqlite3 for Electron (it needs the Electron headers and a C++ toolchain).');
  copyFileSync(out, binding);
  writeFileSync(stamp, `${electronVersion}\n`);
  rmSync(work, { recursive: true, force: true });
}

// 3. The app itself.
if (spawnSync(process.execPath, [join(root, 'scripts', 'ensure-built.mjs')], { stdio: 'inherit' }).status !== 0) fail('the build failed.');
const child = spawn(electronBinary(), [root, ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 0));
