import { LabApiError } from '../../shared/api/labApi';
import type { HostTarget } from '../../shared/hostTarget';
import { LocalTransport } from './localTransport';
import type { Transport } from './transport';

/** Picks the transport for a parsed target. Kinds that need their own module register here. */
export type TransportFactory = (target: HostTarget) => Promise<Transport> | undefined;
const factories: TransportFactory[] = [];

export function registerTransportFactory(f: TransportFactory): void {
  factories.push(f);
}

export async function openTransport(target: HostTarget): Promise<Transport> {
  if (target.kind === 'local') return new LocalTransport();
  for (const f of factories) {
    const t = f(target);
    if (t) return t;
  }
  throw new LabApiError(`${target.kind} hosts are not supported by this build of the lab yet; supported now: local`, 'unsupported-target');
}
