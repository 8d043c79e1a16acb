import { defineConfig } from 'vitest/config';
import { testHomeEnv } from './test/support/testHome.ts';
import { fileURLToPath } from 'node:url';

// One run for everything `npm test` checks: unit tests beside the code (src/**), integration
// tests on this machine's real pty, /sys and SQLite (test/integration), the virtual NUMA box
// (test/testbox: one guest per kernel per run), and Chromium end to end (test/e2e).
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 300_000,
    // Puts this machine's THP/NUMA knobs back as they were before the run, whatever the tests did.
    globalSetup: ['test/support/knobsGlobalSetup.ts'],
    reporters: ['default'],
    // A clean HOME for every shell a test starts (see test/support/testHome.ts).
    env: testHomeEnv(fileURLToPath(new URL('.', import.meta.url))),
  },
});
