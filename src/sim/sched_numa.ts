/**
 * The task side of NUMA balancing (kernel/sched/fair.c): per-task fault statistics,
 * numa groups, task_numa_fault(), task_numa_placement() with preferred_group_nid() and
 * score_nearby_nodes() (where node distances matter: not on NUMA_DIRECT machines, see
 * topology.ts), update_task_scan_period(), task_scan_min/start/max() and task_tick_numa().
 *
 * Not modelled: the scheduler moving tasks (task_numa_migrate/numa_migrate_preferred only set
 * the preferred node here; tasks stay on their CPUs), and memory-tiering hot-page promotion
 * thresholds.
 */
import { LOCAL_DISTANCE } from '../shared/sim/distance';
import { ACTIVE_NODE_FRACTION, MAX_SCAN_WINDOW, MIB_PAGES, NUMA_NO_NODE, NUMA_PERIOD_SLOTS, NUMA_PERIOD_THRESHOLD } from './constants';
import type { Kernel } from './kernel';
import type { Mm, Vma } from './mm';

export const TNF_MIGRATED = 0x01;
export const TNF_NO_GROUP = 0x02;
export const TNF_SHARED = 0x04;
export const TNF_FAULT_LOCAL = 0x08;
export const TNF_MIGRATE_FAIL = 0x10;

/** cpu_pid_to_cpupid(): one number holding the CPU and the pid. */
export function cpuPidToCpupid(cpu: number, pid: number): number {
  return pid * 4096 + cpu;
}
export function cpupidToCpu(cpupid: number): number {
  return cpupid % 4096;
}
export function cpupidToPid(cpupid: number): number {
  return Math.floor(cpupid / 4096);
}
export function cpupidPidUnset(cpupid: number): boolean {
  return cpupid < 0;
}

export class NumaGroup {
  nrTasks = 0;
  /** faults[node][priv] (memory side), faultsCpu[node]. */
  faults: number[][];
  faultsCpu: number[];
  totalFaults = 0;
  maxFaultsCpu = 0;
  activeNodes = 1;
  constructor(
    readonly id: number,
    nrNodes: number,
  ) {
    this.faults = Array.from({ length: nrNodes }, () => [0, 0]);
    this.faultsCpu = new Array(nrNodes).fill(0);
  }
}

/** Where and how fast a task touches memory (the workload's access pattern). */
export interface AccessPattern {
  vma: Vma;
  /** Page offsets inside the VMA: [lo, hi). */
  lo: number;
  hi: number;
  /** Pages per ms. */
  rate: number;
  /** Offset (from lo) the sweep is at when it starts. */
  phase: number;
  /** ms: the sweep runs in [start, end). */
  start: number;
  end: number;
}

export class Task {
  nodeStamp = 0;
  /** ms */
  numaScanPeriod: number;
  numaScanPeriodMax = 0;
  numaScanSeq = 0;
  numaPreferredNid = NUMA_NO_NODE;
  /** [node][priv] memory-side and cpu-side faults, and their buffers. */
  faultsMem: number[][];
  faultsCpu: number[][];
  bufMem: number[][];
  bufCpu: number[][];
  /** p->total_numa_faults: the sum of faultsMem; a group's total_faults (group_weight()'s denominator) is built from its members'. */
  totalNumaFaults = 0;
  /** numa_faults_locality[remote, local, failed] */
  locality = [0, 0, 0];
  numaMigrateRetry = 0;
  numaPagesMigrated = 0;
  group: NumaGroup | null = null;
  access: AccessPattern[] = [];
  /** The task's CPU time starts here (it is CPU-bound from creation on). */
  runStart = 0;
  /** From this time on the task gets only `cpuShare` of its CPU (the measured window). */
  shareFrom = Infinity;
  cpuShare = 1;
  exitAt = Infinity;

