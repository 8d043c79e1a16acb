import type { z } from 'zod';
import type { LabResult, labMethods } from '../../shared/api/labApi';
import type { hostMethods } from '../../shared/hosts/api';
import type { HostSession, HostStatus } from './hostSession';

type HostMethod = keyof typeof hostMethods;
export type HostHandlers = { [M in HostMethod]: (params: z.output<(typeof labMethods)[M]['params']>) => Promise<LabResult<M>> };

/** What the handlers need from the lab (kept narrow so lab.ts only spreads them in). */
export interface HostsDeps {
  session(target: string): Promise<HostSession>;
  /** Closes and forgets a host's session; false when there was none. */
  dropSession(target: string): Promise<boolean>;
  liveSessions(): Promise<HostSession[]>;
  canonical(target: string): string;
}

/** `hosts.connect / hosts.disconnect / hosts.status`, spread into the lab's handler table. */
export function hostHandlers(deps: () => HostsDeps): HostHandlers {
  return {
    'hosts.connect': async ({ target, autoReconnect }) => {
      const s = await deps().session(target);
      if (autoReconnect !== undefined) s.setAutoReconnect(autoReconnect);
      if (s.state === 'lost') await s.reconnect();
      else await s.connect();
      return s.getStatus();
    },
    'hosts.disconnect': async ({ target }) => {
      await deps().dropSession(deps().canonical(target));
      return null;
    },
    'hosts.status': async ({ target }) => {
      const all: HostStatus[] = (await deps().liveSessions()).map((s) => s.getStatus());
      if (target === undefined) return all;
      const key = deps().canonical(target);
      return all.filter((s) => s.target === key);
    },
  };
}
