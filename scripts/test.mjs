#!/usr/bin/env node
// `npm test`: system packages, typecheck (per environment layer), lint (layering), the
// electron-vite build, then every vitest test (unit, integration on this machine's real pty,
// /sys and SQLite, the virtual NUMA box, Chromium e2e). Ends with one summary line.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureSystemDeps } from './system-deps.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (p) => join(root, 'node_modules', p);
const started = Date.now();
const step = (name, cmd, args) => {
  const t0 = Date.now();
  console.log(`\n== ${name}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: process.env });
  console.log(`== ${name}: ${r.status === 0 ? 'ok' : `FAILED (status ${r.status})`} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return r.status === 0;
};

console.log('== system packages');
if (!ensureSystemDeps()) process.exit(1);

const ok =
  step('typecheck: environment-free (src/shared, src/sim)', process.execPath, [bin('typescript/bin/tsc'), '-p', 'tsconfig.shared.json']) &&
  step('typecheck: Node side (src/main, preload, tests)', process.execPath, [bin('typescript/bin/tsc'), '-p', 'tsconfig.node.json']) &&
  step('typecheck: browser side (src/renderer)', process.execPath, [bin('typescript/bin/tsc'), '-p', 'tsconfig.renderer.json']) &&
  step('lint', process.execPath, [join(root, 'scripts', 'lint-layers.mjs')]) &&
  step('build (electron-vite)', process.execPath, [join(root, 'scripts', 'ensure-built.mjs'), '--force']);
if (!ok) process.exit(1);

mkdirSync(join(root, 'test', 'artifacts'), { recursive: true });
const extra = process.argv.slice(2);
// Two passes: everything else two files at a time, then what needs the machine to itself, one
// file at a time: the virtual NUMA boxes (QEMU under TCG takes a core per vCPU; sharing the
// machine with the pty, sshd and Chromium tests starves both; still one box per kernel per run),
// and the tests that judge this host's machine-wide counters exactly (a test file starting beside
// them faults THPs under madvise: vite's native transformers ask for huge pages).
const ALONE = ['test/testbox', 'test/e2e/experiments.e2e.test.ts'];
const passes = [
  { name: 'tests (vitest: unit, integration, e2e)', report: 'vitest-report.json', args: ['--exclude', 'test/testbox/**', ...ALONE.filter((f) => f.endsWith('.ts')).flatMap((f) => ['--exclude', f])] },
  { name: 'tests (vitest: virtual NUMA boxes, and this host\'s exact counters, each file alone)', report: 'vitest-report-testbox.json', args: [...ALONE, '--maxWorkers=1', '--no-file-parallelism'] },
];
let passed = 0;
let failed = 0;
let skipped = 0;
let testsOk = true;
for (const pass of passes) {
  const report = join(root, 'test', 'artifacts', pass.report);
  rmSync(report, { force: true });
  testsOk = step(pass.name, process.execPath, [bin('vitest/vitest.mjs'), 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...pass.args, ...extra]) && testsOk;
  if (existsSync(report)) {
    const r = JSON.parse(readFileSync(report, 'utf8'));
    passed += r.numPassedTests ?? 0;
    // Failed tests, plus files that failed without a failing test (an import or hook error).
    failed += r.numFailedTests ?? 0;
    for (const file of r.testResults ?? []) {
      if (file.status === 'failed' && !(file.assertionResults ?? []).some((a) => a.status === 'failed')) failed += 1;
    }
    skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  } else {
    failed += 1;
  }
}
console.log(`\nnpm test took ${((Date.now() - started) / 1000).toFixed(0)} s`);
console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(testsOk && failed === 0 && passed > 0 ? 0 : 1);
