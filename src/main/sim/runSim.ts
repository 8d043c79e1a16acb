import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { SimResult, SimSpec } from '../../sim';
import type { SimWorkerMessage } from './simWorkerMessages';

export interface RunSimOptions {
  sampleTimes?: number[];
  seed?: number;
  signal?: AbortSignal;
  onProgress?: (p: { phase: string; fraction: number }) => void;
}

export class SimCancelledError extends Error {
  constructor() {
    super('the simulation was cancelled');
    this.name = 'SimCancelledError';
  }
}

/** Where the worker's code is: the bundled .js beside the Electron main bundle, else the .ts source. */
function workerEntry(): { file: URL; data: Record<string, unknown> } {
  const here = dirname(fileURLToPath(import.meta.url));
  const bundled = join(here, 'simWorker.js');
  if (existsSync(bundled)) return { file: pathToFileURL(bundled), data: {} };
  const src = join(here, 'simWorker.ts');
  return { file: new URL('./tsWorkerBoot.mjs', import.meta.url), data: { __entry: pathToFileURL(src).href } };
}

/** Runs one prediction in a worker thread, with progress and cancellation. */
export async function runSim(spec: SimSpec, opts: RunSimOptions = {}): Promise<SimResult> {
  return (await runSims([spec], opts))[0]!;
}

/**
 * Several predictions, one after the other in one worker thread (the series only for the first).
 * Results in the order of the specs.
 */
export function runSims(specs: SimSpec[], opts: RunSimOptions = {}): Promise<SimResult[]> {
  return new Promise<SimResult[]>((resolve, reject) => {
    if (opts.signal?.aborted) return reject(new SimCancelledError());
    if (!specs.length) return resolve([]);
    const { file, data } = workerEntry();
    const worker = new Worker(file, { workerData: { ...data, specs, sampleTimes: opts.sampleTimes, seed: opts.seed } });
    let settled = false;
    const done = (f: () => void) => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      f();
    };
    const onAbort = () => done(() => reject(new SimCancelledError()));
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (m: SimWorkerMessage) => {
      if (m.type === 'progress') opts.onProgress?.({ phase: m.phase, fraction: m.fraction });
      else if (m.type === 'result') done(() => resolve(m.results));
      else done(() => reject(new Error(m.message)));
    });
    worker.on('error', (e) => done(() => reject(e)));
    worker.on('exit', (code) => done(() => reject(new Error(`the simulator thread exited (${code}) without a result`))));
  });
}
