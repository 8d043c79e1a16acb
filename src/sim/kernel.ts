import { Folio } from './folio';
import type { SimKnobs } from './knobs';
import type { KernelVariant } from './variants';
import type { Behaviours } from '../shared/sim/behaviours';
import { imageFacts, type ImageFacts } from './facts';
import { Vmstat } from './vmstat';
import type { MigrateMode, MigrateReason } from './constants';
import { MIB_PAGES } from './constants';
import { NumaTopology } from './topology';

export interface TopologyNode {
  id: number;
  cpus: number[];
  memMiB: number;
}

/** One `migrate:mm_migrate_pages` tracepoint record (the vmstat deltas of one migrate_pages() call). */
/** A type, not an interface: it is stored where any record of fields is (the outcome's JSON). */
export type MigrateTrace = {
  t: number;
  succeeded: number;
  failed: number;
  thp_succeeded: number;
  thp_failed: number;
  thp_split: number;
  /** nr_split; null on kernels whose tracepoint lacks the field (6.1). */
  large_folio_split: number | null;
  mode: MigrateMode;
  reason: MigrateReason;
  /** migrate_pages()'s return value. */
  rc: number;
};

export interface SimEvent {
  t: number;
  kind: string;
  message: string;
  data?: Record<string, unknown>;
}

/** A BUG()/BUG_ON() the model hit: the kernel would oops here and kill the task. */
export class KernelBug extends Error {
  constructor(
    readonly where: string,
    readonly condition: string,
    readonly reason: string,
  ) {
    super(`kernel BUG at ${where}: ${condition} in ${reason}`);
  }
}

/** Thrown out of the simulation loops when the caller cancels. */
export class SimCancelled extends Error {
  constructor() {
    super('simulation cancelled');
  }
}

export interface NodeMemory {
  id: number;
  totalPages: number;
  freePages: number;
  /** Approximations of the zone watermarks (min_free_kbytes = sqrt(lowmem_kb * 16) split by node size). */
  wmarkMin: number;
  wmarkHigh: number;
}

/** The whole simulated machine: memory, counters, variant and knobs, clock, trace and events. */
export class Kernel {
  readonly vmstat = new Vmstat();
  readonly nodes: NodeMemory[];
  readonly cpuNode = new Map<number, number>();
  readonly trace: MigrateTrace[] = [];
  readonly events: SimEvent[] = [];
  /** pgdat->deferred_split_queue, per node (and memcg-less). */
  readonly deferredSplitQueue: Set<Folio>[];
  /** Simulated time in ms. */
  now = 0;
  /** The trace keeps the first `traceLimit` calls; later ones are only counted here. */
  traceDropped = 0;
  traceLimit = 20000;
  private nextFolioId = 1;
  /** What the lab's own workload binaries map on this kernel (facts/), as the box traced it. */
  readonly facts: ImageFacts;
  /** The kernel's behaviour switches (shared/sim/behaviours.ts), read where the kernels differ. */
  readonly behaviours: Behaviours;

  /** node_distance() and what the kernel derives from it at boot: zonelists, the scheduler's NUMA topology type. */
  readonly topology: NumaTopology;

  /** `distance`: node_distance() rows in the order of `topology` (absent: 10 local, 20 remote). */
  constructor(
    readonly variant: KernelVariant,
    readonly knobs: SimKnobs,
    topology: TopologyNode[],
    distance?: readonly (readonly number[])[],
  ) {
    this.topology = new NumaTopology(topology, distance);
    this.facts = imageFacts(variant.base);
    this.behaviours = variant.behaviours;
    let totalKb = 0;
    for (const n of topology) totalKb += n.memMiB * 1024;
    const minFreeKb = Math.min(65536, Math.max(128, Math.floor(Math.sqrt(totalKb * 16))));
    this.nodes = [];
    const maxId = Math.max(...topology.map((n) => n.id));
    this.deferredSplitQueue = Array.from({ length: maxId + 1 }, () => new Set<Folio>());
    for (const n of topology) {
      const total = Math.floor(n.memMiB * MIB_PAGES);
      const reserved = Math.min(total, Math.floor(knobs.reservedMibPerNode * MIB_PAGES));
      const min = Math.ceil(((minFreeKb / 4) * (n.memMiB * 1024)) / Math.max(1, totalKb));
      this.nodes[n.id] = { id: n.id, totalPages: total, freePages: total - reserved, wmarkMin: min, wmarkHigh: Math.ceil(min * 1.5) };
      for (const c of n.cpus) this.cpuNode.set(c, n.id);
    }
  }

