import { LabApiError } from '../../shared/api/labApi';
import { formatHostTarget, type HostTarget } from '../../shared/hostTarget';
import { LocalTransport } from './localTransport';
import { SshTransport } from './sshTransport';
import { SerialPathTransport } from './serialPathTransport';
import type { Transport } from './transport';

/** Picks the transport for a parsed target. Kinds that need their own module register here. */
export type TransportFactory = (target: HostTarget) => Promise<Transport> | undefined;
const factories: TransportFactory[] = [];

export function registerTransportFactory(f: TransportFactory): void {
  factories.push(f);
}

export async function openTransport(target: HostTarget): Promise<Transport> {
  if (target.kind === 'local') return new LocalTransport();
  if (target.kind === 'ssh') return new SshTransport(target, formatHostTarget(target));
  if (target.kind === 'serial') return new SerialPathTransport(formatHostTarget(target), target.path);
  for (const f of factories) {
    const t = f(target);
    if (t) return t;
  }
  throw new LabApiError(`${target.kind} hosts are not supported by this build of the lab yet; supported now: local, ssh, serial`, 'unsupported-target');
}
