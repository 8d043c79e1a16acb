import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { EXACT_COUNTERS } from '../../src/shared/experiments/verdict';
import { repoRoot } from '../../src/main/repoRoot';

/**
 * The ground truth (../shared/ground-truth/migration-cases.json: real /proc/vmstat deltas on
 * Debian 6.1 and 6.12 in a 2-node QEMU guest), read from shared/ when it sits beside the repo
 * (it may be updated there), else from the committed copy under test/fixtures.
 */
export interface GroundTruthRecord {
  kernel: string;
  kernel_series: string;
  case: 'a' | 'b' | 'c' | 'e';
  n: number;
  mode: string;
  rep: number;
  phase: 'setup' | 'migrate';
  move_pages_status_summary: { ret: number; errno: number; addresses: number; status: Record<string, number> } | null;
  deltas: Record<string, number>;
}

export function loadGroundTruth(): GroundTruthRecord[] {
  const candidates = [resolve(repoRoot(), '../shared/ground-truth/migration-cases.json'), resolve(repoRoot(), 'test/fixtures/ground-truth/migration-cases.json')];
  const file = candidates.find((f) => existsSync(f));
  if (!file) throw new Error(`ground truth not found; looked in ${candidates.join(', ')}`);
  return JSON.parse(readFileSync(file, 'utf8')) as GroundTruthRecord[];
}

/** The counters the README calls exact, absent ones as 0: what a comparison must match to the page. */
export function exactCounters(d: Record<string, number>): Record<string, number> {
  return Object.fromEntries(EXACT_COUNTERS.map((k) => [k, d[k] ?? 0]));
}
