/**
 * The machine's NUMA distances and what the kernel derives from them once, at boot:
 *   node_distance(a, b)                           arch (x86: __node_distance(), from the ACPI SLIT)
 *   build_zonelists() → find_next_best_node()     mm/page_alloc.c: each node's allocation fallback order
 *   sched_init_numa() → init_numa_topology_type() kernel/sched/topology.c: sched_domains_numa_levels,
 *                                                 sched_max_numa_distance, sched_numa_topology_type
 *   find_numa_distance()                          kernel/sched/topology.c
 *   numa_nearest_node()                           mm/mempolicy.c (6.7+; open-coded in task_numa_placement() before, same answer)
 * The NUMA-balancing side that reads these (score_nearby_nodes(), preferred_group_nid()) is in
 * sched_numa.ts. Nodes are online and have memory (N_ONLINE, N_MEMORY); a node with CPUs is N_CPU.
 */
import { LOCAL_DISTANCE, REMOTE_DISTANCE } from '../shared/sim/distance';
import { NUMA_NO_NODE } from './constants';

/** enum numa_topology_type (kernel/sched/sched.h). */
export type NumaTopologyType = 'NUMA_DIRECT' | 'NUMA_GLUELESS_MESH' | 'NUMA_BACKPLANE';

/** include/linux/topology.h: the generic value, which x86 keeps ("prefer nodes without CPUs" in find_next_best_node()). */
export const PENALTY_FOR_NODE_WITH_CPUS = 1;
/** 1 << CONFIG_NODES_SHIFT, 10 on Debian's x86-64 kernels: how much distance outweighs node_load in find_next_best_node(). */
export const MAX_NUMNODES = 1 << 10;

export interface TopologyNodeFacts {
  id: number;
  cpus: readonly number[];
}

export class NumaTopology {
  /** for_each_online_node() order: ascending ids. */
  readonly nodeIds: readonly number[];
  /** for_each_node_state(n, N_CPU): the nodes with CPUs, ascending. */
  readonly cpuNodes: readonly number[];
  /** sched_domains_numa_distance[]: the distinct node_distance() values between CPU nodes, ascending. */
  readonly schedDomainsNumaDistance: readonly number[];
  /** sched_domains_numa_levels. */
  readonly schedDomainsNumaLevels: number;
  /** sched_max_numa_distance. */
  readonly schedMaxNumaDistance: number;
  /** sched_numa_topology_type, decided by init_numa_topology_type(). */
  readonly schedNumaTopologyType: NumaTopologyType;
  private readonly table = new Map<number, Map<number, number>>();
  private readonly cpuNodeSet: ReadonlySet<number>;
  /** node_load[] after __build_all_zonelists() (it is reset at the start of each build). */
  private readonly nodeLoad = new Map<number, number>();
  private readonly zonelists = new Map<number, readonly number[]>();

  /** `distance`: rows and columns in the order of `nodes`; absent = the kernel's default without a SLIT. */
  constructor(nodes: readonly TopologyNodeFacts[], distance?: readonly (readonly number[])[]) {
    nodes.forEach((a, i) => {
      const row = new Map<number, number>();
      nodes.forEach((b, j) => row.set(b.id, distance ? distance[i]![j]! : a.id === b.id ? LOCAL_DISTANCE : REMOTE_DISTANCE));
      this.table.set(a.id, row);
    });
    this.nodeIds = nodes.map((n) => n.id).sort((a, b) => a - b);
    this.cpuNodes = nodes
      .filter((n) => n.cpus.length > 0)
      .map((n) => n.id)
      .sort((a, b) => a - b);
    this.cpuNodeSet = new Set(this.cpuNodes);

    // sched_init_numa(): "O(nr_nodes^2) de-duplicating selection sort" of the distances between
    // CPU nodes (for_each_cpu_node_but), the local distance included: that count is the number of
    // NUMA levels, and the largest is sched_max_numa_distance.
    const seen = new Set<number>();
    for (const i of this.cpuNodes) for (const j of this.cpuNodes) seen.add(this.nodeDistance(i, j));
    this.schedDomainsNumaDistance = [...seen].sort((a, b) => a - b);
    this.schedDomainsNumaLevels = this.schedDomainsNumaDistance.length;
    this.schedMaxNumaDistance = this.schedDomainsNumaDistance[this.schedDomainsNumaLevels - 1] ?? LOCAL_DISTANCE;
    this.schedNumaTopologyType = this.initNumaTopologyType();

    // __build_all_zonelists(): node_load[] cleared, then build_zonelists() for every node in id order.
    for (const nid of this.nodeIds) this.nodeLoad.set(nid, 0);
    for (const nid of this.nodeIds) this.zonelists.set(nid, this.buildZonelists(nid, this.nodeLoad));
  }

