#!/usr/bin/env node
// `npm run lint`: fails on an import that crosses the layers the wrong way (scripts/layers.mjs),
// and on a focused test (.only) left in.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkLayers } from './layers.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', 'src', 'test', 'bench'], { cwd: root, encoding: 'utf8' })
  .split('\n')
  .filter((f) => /\.(ts|tsx|mts)$/.test(f));
const problems = checkLayers(root, files);
for (const f of files) {
  const text = readFileSync(resolve(root, f), 'utf8');
  const m = /\b(it|test|describe)\.only\(/.exec(text);
  if (m) problems.push(`${f}: a focused test (${m[0]}) would skip every other test`);
}
if (problems.length) {
  console.error(`lint: ${problems.length} problem(s)`);
  for (const p of problems) console.error(`  ${p}`);
  process.exit(1);
}
console.log(`lint: ${files.length} files, layering and focus checks clean`);
