import type { z } from 'zod';
import { LabApiError } from '../../shared/api/labApi';
import type { LabErrorCode } from '../../shared/api/errorCodes';
import { testboxMethods, type BuildProgress } from '../../shared/testbox/api';
import { cacheDir } from '../testbox/paths';
import { buildKernel } from './build';
import { listBuiltKernels } from './builtKernel';
import { KernelBuildError, type KernelBuildErrorKind } from './errors';

type In<M extends keyof typeof testboxMethods> = z.output<(typeof testboxMethods)[M]['params']>;

const CODES: Record<KernelBuildErrorKind, LabErrorCode> = {
  'bad-source': 'bad-request',
  'patch-failed': 'bad-request',
  'bad-config': 'bad-request',
  'source-unavailable': 'kernel-source-unavailable',
  'build-failed': 'kernel-build-failed',
  busy: 'busy',
  'missing-tool': 'kernel-missing-tool',
};

/** The NUMA box view's "Build kernel": the same build as the CLI's, progress and log lines as events. */
export function kernelBuildHandlers(emit: { progress: (p: BuildProgress) => void; log: (line: string) => void }) {
  return {
    'kernel.build': async (p: In<'kernel.build'>) => {
      try {
        return await buildKernel({ ...p, log: emit.log, onProgress: emit.progress });
      } catch (e) {
        // The log's tail is part of the message: the UI shows what make said.
        if (e instanceof KernelBuildError) throw new LabApiError(e.message, CODES[e.kind]);
        throw e;
      }
    },
    'kernel.builds': async () => listBuiltKernels(cacheDir()),
  };
}
