import type { z } from 'zod';
import { experimentMethods } from '../../shared/experiments/api';
import type { ExperimentService } from './experimentService';
import { summarizeExperiment } from './experimentService';
import { runAb } from './abExperiment';
import { compareReportFor } from '../report/compareReport';
import { htmlToPng } from '../report/htmlToPng';

type In<M extends keyof typeof experimentMethods> = z.output<(typeof experimentMethods)[M]['params']>;

export function experimentHandlers(service: () => ExperimentService, ab: { dropSession: (target: string) => Promise<unknown>; emit: (label: 'A' | 'B', message: string) => void }) {
  return {
    'experiments.start': async ({ request }: In<'experiments.start'>) => {
      const { experimentId } = await service().start(request);
      return { experimentId };
    },
    'experiments.stop': async ({ experimentId }: In<'experiments.stop'>) => ({ stopping: service().stop(experimentId) }),
    'experiments.list': async () => service().repo.list().map(summarizeExperiment),
    'experiments.get': async ({ experimentId }: In<'experiments.get'>) => {
      const r = service().mustGet(experimentId);
      return { ...summarizeExperiment(r), outcome: r.outcome ? JSON.parse(JSON.stringify(r.outcome)) : null };
    },
    'experiments.compare': async ({ a, b }: In<'experiments.compare'>) => {
      const c = service().compare(a, b);
      return { a: summarizeExperiment(c.a), b: summarizeExperiment(c.b), rows: c.rows };
    },
    'experiments.compareReport': async ({ a, b }: In<'experiments.compareReport'>) => ({ html: compareReportFor(service(), service().deps.telemetry.repo, a, b) }),
    'experiments.comparePng': async ({ a, b }: In<'experiments.comparePng'>) => {
      const html = compareReportFor(service(), service().deps.telemetry.repo, a, b);
      return { png: (await htmlToPng(html)).toString('base64') };
    },
    'experiments.ab': async (req: In<'experiments.ab'>) => runAb({ start: (r, p) => service().start(r, p), dropSession: ab.dropSession }, req, ab.emit),
  };
}