  constructor(
    readonly pid: number,
    readonly mm: Mm,
    public cpu: number,
    k: Kernel,
  ) {
    const n = k.nodes.length;
    const mk = () => Array.from({ length: n }, () => [0, 0]);
    this.faultsMem = mk();
    this.faultsCpu = mk();
    this.bufMem = mk();
    this.bufCpu = mk();
    // init_numa_balancing(): p->numa_scan_period = sysctl_numa_balancing_scan_delay.
    this.numaScanPeriod = k.knobs.scanDelayMs;
  }

  nid(k: Kernel): number {
    return k.cpuNode.get(this.cpu) ?? 0;
  }

  /** CPU time (ms) this task had beyond the model's own time line (a measured per-thread clock). */
  runtimeOffset = 0;
  /** se.sum_exec_runtime in ms: all of the time until shareFrom, then cpuShare of it. */
  runtime(now: number): number {
    const base = now <= this.shareFrom ? Math.max(0, now - this.runStart) : Math.max(0, this.shareFrom - this.runStart) + (now - this.shareFrom) * this.cpuShare;
    return Math.max(0, base + this.runtimeOffset);
  }

  /**
   * init_numa_balancing() for a new thread (CLONE_VM): "stagger when scans start" by giving it a
   * node_stamp of min(task_scan_max(current), current->numa_scan_period * mm_users * NSEC_PER_MSEC)
   * + 2 ticks. The first operand is in ms, the second in ns and node_stamp is in ns, so on the
   * kernels modelled here the stagger is task_scan_max's value in *nanoseconds* — microseconds —
   * plus the two ticks.
   */
  staggerAsNewThread(k: Kernel, creator: Task, mmUsers: number): void {
    const maxMs = taskScanMax(k, creator);
    const delayNs = Math.min(maxMs, creator.numaScanPeriod * mmUsers * 1e6);
    this.nodeStamp = delayNs / 1e6 + 2 * (1000 / k.knobs.hz);
  }
}

/** All tasks of the simulated machine, by pid, plus mm_users. */
export class TaskSet {
  readonly byPid = new Map<number, Task>();
  private nextGroupId = 1;
  add(t: Task): void {
    this.byPid.set(t.pid, t);
  }
  mmUsers(mm: Mm): number {
    let n = 0;
    for (const t of this.byPid.values()) if (t.mm === mm) n++;
    return n;
  }
  newGroup(k: Kernel): NumaGroup {
    return new NumaGroup(this.nextGroupId++, k.nodes.length);
  }
}

/** task_nr_scan_windows(): RSS in units of scan_size. */
function taskNrScanWindows(k: Kernel, p: Task): number {
  const nrScanPages = k.knobs.scanSizeMb * MIB_PAGES;
  let rss = p.mm.rss();
  if (!rss) rss = nrScanPages;
  rss = Math.ceil(rss / nrScanPages) * nrScanPages;
  return rss / nrScanPages;
}

/** task_scan_min(): never scan more than MAX_SCAN_WINDOW MB/s. */
export function taskScanMin(k: Kernel, p: Task): number {
  const scanSize = k.knobs.scanSizeMb;
  let windows = 1;
  if (scanSize < MAX_SCAN_WINDOW) windows = Math.floor(MAX_SCAN_WINDOW / scanSize);
  const floor = Math.floor(1000 / windows);
  const scan = Math.floor(k.knobs.scanPeriodMinMs / taskNrScanWindows(k, p));
  return Math.max(floor, scan);
}

function groupShared(ng: NumaGroup): number {
  let s = 0;
  for (const f of ng.faults) s += f[0]!;
  return s;
}
function groupPriv(ng: NumaGroup): number {
  let s = 0;
  for (const f of ng.faults) s += f[1]!;
  return s;
}

/** task_scan_start(): the minimum, scaled by the share of shared faults in the group. */
export function taskScanStart(k: Kernel, p: Task): number {
  const smin = taskScanMin(k, p);
  let period = smin;
  const ng = p.group;
  if (ng) {
    const shared = groupShared(ng);
    const priv = groupPriv(ng);
    period *= ng.nrTasks;
    period *= shared + 1;
    period = Math.floor(period / (priv + shared + 1));
  }
  return Math.max(smin, period);
}

