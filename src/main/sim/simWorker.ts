import { parentPort, workerData } from 'node:worker_threads';
import { simulate, type SimResult, type SimSpec } from '../../sim';
import type { SimWorkerMessage } from './simWorkerMessages';

/**
 * The simulator in its own thread, so a long prediction (numa01 for minutes of simulated time)
 * never stalls the UI or the sampler. Several specs (a forecast over its uncertainty, a replay
 * and its boundary) run one after the other in one thread: a thread costs more to start than a
 * small prediction takes. Cancel = the parent terminates this thread.
 */
const { specs, sampleTimes, seed } = workerData as { specs: SimSpec[]; sampleTimes?: number[]; seed?: number };
const post = (m: SimWorkerMessage) => parentPort!.postMessage(m);
let last = 0;
try {
  const results: SimResult[] = specs.map((spec, i) =>
    simulate(spec, {
      // The cumulative series serve the charts: only the first spec's (the main prediction).
      sampleTimes: i === 0 ? sampleTimes : undefined,
      seed,
      onProgress: (p) => {
        const now = Date.now();
        if (now - last < 100 && p.fraction < 1) return;
        last = now;
        post({ type: 'progress', phase: p.phase, fraction: (i + p.fraction) / specs.length });
      },
    }),
  );
  post({ type: 'result', results });
} catch (e) {
  post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
}
