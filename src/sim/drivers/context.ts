import type { Kernel } from '../kernel';
import { SimCancelled } from '../kernel';
import type { Sampler } from '../sampler';
import type { SimOptions } from '../spec';
import type { WorkloadParams } from '../../shared/workloads';
import type { MovePagesSummary } from '../../shared/experiment';

/** What a workload driver gets, and the phase boundaries it reports back. */
export interface DriverCtx {
  k: Kernel;
  params: WorkloadParams;
  sampler: Sampler;
  opts: SimOptions;
  /** Mark the start of a phase at the current simulated time (snapshots the counters). */
  phase(name: 'setup' | 'migrate'): void;
  movePages: MovePagesSummary | null;
  /** Address spaces the workload created (for the audit). */
  mms: import('../mm').Mm[];
  slowNodes: ReadonlySet<number>;
}

export function cpusOfNode(k: Kernel, nid: number): number[] {
  const out: number[] = [];
  for (const [cpu, n] of k.cpuNode) if (n === nid) out.push(cpu);
  out.sort((a, b) => a - b);
  if (!out.length) throw new Error(`node ${nid} has no CPUs; the workload needs a CPU on it`);
  return out;
}

export function checkCancel(opts: SimOptions): void {
  if (opts.signal?.aborted) throw new SimCancelled();
}
