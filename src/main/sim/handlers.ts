import type { z } from 'zod';
import { LabApiError, type LabEventPayload } from '../../shared/api/labApi';
import { simMethods } from '../../shared/sim/api';
import { VARIANT_NAMES, VARIANTS, resolveVariant } from '../../sim';
import { runSim, SimCancelledError } from './runSim';
import type { VariantsRepo } from './variantsRepo';

type In<M extends keyof typeof simMethods> = z.output<(typeof simMethods)[M]['params']>;

/** LabApi handlers of the simulator; each run gets a worker thread and can be cancelled by id. */
export function simHandlers(emit: (e: 'sim.progress', p: LabEventPayload<'sim.progress'>) => void, variants: () => VariantsRepo) {
  const running = new Map<string, AbortController>();
  const checkModel = (kernel: string, variant?: In<'sim.run'>['spec']['variant']) => {
    try {
      resolveVariant(kernel, variant);
    } catch (e) {
      throw new LabApiError(e instanceof Error ? e.message : String(e), 'bad-request');
    }
  };
  return {
    'sim.variants': async () => VARIANT_NAMES.map((n) => ({ name: n, title: VARIANTS[n].title, follows: [...VARIANTS[n].follows], behaviours: { ...VARIANTS[n].behaviours } })),
    'sim.savedVariants': async () => variants().list(),
    'sim.saveVariant': async ({ variant }: In<'sim.saveVariant'>) => {
      checkModel(variant.base, { behaviours: variant.behaviours });
      return variants().save(variant);
    },
    'sim.deleteVariant': async ({ name }: In<'sim.deleteVariant'>) => ({ deleted: variants().delete(name) }),
    'sim.run': async ({ requestId, spec, sampleTimes }: In<'sim.run'>) => {
      checkModel(spec.kernel, spec.variant);
      if (running.has(requestId)) throw new LabApiError(`a simulation ${requestId} is already running`, 'bad-request');
      const ac = new AbortController();
      running.set(requestId, ac);
      try {
        const r = await runSim(spec, { sampleTimes, signal: ac.signal, onProgress: (p) => emit('sim.progress', { requestId, ...p }) });
        return JSON.parse(JSON.stringify(r));
      } catch (e) {
        if (e instanceof SimCancelledError) throw new LabApiError('the simulation was cancelled', 'cancelled');
        throw new LabApiError(e instanceof Error ? e.message : String(e), 'sim-failed');
      } finally {
        running.delete(requestId);
      }
    },
    'sim.cancel': async ({ requestId }: In<'sim.cancel'>) => {
      const ac = running.get(requestId);
      ac?.abort();
      return { cancelled: ac !== undefined };
    },
  };
}
