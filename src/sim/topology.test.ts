import { describe, expect, it } from 'vitest';
import { BOARDS, RING4 } from './test_helpers';
import { NumaTopology } from './topology';

const nodes = (n: number, cpuless: number[] = []) => Array.from({ length: n }, (_, id) => ({ id, cpus: cpuless.includes(id) ? [] : [id] }));

describe('init_numa_topology_type(): the scheduler reads the distance levels', () => {
  it('two nodes are NUMA_DIRECT, with or without a matrix', () => {
    for (const t of [new NumaTopology(nodes(2)), new NumaTopology(nodes(2), [[10, 32], [32, 10]])]) {
      expect(t.schedNumaTopologyType).toBe('NUMA_DIRECT');
      expect(t.schedDomainsNumaLevels).toBe(2);
    }
    expect(new NumaTopology(nodes(2), [[10, 32], [32, 10]]).schedMaxNumaDistance).toBe(32);
  });

  it('eight nodes at the default distances are NUMA_DIRECT: one remote level', () => {
    const t = new NumaTopology(nodes(8));
    expect(t.schedDomainsNumaDistance).toEqual([10, 20]);
    expect(t.schedMaxNumaDistance).toBe(20);
    expect(t.schedNumaTopologyType).toBe('NUMA_DIRECT');
  });

  it('a 4-node ring (10/16/22) is a glueless mesh: a neighbour of both sits between the far nodes', () => {
    const t = new NumaTopology(nodes(4), RING4);
    expect(t.schedDomainsNumaDistance).toEqual([10, 16, 22]);
    expect(t.schedMaxNumaDistance).toBe(22);
    expect(t.schedNumaTopologyType).toBe('NUMA_GLUELESS_MESH');
  });

  it('two boards behind a backplane: no node is nearer than the maximum to both far nodes', () => {
    const t = new NumaTopology(nodes(4), BOARDS);
    expect(t.schedNumaTopologyType).toBe('NUMA_BACKPLANE');
    expect(t.findNumaDistance(15)).toBe(true);
    expect(t.findNumaDistance(20)).toBe(false);
  });

  it('counts only nodes with CPUs (for_each_cpu_node_but): a far CPU-less tier adds no level', () => {
    const withTier = [
      [10, 20, 30],
      [20, 10, 30],
      [30, 30, 10],
    ];
    const t = new NumaTopology(nodes(3, [2]), withTier);
    expect(t.schedDomainsNumaDistance).toEqual([10, 20]);
    expect(t.schedNumaTopologyType).toBe('NUMA_DIRECT');
  });
});

describe('build_zonelists() → find_next_best_node(): allocation fallback order', () => {
  it('two nodes: the local node, then the other (what the model always did)', () => {
    const t = new NumaTopology(nodes(2));
    expect(t.zonelist(0)).toEqual([0, 1]);
    expect(t.zonelist(1)).toEqual([1, 0]);
  });

  it('orders by distance first, whatever the node ids', () => {
    // Node 0 is near node 3 (12), then node 2 (17), and far from node 1 (28).
    const m = [
      [10, 28, 17, 12],
      [28, 10, 12, 17],
      [17, 12, 10, 28],
      [12, 17, 28, 10],
    ];
    const t = new NumaTopology(nodes(4), m);
    expect(t.zonelist(0)).toEqual([0, 3, 2, 1]);
    expect(t.zonelist(1)).toEqual([1, 2, 3, 0]);
    expect(t.zonelist(2)).toEqual([2, 1, 0, 3]);
    expect(t.zonelist(3)).toEqual([3, 0, 1, 2]);
  });

  it('equal distances: the next node up first, then node_load[] spreads the lists round robin', () => {
    // The kernel's "Fallback order for Node N" on a 4-node box with the default distances.
    const t = new NumaTopology(nodes(4));
    expect([0, 1, 2, 3].map((n) => t.zonelist(n))).toEqual([
      [0, 1, 2, 3],
      [1, 2, 3, 0],
      [2, 3, 0, 1],
      [3, 0, 1, 2],
    ]);
  });

  it('prefers a node without CPUs at equal distance (PENALTY_FOR_NODE_WITH_CPUS)', () => {
    const t = new NumaTopology(nodes(3, [2]));
    expect(t.zonelist(0)).toEqual([0, 2, 1]);
  });
});

describe('numa_nearest_node(nid, N_CPU)', () => {
  it('keeps a node with CPUs, and maps a CPU-less node to its nearest CPU node', () => {
    const m = [
      [10, 20, 40],
      [20, 10, 25],
      [40, 25, 10],
    ];
    const t = new NumaTopology(nodes(3, [2]), m);
    expect(t.numaNearestNode(0)).toBe(0);
    expect(t.numaNearestNode(2)).toBe(1);
    expect(t.numaNearestNode(-1)).toBe(-1);
  });
});
