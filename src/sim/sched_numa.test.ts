/**
 * task_numa_placement() where node distances matter: a numa group's preferred node comes from
 * preferred_group_nid(), which on a machine that is not NUMA_DIRECT counts the faults on nearby
 * nodes (score_nearby_nodes() through group_weight(), or the backplane's node groups).
 */
import { describe, expect, it } from 'vitest';
import { BOARDS, RING4 } from './test_helpers';
import { Kernel } from './kernel';
import { normalizeKnobs } from './knobs';
import { Mm } from './mm';
import { Task, TaskSet, taskNumaPlacement } from './sched_numa';
import { VARIANTS } from './variants';

/** One task on CPU 0 (node 0) whose last scan window saw `faults[nid]` private faults, in a numa group or alone. */
function placed(faults: number[], distance?: number[][], opts: { group?: boolean; cpuless?: number[] } = {}): number {
  const topology = faults.map((_, id) => ({ id, cpus: opts.cpuless?.includes(id) ? [] : [id], memMiB: 1024 }));
  const k = new Kernel(VARIANTS['linux-6.12+'], normalizeKnobs({ 'numa.balancing': 1 }), topology, distance);
  const tasks = new TaskSet();
  const p = new Task(1, new Mm(1), 0, k);
  tasks.add(p);
  if (opts.group ?? true) {
    p.group = tasks.newGroup(k);
    p.group.nrTasks = 1;
  }
  faults.forEach((f, nid) => (p.bufMem[nid]![1] = f));
  p.bufCpu[0]![1] = faults.reduce((a, b) => a + b, 0);
  p.mm.numaScanSeq = 1;
  taskNumaPlacement(k, p);
  return p.numaPreferredNid;
}

describe('task_numa_placement() with node distances', () => {
  // Node 0 has the most faults of its own, node 3 the most counting its neighbours (0 and 2 at 16):
  // group_weight() = own + half of each neighbour's ((22-16)/(22-10)), the far node not at all:
  // node 0: 100 + 90/2 = 145, node 3: 90 + 100/2 + 90/2 = 185.
  const faults = [100, 0, 90, 90];

  it('NUMA_DIRECT (the default distances): the node with the most group faults', () => {
    expect(placed(faults)).toBe(0);
    expect(placed(faults, [
      [10, 20, 20, 20],
      [20, 10, 20, 20],
      [20, 20, 10, 20],
      [20, 20, 20, 10],
    ])).toBe(0);
  });

  it('glueless mesh (a 4-node ring): preferred_group_nid() picks the node whose neighbours fault most', () => {
    expect(placed(faults, RING4)).toBe(3);
  });

  it('a task without a group keeps the node with the most faults: task_numa_placement() scores nearby nodes only through preferred_group_nid()', () => {
    expect(placed(faults, RING4, { group: false })).toBe(0);
  });

  it('backplane: the board with the most faults wins, then its best node', () => {
    // Board {0,1} has 60 faults, board {2,3} has 80: node 2 (first of the tie on that board), not node 0.
    expect(placed([60, 0, 40, 40], BOARDS)).toBe(2);
    expect(placed([60, 0, 40, 40])).toBe(0);
  });

  it('never prefers a node without CPUs: the nearest CPU node by distance instead (numa_nearest_node)', () => {
    const tier = [
      [10, 20, 40],
      [20, 10, 25],
      [40, 25, 10],
    ];
    expect(placed([10, 0, 50], tier, { group: false, cpuless: [2] })).toBe(1);
    // Without a matrix the CPU nodes are equally far: the lowest id.
    expect(placed([10, 0, 50], undefined, { group: false, cpuless: [2] })).toBe(0);
  });
});
