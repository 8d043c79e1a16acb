import { parentPort, workerData } from 'node:worker_threads';
import { simulate, type SimSpec } from '../../sim';
import type { SimWorkerMessage } from './simWorkerMessages';

/**
 * The simulator in its own thread, so a long prediction (numa01 for minutes of simulated time)
 * never stalls the UI or the sampler. Cancel = the parent terminates this thread.
 */
const { spec, sampleTimes, seed } = workerData as { spec: SimSpec; sampleTimes?: number[]; seed?: number };
const post = (m: SimWorkerMessage) => parentPort!.postMessage(m);
let last = 0;
try {
  const result = simulate(spec, {
    sampleTimes,
    seed,
    onProgress: (p) => {
      const now = Date.now();
      if (now - last < 100 && p.fraction < 1) return;
      last = now;
      post({ type: 'progress', phase: p.phase, fraction: p.fraction });
    },
  });
  post({ type: 'result', result });
} catch (e) {
  post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
}