  /**
   * node_distance(a, b). Outside the table x86's __node_distance() answers LOCAL_DISTANCE for a
   * node to itself and REMOTE_DISTANCE otherwise; so does the model for a node not in the topology.
   */
  nodeDistance(a: number, b: number): number {
    return this.table.get(a)?.get(b) ?? (a === b ? LOCAL_DISTANCE : REMOTE_DISTANCE);
  }

  /** node_state(nid, N_CPU). */
  hasCpus(nid: number): boolean {
    return this.cpuNodeSet.has(nid);
  }

  /** The ZONELIST_FALLBACK node order of `nid` (node_zonelist()), as build_zonelists() made it at boot. */
  zonelist(nid: number): readonly number[] {
    // A node outside the topology has no pgdat in the kernel; the model answers with the order
    // such a node would get, without touching the boot-time node_load[].
    return this.zonelists.get(nid) ?? this.buildZonelists(nid, new Map(this.nodeLoad));
  }

  /**
   * init_numa_topology_type(): NUMA_DIRECT when there are at most two distance levels (local and
   * one remote: every node one hop from every other). Otherwise take the first pair of CPU nodes
   * (in id order) that is sched_max_numa_distance apart: if some node is nearer than that to both,
   * traffic between them goes through it and the topology is a glueless mesh; if none is, the far
   * nodes sit on different boards of a backplane.
   */
  private initNumaTopologyType(): NumaTopologyType {
    const n = this.schedMaxNumaDistance;
    if (this.schedDomainsNumaLevels <= 2) return 'NUMA_DIRECT';
    for (const a of this.cpuNodes) {
      for (const b of this.cpuNodes) {
        // Find two nodes furthest removed from each other.
        if (this.nodeDistance(a, b) < n) continue;
        // Is there an intermediary node between a and b?
        for (const c of this.cpuNodes) {
          if (this.nodeDistance(a, c) < n && this.nodeDistance(b, c) < n) return 'NUMA_GLUELESS_MESH';
        }
        return 'NUMA_BACKPLANE';
      }
    }
    // The kernel's pr_err("Failed to find a NUMA topology type, defaulting to DIRECT").
    return 'NUMA_DIRECT';
  }

  /** find_numa_distance(): is `distance` one of the distances between CPU nodes (the local one always is)? */
  findNumaDistance(distance: number): boolean {
    if (distance === this.nodeDistance(0, 0)) return true;
    return this.schedDomainsNumaDistance.includes(distance);
  }

  /**
   * numa_nearest_node(node, N_CPU): `node` itself when it has CPUs (or is NUMA_NO_NODE), else the
   * CPU node at the smallest node_distance() from it, the lowest id among equals.
   */
  numaNearestNode(node: number): number {
    if (node === NUMA_NO_NODE || this.hasCpus(node)) return node;
    let minDist = Infinity;
    let minNode = node;
    for (const n of this.cpuNodes) {
      const dist = this.nodeDistance(node, n);
      if (dist < minDist) {
        minDist = dist;
        minNode = n;
      }
    }
    return minNode;
  }

  /**
   * build_zonelists(): the local node first, then find_next_best_node() until every node with
   * memory is in. The first node of each new distance step gets node_load[] += 1, so the next
   * node's list starts that step with another node of equal distance (round robin).
   */
  private buildZonelists(localNode: number, nodeLoad: Map<number, number>): number[] {
    const order: number[] = [];
    const used = new Set<number>();
    let prevNode = localNode;
    for (let node = this.findNextBestNode(localNode, used, nodeLoad); node >= 0; node = this.findNextBestNode(localNode, used, nodeLoad)) {
      if (this.nodeDistance(localNode, node) !== this.nodeDistance(localNode, prevNode)) nodeLoad.set(node, (nodeLoad.get(node) ?? 0) + 1);
      order.push(node);
      prevNode = node;
    }
    return order;
  }

  /**
   * find_next_best_node(): the local node if it has memory and is not used yet; else the unused
   * node with the smallest node_distance(), where a node below `node` costs one more ("prefer the
   * next node"), a node with CPUs PENALTY_FOR_NODE_WITH_CPUS more ("prefer headless nodes"), and
   * node_load[] breaks what is still equal; then the lowest id.
   */
  private findNextBestNode(node: number, used: Set<number>, nodeLoad: Map<number, number>): number {
    if (!used.has(node) && this.table.has(node)) {
      used.add(node);
      return node;
    }
    let minVal = Infinity;
    let bestNode = NUMA_NO_NODE;
    for (const n of this.nodeIds) {
      if (used.has(n)) continue;
      let val = this.nodeDistance(node, n);
      if (n < node) val += 1;
      if (this.hasCpus(n)) val += PENALTY_FOR_NODE_WITH_CPUS;
      val *= MAX_NUMNODES;
      val += nodeLoad.get(n) ?? 0;
      if (val < minVal) {
        minVal = val;
        bestNode = n;
      }
    }
    if (bestNode >= 0) used.add(bestNode);
    return bestNode;
  }
}
