import type { z } from 'zod';
import { LabApiError } from '../../shared/api/labApi';
import { testboxMethods } from '../../shared/testbox/api';
import { testboxDown, testboxList, testboxUp } from './api';
import { TestboxError } from './errors';
import type { TestboxDescriptor } from './boxState';

type In<M extends keyof typeof testboxMethods> = z.output<(typeof testboxMethods)[M]['params']>;

const summary = (b: TestboxDescriptor & { running?: boolean }) => ({
  name: b.name,
  target: b.target,
  kernel: b.kernel,
  release: b.release,
  nodes: b.nodes,
  cpusPerNode: b.cpusPerNode,
  memPerNodeMiB: b.memPerNodeMiB,
  accelerator: b.accelerator,
  startedAt: b.startedAt,
  bootMs: b.bootMs,
  running: b.running ?? true,
  variant: b.variant,
  ...(b.variantCoverage ? { variantCoverage: b.variantCoverage } : {}),
});

/** The UI's box dialog: a bzImage by path is CLI-only; the UI boots a lab build by its key (build:<key>). */
export function testboxHandlers(log: (line: string) => void, dropSession: (target: string) => Promise<unknown>) {
  const wrap = async <T>(f: () => Promise<T>): Promise<T> => {
    try {
      return await f();
    } catch (e) {
      if (e instanceof TestboxError) throw new LabApiError(e.message, e.kind === 'bad-spec' || e.kind === 'no-memory' ? 'bad-request' : (`testbox-${e.kind}` as const));
      throw e;
    }
  };
  return {
    'testbox.list': async () => testboxList().map(summary),
    'testbox.up': async (p: In<'testbox.up'>) => wrap(async () => summary(await testboxUp({ ...p, log }))),
    'testbox.down': async ({ name }: In<'testbox.down'>) =>
      wrap(async () => {
        await dropSession(`testbox:${name}`);
        const r = await testboxDown(name);
        return { wasRunning: r.wasRunning };
      }),
  };
}
