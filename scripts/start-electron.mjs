#!/usr/bin/env node
// `npm start`: the desktop app. Electron's own install script is kept from running at
// `npm install` ("allowScripts" in package.json, or ELECTRON_SKIP_BINARY_DOWNLOAD), so the first
// start fetches the binary; it also builds the Electron-ABI copy of better-sqlite3 into
// electron-abi/ (beside the Node build the CLI and tests use) and the app itself when out/ is
// stale. Arguments after `npm start --` go to Electron (e.g. --no-sandbox).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { abiRebuildReason, buildElectronAbiBinding, packageVersion } from './electron-abi.mjs';
import { runElectron } from './electron-child.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const electronPkg = join(root, 'node_modules', 'electron');
const electronVersion = packageVersion(root, 'electron');
const HEADLESS_HINT = 'Run the lab without Electron instead: npm run serve (then open the printed URL).';

function fail(line) {
  console.error(`NUMA Lab: ${line} ${HEADLESS_HINT}`);
  process.exit(1);
}

/** The binary as electron's own index.js finds it (ELECTRON_OVERRIDE_DIST_PATH: an Electron of your own). */
function electronBinary() {
  const pathTxt = join(electronPkg, 'path.txt');
  const name = existsSync(pathTxt) ? readFileSync(pathTxt, 'utf8').trim() : undefined;
  const dist = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const p = dist ? join(dist, name ?? 'electron') : name && join(electronPkg, 'dist', name);
  return p && existsSync(p) ? p : undefined;
}

// 1. The Electron binary.
if (!electronBinary()) {
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) fail(`ELECTRON_OVERRIDE_DIST_PATH=${process.env.ELECTRON_OVERRIDE_DIST_PATH} holds no Electron binary.`);
  console.log(`NUMA Lab: fetching Electron ${electronVersion} (first start only)…`);
  const env = { ...process.env };
  delete env.ELECTRON_SKIP_BINARY_DOWNLOAD;
  const r = spawnSync(process.execPath, [join(electronPkg, 'install.js')], { stdio: ['ignore', 'ignore', 'pipe'], env, encoding: 'utf8' });
  if (r.status !== 0 || !electronBinary()) {
    const why = (r.stderr || '').split('\n').find((l) => /Error|ENOTFOUND|EAI_AGAIN|ECONN|403|404/.test(l))?.trim() ?? 'no network access to the Electron download';
    fail(`could not fetch the Electron ${electronVersion} binary (${why}).`);
  }
}

// 2. better-sqlite3 for Electron's ABI, rebuilt when Electron or better-sqlite3 changed version.
const rebuild = abiRebuildReason(root);
if (rebuild) {
  console.log(`NUMA Lab: better-sqlite3 for Electron needs building (${rebuild}).`);
  const error = buildElectronAbiBinding(root);
  if (error) fail(error);
}

// 3. The app itself, then Electron; its exit status (or signal) is ours.
if (spawnSync(process.execPath, [join(root, 'scripts', 'ensure-built.mjs')], { stdio: 'inherit' }).status !== 0) fail('the build failed (its errors are above).');
process.exit(await runElectron(electronBinary(), [root, ...process.argv.slice(2)]));
