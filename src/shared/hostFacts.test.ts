import { describe, expect, it } from 'vitest';
import { parseProbeOutput } from './hostFacts';

const twoNodes = `@release
6.12.117+deb13-amd64
@version
#1 SMP PREEMPT_DYNAMIC Debian 6.12.117-1
@machine
x86_64
@hostname
guest
@uid
0
@node 1
1
Node 1 MemTotal:        1032060 kB
Node 1 MemFree:          990000 kB
@node 0
0
Node 0 MemTotal:        1015676 kB
Node 0 MemFree:          900000 kB
@cpus_online
0-1
@meminfo
MemTotal:        2047736 kB
MemFree:         1890000 kB
@thp_enabled
[always] madvise never
@thp_defrag
always defer defer+madvise [madvise] never
@numa_balancing
0
@end
`;

describe('host probe parsing', () => {
  it('reads a two-node guest, nodes in order, MiB per node', () => {
    const f = parseProbeOutput('testbox:a', twoNodes, new Date(0));
    expect(f.kernelRelease).toBe('6.12.117+deb13-amd64');
    expect(f.nodes.map((n) => [n.id, n.cpus, n.memTotalMiB])).toEqual([
      [0, [0], 992],
      [1, [1], 1008],
    ]);
    expect(f.thp).toEqual({ enabled: 'always', enabledAllowed: ['always', 'madvise', 'never'], defrag: 'madvise' });
    expect(f.numaBalancing).toBe(0);
    expect(f.numaConfigured).toBe(true);
  });

  it('synthesises one node on a kernel without NUMA and reports absent knobs as null', () => {
    const text = twoNodes
      .replace(/@node 1[\s\S]*?@cpus_online/, '@cpus_online')
      .replace('@thp_enabled\n[always] madvise never\n', '@thp_enabled\n')
      .replace('@numa_balancing\n0\n', '@numa_balancing\n');
    const f = parseProbeOutput('local', text);
    expect(f.numaConfigured).toBe(false);
    expect(f.nodes).toEqual([{ id: 0, cpus: [0, 1], memTotalMiB: 2000, memFreeMiB: 1846 }]);
    expect(f.thp.enabled).toBeNull();
    expect(f.numaBalancing).toBeNull();
  });

  it('refuses truncated output rather than reporting half a host', () => {
    expect(() => parseProbeOutput('local', twoNodes.replace('@end\n', ''))).toThrow(/incomplete/);
  });
});
