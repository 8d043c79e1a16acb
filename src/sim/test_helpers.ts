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

/** Four nodes in a ring: one hop (16) to each neighbour, two hops (22) across (e.g. a 4-socket glueless box). */
export const RING4 = [
  [10, 16, 22, 16],
  [16, 10, 16, 22],
  [22, 16, 10, 16],
  [16, 22, 16, 10],
];
/** Two boards of two nodes each: 15 on a board, 25 through the backplane. */
export const BOARDS = [
  [10, 15, 25, 25],
  [15, 10, 25, 25],
  [25, 25, 10, 15],
  [25, 25, 15, 10],
];
