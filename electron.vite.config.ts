import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

// Three builds: main (Node/Electron, ESM), preload (sandboxed: must be CommonJS), renderer (browser).
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        // The simulator's worker thread is its own entry: runSim() finds simWorker.js beside index.js.
        input: { index: resolve(__dirname, 'src/main/index.ts'), simWorker: resolve(__dirname, 'src/main/sim/simWorker.ts') },
        external: ['better-sqlite3', 'node-pty', 'electron', 'ws', 'zod'],
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve(__dirname, 'src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    build: {
      outDir: 'out/renderer',
      rollupOptions: { input: { index: resolve(__dirname, 'src/renderer/index.html') } },
    },
    plugins: [react()],
  },
});
