import type { SimResult } from '../../sim';

export type SimWorkerMessage =
  | { type: 'progress'; phase: string; fraction: number }
  | { type: 'result'; results: SimResult[] }
  | { type: 'error'; message: string };