export function taskScanMax(k: Kernel, p: Task): number {
  const smin = taskScanMin(k, p);
  let smax = Math.floor(k.knobs.scanPeriodMaxMs / taskNrScanWindows(k, p));
  const ng = p.group;
  if (ng) {
    const shared = groupShared(ng);
    const priv = groupPriv(ng);
    let period = smax;
    period *= ng.nrTasks;
    period *= shared + 1;
    period = Math.floor(period / (priv + shared + 1));
    smax = Math.max(smax, period);
  }
  return Math.max(smin, smax);
}

/**
 * update_task_scan_period(): no local or shared faults, or a failed migration → scan half as
 * often (and push mm->numa_next_scan out); otherwise adjust by the private/local ratios.
 */
export function updateTaskScanPeriod(k: Kernel, p: Task, shared: number, priv: number): void {
  const remote = p.locality[0]!;
  const local = p.locality[1]!;
  if (local + shared === 0 || p.locality[2]) {
    p.numaScanPeriod = Math.min(p.numaScanPeriodMax, p.numaScanPeriod * 2);
    p.mm.numaNextScan = k.jiffies() + Math.floor((p.numaScanPeriod * k.knobs.hz) / 1000);
    return;
  }
  const periodSlot = Math.ceil(p.numaScanPeriod / NUMA_PERIOD_SLOTS);
  const lrRatio = Math.floor((local * NUMA_PERIOD_SLOTS) / (local + remote));
  const psRatio = Math.floor((priv * NUMA_PERIOD_SLOTS) / (priv + shared));
  let diff: number;
  if (psRatio >= NUMA_PERIOD_THRESHOLD) {
    // "Most memory accesses are local. There is no need to do fast NUMA scanning."
    let slot = psRatio - NUMA_PERIOD_THRESHOLD;
    if (!slot) slot = 1;
    diff = slot * periodSlot;
  } else if (lrRatio >= NUMA_PERIOD_THRESHOLD) {
    let slot = lrRatio - NUMA_PERIOD_THRESHOLD;
    if (!slot) slot = 1;
    diff = slot * periodSlot;
  } else {
    const ratio = Math.max(lrRatio, psRatio);
    diff = -(NUMA_PERIOD_THRESHOLD - ratio) * periodSlot;
  }
  p.numaScanPeriod = Math.min(Math.max(p.numaScanPeriod + diff, taskScanMin(k, p)), taskScanMax(k, p));
  p.locality = [0, 0, 0];
}

function updateActiveNodes(ng: NumaGroup): void {
  let max = 0;
  for (const f of ng.faultsCpu) max = Math.max(max, f);
  let active = 0;
  for (const f of ng.faultsCpu) if (f * ACTIVE_NODE_FRACTION > max) active++;
  ng.maxFaultsCpu = max;
  ng.activeNodes = Math.max(1, active);
}

/** task_faults(p, nid): the task's decayed memory-side faults on `nid`, shared and private. */
function taskFaults(p: Task, nid: number): number {
  const f = p.faultsMem[nid];
  return f ? f[0]! + f[1]! : 0;
}

/** group_faults(p, nid): the same for the task's numa group (0 without one). */
function groupFaults(p: Task, nid: number): number {
  const f = p.group?.faults[nid];
  return f ? f[0]! + f[1]! : 0;
}

/**
 * score_nearby_nodes(p, nid, lim_dist, task) (kernel/sched/fair.c): the faults on nodes near
 * `nid`, added to nid's own by task_weight()/group_weight() "on systems where not all nodes are
 * directly connected". Nothing on NUMA_DIRECT (every node one hop away: no node is nearer than
 * another). The furthest nodes (sched_max_numa_distance) never count. On a glueless mesh, a
 * node's faults count in proportion to how much nearer than the furthest it is; on a backplane,
 * only nodes nearer than `limDist` count, in full.
 */
