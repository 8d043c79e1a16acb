import type { z } from 'zod';
import { LabApiError, type LabResult, type labMethods } from '../../shared/api/labApi';
import type { telemetryMethods } from '../../shared/telemetry/api';
import { exportRun } from './exportRun';
import type { TelemetryService } from './service';

type TelemetryMethod = keyof typeof telemetryMethods;
export type TelemetryHandlers = { [M in TelemetryMethod]: (params: z.output<(typeof labMethods)[M]['params']>) => Promise<LabResult<M>> };

/** A repo lookup of a run that does not exist becomes a LabApi 'not-found'. */
function found<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if ((e as { code?: string }).code === 'not-found') throw new LabApiError((e as Error).message, 'not-found');
    throw e;
  }
}

/** The `telemetry.*` and `runs.*` LabApi methods (a getter: the lab's table is built before its constructor body runs). */
export function telemetryHandlers(service: () => TelemetryService, canonical: (target: string) => string): TelemetryHandlers {
  return {
    'telemetry.start': async (p) => ({ runId: await service().start(p) }),
    'telemetry.stop': async ({ runId }) => found(() => service().repo.get(runId)) && service().stop(runId),
    'telemetry.active': async () => service().activeRuns(),
    'runs.list': async ({ target, limit }) => service().repo.list({ target: target === undefined ? undefined : canonical(target), limit }),
    'runs.get': async ({ runId }) => found(() => service().repo.detail(runId)),
    'runs.series': async ({ runId, counters, from, to, maxPoints, mode }) => {
      const r = found(() => service().repo.series(runId, counters, mode, maxPoints, from, to));
      return { runId, ...r };
    },
    'runs.events': async ({ runId, from, to }) => found(() => (service().repo.get(runId), service().repo.events(runId, from, to))),
    'runs.mark': async ({ target, kind, text }) => ({ runIds: service().mark(canonical(target), kind, text) }),
    'runs.export': async ({ runId, format }) => found(() => exportRun(service().repo, runId, format)),
  };
}
