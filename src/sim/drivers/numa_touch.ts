/**
 * numa-touch: the region set-up on node `from`, then with NUMA balancing on the process moves
 * to a CPU of node `to` and touches every mapped page for `secs` seconds.
 *
 * Scan timing (kernel/sched/fair.c), which fixes how many scans fall in the window: the task is
 * CPU-bound from its exec (t = 0), so task_tick_numa() first fires when its CPU time passes
 * scan_delay (1 s). That first task_numa_work() finds mm->numa_next_scan still 0 and only arms it
 * (now + scan_delay). The next tick check, one period later (2 s of CPU time), scans: numa_next_scan
 * = now + period, node_stamp += 2 ticks. The first hint fault after each full pass runs
 * task_numa_placement(): with no local and no shared faults yet, update_task_scan_period()
 * doubles the period (1 → 2 → 4 s). So scans come at 2.0, 4.008 and 8.016 s of the task's CPU
 * time (checked with kprobes on the 6.1 box). The third lands at the very end of an 8 s window:
 * whether it is in depends on the CPU time the process used before the window (exec, set-up,
 * smaps: ≈20 ms for thps=8 on the box) and on the share of the window it got (a sampler on the
 * same CPU takes ~0.5 %) — the ground truth saw 3 scans, the lab's runs mostly 2. Both are
 * model inputs (sim.prewindow_cpu_ms, sim.cpu_share) that experiments calibrate per run.
 */
import { BalancingEngine } from '../balancing';
import { Mm } from '../mm';
import { Task, TaskSet } from '../sched_numa';
import type { DriverCtx } from './context';
import { cpusOfNode } from './context';
import { mapExecImage, mapMovePagesArrays } from '../process_image';
import { setupDurationMs, setupRegions, unmappedSubpages } from './region_setup';
import { HPAGE_PMD_NR } from '../constants';

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
  const setupEnd = k.knobs.prewindowCpuMs ?? setupDurationMs(k, Number(params.thps));
  const end = setupEnd + Number(params.secs) * 1000;
  // Faulted at exec, before the lab's first snapshot: in no phase. Where: the nodes exec and the
  // scheduler put them on (the workload reports them; `from` when not told).
  const nrAddrs = Number(params.thps) * (HPAGE_PMD_NR - unmappedSubpages(Number(params.unmap ?? 0)));
  const image = mapExecImage(k, mm, k.knobs.imageNodes ?? { args: from, frame: from, data: from, tls: from }, nrAddrs);
  task.access.push(...image.touches(end));
  ctx.phase('setup');
  const regions = setupRegions(k, mm, from, params, ctx.opts);
  task.access.push(...mapMovePagesArrays(k, image, from, nrAddrs, end));
  const engine = new BalancingEngine(k, { tasks, slowNodes: ctx.slowNodes }, [task], ctx.sampler, { batch: ctx.opts.batchFaults !== false });
  engine.run(0, setupEnd, { signal: ctx.opts.signal });
  ctx.phase('migrate');
  // sched_setaffinity() to a CPU of `to`, then the touch loop.
  task.cpu = cpusOfNode(k, to)[0]!;
  task.shareFrom = setupEnd;
  task.cpuShare = k.knobs.cpuShare;
  task.access.push(
    {
      vma: regions.vma,
      lo: 0,
      hi: regions.vma.nrPages,
      rate: k.knobs.touchPagesPerSec / 1000,
      phase: 0,
      start: setupEnd,
      end,
    },
  );
  task.exitAt = end;
  engine.run(setupEnd, end, {
    signal: ctx.opts.signal,
    onProgress: (f) => ctx.opts.onProgress?.({ phase: 'migrate', fraction: f }),
  });
}
