import type { z } from 'zod';
import { LabApiError } from '../../shared/api/labApi';
import { testboxMethods } from '../../shared/testbox/api';
import { testboxAccelerator, testboxDown, testboxList, testboxUp } from './api';
import { boxOwner } from './boxOwner';
import { TestboxError } from './errors';
import type { TestboxDescriptor } from './boxState';

type In<M extends keyof typeof testboxMethods> = z.output<(typeof testboxMethods)[M]['params']>;

/** A descriptor as `testbox.list` answers it: with who started it (relative to this process) and its uptime. */
export const testboxSummary = (b: TestboxDescriptor & { running?: boolean }, now = Date.now()) => ({
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
  ...boxOwner(b),
  uptimeMs: (b.running ?? true) ? Math.max(0, now - Date.parse(b.startedAt)) : null,
});

/** The UI's box dialog: a bzImage by path is CLI-only; the UI boots a lab build by its key (build:<key>). */
export function testboxHandlers(log: (line: string) => void, dropSession: (target: string) => Promise<unknown>, changed: (box: { name: string; target: string; running: boolean }) => void) {
  const wrap = async <T>(f: () => Promise<T>): Promise<T> => {
    try {
      return await f();
    } catch (e) {
      if (e instanceof TestboxError) throw new LabApiError(e.message, e.kind === 'bad-spec' || e.kind === 'no-memory' ? 'bad-request' : (`testbox-${e.kind}` as const));
      throw e;
    }
  };
  return {
    'testbox.list': async () => testboxList().map((b) => testboxSummary(b)),
    'testbox.accelerator': async () => testboxAccelerator(),
    'testbox.up': async (p: In<'testbox.up'>) =>
      wrap(async () => {
        const box = testboxSummary(await testboxUp({ ...p, log }));
        changed({ name: box.name, target: box.target, running: true });
        return box;
      }),
    'testbox.down': async ({ name }: In<'testbox.down'>) =>
      wrap(async () => {
        await dropSession(`testbox:${name}`);
        const r = await testboxDown(name);
        changed({ name, target: `testbox:${name}`, running: false });
        return { wasRunning: r.wasRunning };
      }),
  };
}
