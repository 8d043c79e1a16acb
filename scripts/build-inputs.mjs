// What the built app (out/) is made from, and whether out/ is still what those inputs make.
// Keyed on content, not modification times: a checkout, a stash or a copy that keeps old times
// still counts as a change. Everything electron-vite bundles is under src/ (the simulator
// included: it is bundled into out/main); resources/ is read by the app at run time; the
// manifests and the build's own configuration decide what gets bundled and how.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

const INPUT_DIRS = ['src', 'resources'];
const INPUT_FILES = ['package.json', 'package-lock.json', 'electron.vite.config.ts', 'tsconfig.base.json', 'tsconfig.json'];
/** Unit tests sit beside the code but are never bundled: editing one does not need a rebuild. */
const NOT_BUNDLED = /\.test\.tsx?$/;
export const MANIFEST = join('out', 'build-inputs.json');

function walk(root, dir, into) {
  if (!existsSync(dir)) return;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(root, p, into);
    else if (e.isFile() && !NOT_BUNDLED.test(e.name)) into.push(relative(root, p).split(sep).join('/'));
  }
}

/** Every input file (relative, '/'-separated) with the sha256 of its content. */
export function buildInputs(root) {
  const files = [];
  for (const d of INPUT_DIRS) walk(root, join(root, d), files);
  for (const f of INPUT_FILES) if (existsSync(join(root, f))) files.push(f);
  files.sort();
  return Object.fromEntries(files.map((f) => [f, createHash('sha256').update(readFileSync(join(root, f))).digest('hex')]));
}

/** Whether out/ needs building, and why: the inputs that changed, appeared or went since the last build. */
export function buildStaleness(root) {
  if (!existsSync(join(root, 'out', 'renderer', 'index.html')) || !existsSync(join(root, 'out', 'main', 'index.js'))) return { stale: true, why: 'out/ is not built', changed: [] };
  let built;
  try {
    built = JSON.parse(readFileSync(join(root, MANIFEST), 'utf8'));
  } catch {
    return { stale: true, why: `out/ has no record of its inputs (${MANIFEST})`, changed: [] };
  }
  const now = buildInputs(root);
  const changed = [...new Set([...Object.keys(now), ...Object.keys(built)])].filter((f) => now[f] !== built[f]).sort();
  if (!changed.length) return { stale: false, why: 'up to date', changed };
  const shown = changed.slice(0, 5).join(', ') + (changed.length > 5 ? ` and ${changed.length - 5} more` : '');
  return { stale: true, why: `changed since the last build: ${shown}`, changed };
}

/** Records the inputs a successful build was made from. */
export function recordBuildInputs(root, inputs = buildInputs(root)) {
  writeFileSync(join(root, MANIFEST), `${JSON.stringify(inputs, null, 1)}\n`);
}
