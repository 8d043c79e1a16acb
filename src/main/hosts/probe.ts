import { parseProbeOutput, PROBE_SCRIPT, type HostFacts } from '../../shared/hostFacts';
import type { HostSession } from './hostSession';

/** Reads kernel, NUMA topology, THP mode and numa_balancing from the host in one round trip. */
export async function probeHost(session: HostSession): Promise<HostFacts> {
  const r = await session.exec(PROBE_SCRIPT, { timeoutMs: 20000 });
  return parseProbeOutput(session.target, r.stdout);
}