export function scoreNearbyNodes(k: Kernel, p: Task, nid: number, limDist: number, task: boolean): number {
  const topo = k.topology;
  if (topo.schedNumaTopologyType === 'NUMA_DIRECT') return 0;
  const maxDist = topo.schedMaxNumaDistance;
  let score = 0;
  // for_each_online_node: "N^2 complexity, which should be OK given the number of nodes rarely exceeds 8".
  for (const node of topo.nodeIds) {
    const dist = k.nodeDistance(nid, node);
    // "The furthest away nodes in the system are not interesting for placement; nid was already counted."
    if (dist >= maxDist || node === nid) continue;
    // Backplane: "only nodes closer by than hoplimit are part of each group".
    if (topo.schedNumaTopologyType === 'NUMA_BACKPLANE' && dist >= limDist) continue;
    let faults = task ? taskFaults(p, node) : groupFaults(p, node);
    // Glueless mesh: "The further away a node is, the less the faults count" (unsigned long arithmetic).
    if (topo.schedNumaTopologyType === 'NUMA_GLUELESS_MESH') {
      faults *= maxDist - dist;
      faults = Math.floor(faults / (maxDist - LOCAL_DISTANCE));
    }
    score += faults;
  }
  return score;
}

/**
 * group_weight(p, nid, dist): the group's share (per mille) of its faults on `nid` and the nodes
 * near it. (task_weight(), the same for the task alone with score_nearby_nodes(task=true), is read
 * only by task_numa_migrate(), which the model does not run: tasks stay on their CPUs.)
 */
export function groupWeight(k: Kernel, p: Task, nid: number, dist: number): number {
  const ng = p.group;
  if (!ng) return 0;
  const totalFaults = ng.totalFaults;
  if (!totalFaults) return 0;
  const faults = groupFaults(p, nid) + scoreNearbyNodes(k, p, nid, dist, false);
  return Math.floor((1000 * faults) / totalFaults);
}

/**
 * preferred_group_nid(p, nid) (kernel/sched/fair.c): where a grouped task should run, "in a way
 * that produces consistent results with group_weight". NUMA_DIRECT: the node with the most group
 * faults (`nid`, unchanged). Glueless mesh: the CPU node with the highest group_weight() at
 * sched_max_numa_distance, so faults on neighbouring nodes pull the group toward the node between
 * them. Backplane: from the largest distance down, split the CPU nodes into groups of nodes nearer
 * than that distance to each other, keep the group with the most faults and search inside it; at
 * the smallest distance each group is one node, and the last winner is the answer.
 * 6.1 and 6.12 do the same (both walk N_CPU nodes: the CPU-less-node fix is 5.18).
 */
export function preferredGroupNid(k: Kernel, p: Task, nid: number): number {
  const topo = k.topology;
  // "Direct connections between all NUMA nodes."
  if (topo.schedNumaTopologyType === 'NUMA_DIRECT') return nid;
  if (topo.schedNumaTopologyType === 'NUMA_GLUELESS_MESH') {
    let maxScore = 0;
    let maxNode = nid;
    const dist = topo.schedMaxNumaDistance;
    for (const node of topo.cpuNodes) {
      const score = groupWeight(k, p, node, dist);
      if (score > maxScore) {
        maxScore = score;
        maxNode = node;
      }
    }
    return maxNode;
  }
  // NUMA_BACKPLANE: nodemask tricks. `nodes` shrinks while it is walked (for_each_node_mask reads
  // the mask as it goes), so a node taken into one group is not the seed of another.
  let nodes = new Set(topo.cpuNodes);
  for (let dist = topo.schedMaxNumaDistance; dist > LOCAL_DISTANCE; dist--) {
    let maxFaults = 0;
    let maxGroup = new Set<number>();
    // "Are there nodes at this distance from each other?"
    if (!topo.findNumaDistance(dist)) continue;
    for (const a of topo.cpuNodes) {
      if (!nodes.has(a)) continue;
      let faults = 0;
      const thisGroup = new Set<number>();
      // "Sum group's NUMA faults; includes a==b case."
      for (const b of topo.cpuNodes) {
        if (!nodes.has(b)) continue;
        if (k.nodeDistance(a, b) < dist) {
          faults += groupFaults(p, b);
          thisGroup.add(b);
          nodes.delete(b);
        }
      }
      // "Remember the top group."
      if (faults > maxFaults) {
        maxFaults = faults;
        maxGroup = thisGroup;
        // "subtle: at the smallest distance there is just one node left in each group, the winner is the preferred nid."
        nid = a;
      }
    }
    // "Next round, evaluate the nodes within max_group."
    if (!maxFaults) break;
    nodes = maxGroup;
  }
  return nid;
}

