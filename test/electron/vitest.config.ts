import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

// The desktop e2e in real Electron, run only by `npm run test:electron` (scripts/test-electron.mjs),
// which first finds a working Electron, a display and the Electron-ABI better-sqlite3, and says why
// not where it cannot. Its files are *.electron.ts, so the main run (*.test.ts) never picks them up.
export default defineConfig({
  test: {
    root: fileURLToPath(new URL('../..', import.meta.url)),
    include: ['test/electron/**/*.electron.ts'],
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // As in the main run: this machine's knobs are put back after the run, whatever the app did.
    globalSetup: ['test/support/knobsGlobalSetup.ts'],
    reporters: ['default'],
  },
});
