import type { AbComparison, AbRequest, ExperimentOutcome, ExperimentProgress, ExperimentRequest } from '../../shared/experiments/api';
import { abComparison } from '../../shared/experiments/ab';
import { LabApiError } from '../../shared/api/labApi';
import type { LabErrorCode } from '../../shared/api/errorCodes';
import { variantForKernelRelease } from '../../sim/variants';
import { testboxDown, testboxUp, TestboxError } from '../testbox';
import type { ExperimentRow } from './experimentsRepo';

export interface AbDeps {
  start(req: ExperimentRequest, onProgress?: (p: ExperimentProgress) => void): Promise<{ experimentId: number; done: Promise<ExperimentRow> }>;
  dropSession(target: string): Promise<unknown>;
}

/**
 * A/B, top to bottom: for A then B, boot the kernel as a virtual NUMA box with the one topology,
 * run the one experiment on it (forecast, repetitions, replay, verdict, stored like any other),
 * let go of the box and power it off; then put the two side by side with each side's model.
 * One box at a time: under TCG each vCPU wants a core, and two boxes would slow each other's runs.
 */
export async function runAb(deps: AbDeps, req: AbRequest, progress: (label: 'A' | 'B', message: string) => void = () => {}): Promise<AbComparison> {
  const sides: Parameters<typeof abComparison>[0][] = [];
  for (const [i, kernel] of req.kernels.entries()) {
    const label = i === 0 ? 'A' : 'B';
    const name = `ab-${process.pid}-${Date.now().toString(36)}-${label.toLowerCase()}`;
    progress(label, `booting ${kernel}`);
    let box;
    try {
      box = await testboxUp({ kernel, nodes: req.nodes, cpusPerNode: req.cpusPerNode, memPerNodeMiB: req.memPerNodeMiB, name, variant: req.variants[i], log: (l) => progress(label, l) });
    } catch (e) {
      if (e instanceof TestboxError) {
        const code: LabErrorCode = e.kind === 'bad-spec' || e.kind === 'no-memory' ? 'bad-request' : `testbox-${e.kind}`;
        throw new LabApiError(`kernel ${label} (${kernel}): ${e.message}`, code);
      }
      throw e;
    }
    try {
      // A request refused before it ran (stored nowhere) says which side it was.
      const { experimentId, done } = await deps
        .start({ ...req.request, target: box.target }, (p) => progress(label, `[${p.repetition}/${p.of}] ${p.phase}: ${p.message}`))
        .catch((e: unknown) => {
          throw e instanceof LabApiError ? new LabApiError(`kernel ${label} (${kernel}): ${e.message}`, e.code) : e;
        });
      const row = await done;
      if (!row.outcome) throw new LabApiError(`kernel ${label} (${kernel}): experiment ${experimentId} ${row.status}: ${row.error ?? 'no result'}`, row.errorCode ?? 'failed');
      const outcome: ExperimentOutcome = row.outcome;
      sides.push({ label, kernel, release: box.release, model: outcome.model?.name ?? variantForKernelRelease(outcome.spec.kernel).name, target: box.target, experimentId, outcome });
    } finally {
      await deps.dropSession(box.target);
      await testboxDown(name).catch(() => undefined);
    }
  }
  return abComparison(sides[0]!, sides[1]!);
}
