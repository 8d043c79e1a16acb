import type { SimResult } from '../../sim';

export type SimWorkerMessage =
  | { type: 'progress'; phase: string; fraction: number }
  | { type: 'result'; result: SimResult }
  | { type: 'error'; message: string };
