/** Shared by the unit tests: the ground-truth guest's topology and a one-call simulate(). */
import { simulate } from './simulate';
import type { SimResult, SimSpec } from './spec';

export const TWO_NODE_GUEST: SimSpec['topology'] = {
  nodes: [
    { id: 0, cpus: [0], memMiB: 1024 },
    { id: 1, cpus: [1], memMiB: 1024 },
  ],
};

export function sim(kernel: string, workload: string, params: Record<string, string | number>, knobs: Record<string, string | number> = {}): SimResult {
  return simulate({ topology: TWO_NODE_GUEST, kernel, workload, params, knobs });
}

export function d(r: Record<string, number> | undefined, counter: string): number {
  return r?.[counter] ?? 0;
}
