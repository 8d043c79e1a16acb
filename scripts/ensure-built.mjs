#!/usr/bin/env node
// Builds the app (electron-vite build: main, preload, renderer) when out/ is missing or was made
// from other inputs than the checkout holds now (scripts/build-inputs.mjs). `npm start`,
// `npm run serve` and the e2e tests call it; `--force` always builds, `--check` only says.
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildInputs, buildStaleness, recordBuildInputs } from './build-inputs.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const mode = process.argv[2];
const state = buildStaleness(root);
if (mode === '--check') {
  console.log(state.stale ? `needs a build: ${state.why}` : 'up to date');
  process.exit(state.stale ? 1 : 0);
}
if (!state.stale && mode !== '--force') process.exit(0);
if (mode !== '--force') console.error(`NUMA Lab: building the app (${state.why})…`);
// The inputs as they were when the build started: a change made during it is seen next time.
const inputs = buildInputs(root);
const bin = join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
const r = spawnSync(process.execPath, [bin, 'build'], { cwd: root, stdio: 'inherit' });
if (r.status === 0) recordBuildInputs(root, inputs);
process.exit(r.status ?? 1);
