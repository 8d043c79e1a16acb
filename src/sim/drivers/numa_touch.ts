/**
 * numa-touch: the region set-up on node `from`, then with NUMA balancing on the process moves
 * to a CPU of node `to` and touches every mapped page for `secs` seconds.
 *
 * Scan timing (kernel/sched/fair.c), which fixes how many scans fall in the window: the task is
 * CPU-bound from its creation (t = 0), so task_tick_numa() first fires when its runtime passes
 * scan_delay (1 s); task_numa_work() then sets numa_next_scan = now + numa_scan_period and adds
 * two ticks to node_stamp. The first hint fault after each full pass runs task_numa_placement():
 * with no local and no shared faults recorded yet, update_task_scan_period() doubles the period
 * (1 s → 2 s → 4 s) and pushes numa_next_scan out; once local private faults exist it grows by
 * 30%. With the defaults this gives scans at ≈1.0, 3.0 and 7.0 s: three scans in an 8 s window,
 * as the ground truth's 24 numa_huge_pte_updates for 8 THPs show.
 */
import { BalancingEngine } from '../balancing';
import { Mm } from '../mm';
import { Task, TaskSet } from '../sched_numa';
import type { DriverCtx } from './context';
import { cpusOfNode } from './context';
import { setupDurationMs, setupRegions } from './region_setup';

export function runNumaTouch(ctx: DriverCtx): void {
  const { k, params } = ctx;
  const from = Number(params.from);
  const to = Number(params.to);
  const mm = new Mm(1);
  ctx.mms.push(mm);
  const tasks = new TaskSet();
  const task = new Task(1000, mm, cpusOfNode(k, from)[0]!, k);
  task.runStart = 0;
  tasks.add(task);
  ctx.phase('setup');
  const regions = setupRegions(k, mm, from, params, ctx.opts);
  const setupEnd = setupDurationMs(regions.thps);
  const engine = new BalancingEngine(k, { tasks, slowNodes: ctx.slowNodes }, [task], ctx.sampler);
  engine.run(0, setupEnd, { signal: ctx.opts.signal });
  ctx.phase('migrate');
  // sched_setaffinity() to a CPU of `to`, then the touch loop.
  task.cpu = cpusOfNode(k, to)[0]!;
  const end = setupEnd + Number(params.secs) * 1000;
  task.access = [
    {
      vma: regions.vma,
      lo: 0,
      hi: regions.vma.nrPages,
      rate: k.knobs.touchPagesPerSec / 1000,
      phase: 0,
      start: setupEnd,
      end,
    },
  ];
  task.exitAt = end;
  engine.run(setupEnd, end, {
    signal: ctx.opts.signal,
    onProgress: (f) => ctx.opts.onProgress?.({ phase: 'migrate', fraction: f }),
  });
}