  recordTrace(t: MigrateTrace): void {
    if (this.trace.length < this.traceLimit) this.trace.push(t);
    else this.traceDropped++;
  }

  newFolio(order: number, nid: number): Folio {
    return new Folio(this.nextFolioId++, order, nid);
  }

  /** The ids n newFolio() calls would have taken (folio views the batched paths do not build). */
  skipFolioIds(n: number): void {
    this.nextFolioId += n;
  }

  nodeIds(): number[] {
    return this.nodes.map((n, i) => (n ? i : -1)).filter((i) => i >= 0);
  }

  node(nid: number): NodeMemory {
    const n = this.nodes[nid];
    if (!n) throw new Error(`node ${nid} does not exist in the topology`);
    return n;
  }

  /**
   * Allocate 2^order pages. `preferred` is the policy's node; `local` the allocating CPU's node
   * (numa_node_id()); `thisNode` = __GFP_THISNODE (migration targets). Counts zone_statistics()
   * once per call: numa_hit or numa_miss+numa_foreign, numa_local or numa_other.
   * Returns the node or -1.
   */
  allocPages(order: number, preferred: number, local: number, thisNode: boolean): number {
    const nr = 1 << order;
    const order_ = thisNode ? [preferred] : this.zonelist(preferred);
    for (const nid of order_) {
      const n = this.nodes[nid];
      if (!n) continue;
      if (n.freePages - nr < n.wmarkMin) continue;
      n.freePages -= nr;
      this.zoneStatistics(preferred, nid, local);
      return nid;
    }
    return -1;
  }

  /**
   * n order-0 allocations on `nid` with __GFP_THISNODE, every one succeeding: the caller has made
   * sure the node stays above its watermark. Counts zone_statistics() once per page, as n calls do.
   */
  allocPagesBulk(n: number, nid: number, local: number): void {
    const node = this.node(nid);
    if (node.freePages - n < node.wmarkMin) throw new Error(`node ${nid}: ${n} pages do not fit above the min watermark (a batched path without its check)`);
    node.freePages -= n;
    this.vmstat.count('numa_hit', n);
    this.vmstat.count(nid === local ? 'numa_local' : 'numa_other', n);
  }

  freePages(nid: number, nr: number): void {
    const n = this.node(nid);
    n.freePages += nr;
    if (n.freePages > n.totalPages) throw new Error(`node ${nid}: more pages freed than exist (a page freed twice)`);
  }

  /** node_distance(a, b): the firmware's (SLIT) distance, 10 for a node to itself. */
  nodeDistance(a: number, b: number): number {
    return this.topology.nodeDistance(a, b);
  }

  /**
   * The fallback order of `nid`'s zonelist: build_zonelists() → find_next_best_node() at boot,
   * nodes by node_distance() from `nid` (topology.ts has the tie-breaks). On two nodes it is
   * [nid, the other].
   */
  zonelist(nid: number): readonly number[] {
    return this.topology.zonelist(nid);
  }

  private zoneStatistics(preferred: number, z: number, local: number): void {
    if (z === preferred) this.vmstat.count('numa_hit');
    else {
      this.vmstat.count('numa_miss');
      this.vmstat.count('numa_foreign');
    }
    this.vmstat.count(z === local ? 'numa_local' : 'numa_other');
  }

  /** migrate_balanced_pgdat(): the target keeps its high watermark after taking nr pages. */
  migrateBalancedPgdat(nid: number, nr: number): boolean {
    const n = this.node(nid);
    return n.freePages - nr >= n.wmarkHigh;
  }

  jiffies(tMs = this.now): number {
    return Math.floor((tMs * this.knobs.hz) / 1000 + 1e-9);
  }

  msFromJiffies(j: number): number {
    return (j * 1000) / this.knobs.hz;
  }

  /** Events beyond `eventLimit` are counted, not kept (a long run can split many THPs). */
  eventsDropped = 0;
  eventLimit = 5000;

  event(kind: string, message: string, data?: Record<string, unknown>): void {
    if (this.events.length >= this.eventLimit && kind !== 'bug' && kind !== 'phase') {
      this.eventsDropped++;
      return;
    }
    this.events.push({ t: this.now / 1000, kind, message, ...(data ? { data } : {}) });
  }
}