/** task_numa_placement(): fold the buffers (halving the old counts), pick the preferred node, rescale the period. */
export function taskNumaPlacement(k: Kernel, p: Task): void {
  const seq = p.mm.numaScanSeq;
  if (p.numaScanSeq === seq) return;
  p.numaScanSeq = seq;
  p.numaScanPeriodMax = taskScanMax(k, p);
  const faultTypes = [0, 0];
  const ng = p.group;
  let maxFaults = 0;
  let maxNid = NUMA_NO_NODE;
  for (let nid = 0; nid < p.faultsMem.length; nid++) {
    let faults = 0;
    let groupFaults = 0;
    for (let priv = 0; priv < 2; priv++) {
      const diff = p.bufMem[nid]![priv]! - Math.trunc(p.faultsMem[nid]![priv]! / 2);
      const fDiff = p.bufCpu[nid]![priv]! - Math.trunc(p.faultsCpu[nid]![priv]! / 2);
      faultTypes[priv]! += p.bufMem[nid]![priv]!;
      p.bufMem[nid]![priv] = 0;
      p.bufCpu[nid]![priv] = 0;
      p.faultsMem[nid]![priv]! += diff;
      p.faultsCpu[nid]![priv]! += fDiff;
      faults += p.faultsMem[nid]![priv]!;
      p.totalNumaFaults += diff;
      if (ng) {
        ng.faults[nid]![priv]! += diff;
        ng.faultsCpu[nid]! += fDiff;
        ng.totalFaults += diff;
        groupFaults += ng.faults[nid]![priv]!;
      }
    }
    const f = ng ? groupFaults : faults;
    if (f > maxFaults) {
      maxFaults = f;
      maxNid = nid;
    }
  }
  // "Cannot migrate task to CPU-less node": the nearest node with CPUs by node_distance()
  // (numa_nearest_node(max_nid, N_CPU) in 6.7+, the same loop open-coded in 6.1).
  maxNid = k.topology.numaNearestNode(maxNid);
  if (ng) {
    updateActiveNodes(ng);
    // A group's node is chosen with its neighbours' faults where not all nodes are one hop apart.
    maxNid = preferredGroupNid(k, p, maxNid);
  }
  if (maxFaults && maxNid !== p.numaPreferredNid) p.numaPreferredNid = maxNid;
  updateTaskScanPeriod(k, p, faultTypes[0]!, faultTypes[1]!);
}

/**
 * task_numa_group(): a shared fault on memory last touched by another running task joins the
 * bigger group; threads of one process always join. Returns the (possibly updated) priv.
 */
