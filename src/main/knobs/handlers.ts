import type { z } from 'zod';
import type { LabResult, labMethods } from '../../shared/api/labApi';
import type { knobMethods } from '../../shared/knobs/api';
import type { KnobService } from './knobService';

type KnobMethod = keyof typeof knobMethods;
export type KnobHandlers = { [M in KnobMethod]: (params: z.output<(typeof labMethods)[M]['params']>) => Promise<LabResult<M>> };

/** The `knobs.*` LabApi methods, spread into the lab's handler table (a getter: the table is built before the lab's constructor body runs). */
export function knobHandlers(service: () => KnobService): KnobHandlers {
  return {
    'knobs.list': async ({ target }) => service().list(target),
    'knobs.set': async ({ target, values, origin }) => service().set(target, values, origin),
    'knobs.restore': async ({ target }) => service().restore(target),
    'knobs.journal': async ({ target }) => service().repo.journal(await service().canonical(target)),
    'knobs.pending': async () => service().pending(),
  };
}
