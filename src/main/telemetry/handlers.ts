import type { z } from 'zod';
import { LabApiError, type LabResult, type labMethods } from '../../shared/api/labApi';
import type { telemetryMethods, telemetryViewMethods } from '../../shared/telemetry/api';
import type { HostSession } from '../hosts/hostSession';
import { ChartChoiceRepo } from '../store/chartChoiceRepo';
import { exportRun } from './exportRun';
import { describeAll, listHostCounters } from './hostCounters';
import type { TelemetryService } from './service';

type TelemetryMethod = keyof typeof telemetryMethods | keyof typeof telemetryViewMethods;
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

/**
 * The `telemetry.*` and `runs.*` LabApi methods (a getter: the lab's table is built before its
 * constructor body runs). `session` reaches a host for the counter picker's list.
 */
export function telemetryHandlers(service: () => TelemetryService, canonical: (target: string) => string, session?: (target: string) => Promise<HostSession>): TelemetryHandlers {
  let charts: ChartChoiceRepo | undefined;
  const chartRepo = () => (charts ??= new ChartChoiceRepo(service().repo.db));
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
    'runs.migrateCalls': async ({ runId, from, to }) =>
      found(() => {
        service().repo.get(runId);
        return { runId, capture: service().traceOf(runId), ...service().traces.callsAndMarkers(runId, from === undefined ? undefined : from * 1000, to === undefined ? undefined : to * 1000) };
      }),
    'runs.mark': async ({ target, kind, text }) => ({ runIds: service().mark(canonical(target), kind, text) }),
    'runs.export': async ({ runId, format }) => found(() => exportRun(service().repo, runId, format)),
    'telemetry.counters': async ({ target }) => {
      const key = canonical(target);
      // The running sample's counters (what it stores now), and what the host itself lists.
      const run = service().activeRuns().find((a) => a.target === key);
      const fromRun = run ? service().repo.countersOf(run.runId).map((c) => c.name) : [];
      let fromHost: string[] | undefined;
      let hostError: unknown;
      if (session) {
        try {
          fromHost = await listHostCounters(await session(key));
        } catch (e) {
          hostError = e;
        }
      }
      if (!fromHost && !run) {
        if (hostError instanceof LabApiError) throw hostError;
        throw new LabApiError(`could not list the counters of ${key}: ${hostError instanceof Error ? hostError.message : 'no host session'}`, 'failed');
      }
      const source = fromHost && fromRun.length ? 'host+run' : fromHost ? 'host' : 'run';
      return { target: key, source, counters: describeAll([...(fromHost ?? []), ...fromRun]) };
    },
    'telemetry.charts': async ({ target }) => chartRepo().get(canonical(target)),
    'telemetry.setCharts': async ({ target, charts: c }) => chartRepo().set(canonical(target), c),
  };
}