function taskNumaGroup(k: Kernel, tasks: TaskSet, p: Task, cpupid: number, flags: number, priv: number): number {
  if (!p.group) {
    p.group = tasks.newGroup(k);
    p.group.nrTasks = 1;
    p.group.totalFaults = p.totalNumaFaults;
    for (let n = 0; n < p.faultsMem.length; n++) {
      for (let q = 0; q < 2; q++) p.group.faults[n]![q]! += p.faultsMem[n]![q]!;
      p.group.faultsCpu[n]! += p.faultsCpu[n]![0]! + p.faultsCpu[n]![1]!;
    }
  }
  const tsk = tasks.byPid.get(cpupidToPid(cpupid));
  // The task must still be running on that CPU (cpu_rq(cpu)->curr).
  if (!tsk || tsk.cpu !== cpupidToCpu(cpupid)) return priv;
  const grp = tsk.group;
  const my = p.group;
  if (!grp || grp === my) return priv;
  if (my.nrTasks > grp.nrTasks) return priv;
  if (my.nrTasks === grp.nrTasks && my.id > grp.id) return priv;
  let join = false;
  if (tsk.mm === p.mm) join = true;
  if (flags & TNF_SHARED) join = true;
  priv = join ? 0 : 1;
  if (!join) return priv;
  for (let n = 0; n < p.faultsMem.length; n++) {
    for (let q = 0; q < 2; q++) {
      my.faults[n]![q]! -= p.faultsMem[n]![q]!;
      grp.faults[n]![q]! += p.faultsMem[n]![q]!;
    }
    const c = p.faultsCpu[n]![0]! + p.faultsCpu[n]![1]!;
    my.faultsCpu[n]! -= c;
    grp.faultsCpu[n]! += c;
  }
  my.totalFaults -= p.totalNumaFaults;
  grp.totalFaults += p.totalNumaFaults;
  my.nrTasks--;
  grp.nrTasks++;
  p.group = grp;
  return priv;
}

function numaIsActiveNode(ng: NumaGroup, nid: number): boolean {
  return ng.faultsCpu[nid]! * ACTIVE_NODE_FRACTION > ng.maxFaultsCpu;
}

/** task_numa_fault(last_cpupid, mem_node, pages, flags). */
export function taskNumaFault(k: Kernel, tasks: TaskSet, p: Task, lastCpupid: number, memNode: number, pages: number, flags: number): void {
  if (!(k.knobs.numaBalancing & 1)) return;
  const cpuNode = p.nid(k);
  let local = flags & TNF_FAULT_LOCAL ? 1 : 0;
  let priv: number;
  // "First accesses are treated as private, otherwise consider accesses to be private if the
  // accessing pid has not changed."
  if (cpupidPidUnset(lastCpupid)) priv = 1;
  else {
    priv = cpupidToPid(lastCpupid) === p.pid ? 1 : 0;
    if (!priv && !(flags & TNF_NO_GROUP)) priv = taskNumaGroup(k, tasks, p, lastCpupid, flags, priv);
  }
  const ng = p.group;
  if (!priv && !local && ng && ng.activeNodes > 1 && numaIsActiveNode(ng, cpuNode) && numaIsActiveNode(ng, memNode)) local = 1;
  // "Retry to migrate task to preferred node periodically."
  if (k.jiffies() > p.numaMigrateRetry) {
    taskNumaPlacement(k, p);
    if (p.numaPreferredNid !== NUMA_NO_NODE) {
      const interval = Math.min(k.knobs.hz, Math.floor((p.numaScanPeriod * k.knobs.hz) / 1000 / 16));
      p.numaMigrateRetry = k.jiffies() + interval;
    }
  }
  if (flags & TNF_MIGRATED) p.numaPagesMigrated += pages;
  if (flags & TNF_MIGRATE_FAIL) p.locality[2]! += pages;
  p.bufMem[memNode]![priv]! += pages;
  p.bufCpu[cpuNode]![priv]! += pages;
  p.locality[local]! += pages;
}

/**
 * task_tick_numa(): driven by the task's CPU time. Each time it passes node_stamp + period the
 * stamp advances one period, and task_numa_work() is queued if mm->numa_next_scan has come.
 * Returns true when task_numa_work() should run now.
 */
export function taskTickNuma(k: Kernel, p: Task, now: number): boolean {
  const runtime = p.runtime(now);
  const period = p.numaScanPeriod;
  if (runtime > p.nodeStamp + period) {
    if (!p.nodeStamp) p.numaScanPeriod = taskScanStart(k, p);
    p.nodeStamp += period;
    if (k.jiffies(now) >= (p.mm.numaNextScan ?? 0)) return true;
  }
  return false;
}
