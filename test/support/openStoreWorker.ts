// A worker thread that opens the lab's store once a shared start flag flips, so several threads
// run the schema migrations on one new file at the same moment (test/integration/store.test.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { openDb } from '../../src/main/store/store';

const { path, flag } = workerData as { path: string; flag: SharedArrayBuffer };
const go = new Int32Array(flag);
Atomics.wait(go, 0, 0);
try {
  openDb({ path }).close();
  parentPort!.postMessage({ ok: true });
} catch (e) {
  parentPort!.postMessage({ ok: false, error: e instanceof Error ? e.message : String(e) });
}
