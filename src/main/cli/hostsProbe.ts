import type { CliCommand } from './commands';
import { labFromFlags } from './labFromFlags';
import { UsageError } from './args';
import type { HostFacts } from '../../shared/hostFacts';
import { formatCpuList } from '../../shared/cpuList';

export function formatFactsText(f: HostFacts): string {
  const lines = [
    `host           ${f.target} (${f.hostname})`,
    `kernel         ${f.kernelRelease} ${f.machine}`,
    `uid            ${f.uid}`,
    `THP enabled    ${f.thp.enabled ?? 'absent'}${f.thp.enabledAllowed.length ? `  (allowed: ${f.thp.enabledAllowed.join(' ')})` : ''}`,
    `numa_balancing ${f.numaBalancing ?? 'absent'}`,
    `NUMA nodes     ${f.nodes.length}${f.numaConfigured ? '' : ' (kernel without NUMA: one synthetic node)'}`,
    ...f.nodes.map((n) => `  node${n.id}  cpus ${formatCpuList(n.cpus) || '-'}  ${n.memTotalMiB} MiB (${n.memFreeMiB} MiB free)`),
    ...(f.distance ? ['node distances (node_distance, /sys/devices/system/node/node<N>/distance)', ...f.nodes.map((n, i) => `  node${n.id}  ${f.distance![i]!.join(' ')}`)] : []),
    ...(f.warnings ?? []).map((w) => `warning        ${w}`),
  ];
  return lines.join('\n');
}

export const hostsProbeCommand: CliCommand = {
  words: ['hosts', 'probe'],
  usage: 'numa-lab hosts probe <target> [--json]',
  summary: 'connect to a host and print its kernel, NUMA nodes, THP mode and numa_balancing',
  flags: [{ name: 'json', type: 'bool', help: 'print the facts as JSON' }],
  async run({ positionals, flags, out }) {
    if (positionals.length !== 1) throw new UsageError('hosts probe needs exactly one <target>, e.g. local');
    const lab = labFromFlags(flags);
    try {
      const facts = await lab.probe(positionals[0]);
      out(flags.json ? JSON.stringify(facts, null, 2) : formatFactsText(facts));
      return 0;
    } finally {
      await lab.close();
    }
  },
};
