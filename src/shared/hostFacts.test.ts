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

  it('reads the node distance matrix from /sys/devices/system/node/node<N>/distance', () => {
    const text = twoNodes.replace('@node 0\n', '@distance 1\n21 10\n@node 0\n').replace('@cpus_online', '@distance 0\n10 21\n@cpus_online');
    const f = parseProbeOutput('testbox:a', text);
    expect(f.distance).toEqual([
      [10, 21],
      [21, 10],
    ]);
    expect(f.warnings).toBeUndefined();
    // Output without distances (a probe from before they were read): no matrix, nothing to warn about.
    expect(parseProbeOutput('testbox:a', twoNodes).distance).toBeUndefined();
    expect(parseProbeOutput('testbox:a', twoNodes).warnings).toBeUndefined();
  });

  it('leaves a malformed distance matrix out, naming the file and the line, so the model takes 10/20', () => {
    const withRows = (row0: string, row1: string) => twoNodes.replace('@node 0\n', `@distance 1\n${row1}\n@node 0\n`).replace('@cpus_online', `@distance 0\n${row0}\n@cpus_online`);
    const cases: Array<[string, string, RegExp]> = [
      ['10 21', '21 ten', /^\/sys\/devices\/system\/node\/node1\/distance: "21 ten" is not a line of whole numbers separated by spaces\. The model uses the default distances \(10 local, 20 remote\)$/],
      ['10 21 31', '21 10', /^\/sys\/devices\/system\/node\/node0\/distance: "10 21 31" has 3 distances; expected 2, one per node \(0, 1\)\./],
      ['10 21', '21 12', /^\/sys\/devices\/system\/node\/node1\/distance: "21 12", entry 2 \(node 1 to itself\) is 12; allowed: 10 \(LOCAL_DISTANCE\) on the diagonal\./],
      ['10 255', '21 10', /node0\/distance: "10 255", entry 2 \(node 0 to node 1\) is 255; allowed: an integer 10\.\.254/],
      ['', '21 10', /node0\/distance: missing or empty; expected one line of 2 distances/],
    ];
    for (const [row0, row1, warning] of cases) {
      const f = parseProbeOutput('testbox:a', withRows(row0, row1));
      expect(f.distance).toBeUndefined();
      expect(f.warnings).toEqual([expect.stringMatching(warning)]);
    }
  });

  it('refuses truncated output rather than reporting half a host', () => {
    expect(() => parseProbeOutput('local', twoNodes.replace('@end\n', ''))).toThrow(/incomplete/);
  });
});
