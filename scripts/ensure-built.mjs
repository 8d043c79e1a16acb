#!/usr/bin/env node
// Builds the UI (electron-vite build: main, preload, renderer) when out/ is missing or older
// than any source file it is built from. `npm run serve`, `npm start` and the e2e tests call it.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const marker = join(root, 'out', 'renderer', 'index.html');

function newest(dir) {
  let t = 0;
  if (!existsSync(dir)) return t;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

const sources = Math.max(
  ...['src/renderer', 'src/shared', 'src/preload', 'src/main'].map((d) => newest(join(root, d))),
  statSync(join(root, 'electron.vite.config.ts')).mtimeMs,
);
if (existsSync(marker) && statSync(marker).mtimeMs >= sources && process.argv[2] !== '--force') process.exit(0);
const bin = join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
const r = spawnSync(process.execPath, [bin, 'build'], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
