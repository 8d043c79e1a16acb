import type { HostFacts } from '../../../shared/hostFacts';
import { formatCpuList } from '../../../shared/cpuList';

export function HostFactsPanel({ facts }: { facts: HostFacts }) {
  return (
    <div data-testid="host-facts">
      <dl className="facts">
        <dt>Target</dt>
        <dd data-testid="fact-target">{facts.target}</dd>
        <dt>Host name</dt>
        <dd>{facts.hostname}</dd>
        <dt>Kernel</dt>
        <dd data-testid="fact-kernel">{facts.kernelRelease}</dd>
        <dt>THP enabled</dt>
        <dd data-testid="fact-thp">
          {facts.thp.enabled ?? 'absent'}
          {facts.thp.enabledAllowed.length > 0 && <span className="muted"> of {facts.thp.enabledAllowed.join(' · ')}</span>}
        </dd>
        <dt>THP defrag</dt>
        <dd data-testid="fact-thp-defrag">{facts.thp.defrag ?? 'absent'}</dd>
        <dt>numa_balancing</dt>
        <dd data-testid="fact-numa-balancing">{facts.numaBalancing ?? 'absent'}</dd>
        <dt>Privilege</dt>
        <dd>{facts.uid === 0 ? 'root' : `uid ${facts.uid}`}</dd>
        <dt>Read at</dt>
        {/* Re-read after every knob change on this host: the time shows how fresh the values are. */}
        <dd className="muted" data-testid="fact-probed-at">
          {new Date(facts.probedAt).toLocaleTimeString()}
        </dd>
      </dl>
      <table className="nodes" data-testid="fact-nodes">
        <thead>
          <tr>
            <th>Node</th>
            <th>CPUs</th>
            <th>Memory</th>
            <th>Free</th>
          </tr>
        </thead>
        <tbody>
          {facts.nodes.map((n) => (
            <tr key={n.id} data-testid={`node-${n.id}`}>
              <td>node{n.id}</td>
              <td>{formatCpuList(n.cpus) || '—'}</td>
              <td>{n.memTotalMiB.toLocaleString('en-US')} MiB</td>
              <td>{n.memFreeMiB.toLocaleString('en-US')} MiB</td>
            </tr>
          ))}
        </tbody>
      </table>
      {!facts.numaConfigured && <p className="muted">This kernel has no NUMA support: one synthetic node is shown.</p>}
      {facts.nodes.length < 2 && <p className="muted">One NUMA node: migration between nodes needs a virtual NUMA box (boot one in the NUMA box view).</p>}
    </div>
  );
}
