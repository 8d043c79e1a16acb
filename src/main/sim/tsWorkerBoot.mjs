// Boots a worker thread whose entry is TypeScript (running from src/ under tsx or vitest): the
// worker registers tsx itself, since hooks of the parent thread do not reach workers.
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
await import(workerData.__entry);
