/**
 * Simulator benchmark: simulated seconds per wall second for numa01 on 2 nodes × 4 GiB with
 * default scan settings (target ≥ 50× real time), a few other shapes, and peak memory.
 * Prints figures only. Run: npx tsx bench/sim.ts
 */
import { performance } from 'node:perf_hooks';
import { simulate } from '../src/sim';
import { median } from './stats';

const topology = {
  nodes: [
    { id: 0, cpus: [0, 1, 2, 3], memMiB: 4096 },
    { id: 1, cpus: [4, 5, 6, 7], memMiB: 4096 },
  ],
};

let peakRss = 0;
let peakHeap = 0;
const sample = () => {
  const m = process.memoryUsage();
  peakRss = Math.max(peakRss, m.rss);
  peakHeap = Math.max(peakHeap, m.heapUsed);
};

function run(label: string, kernel: string, workload: string, params: Record<string, number>, reps: number): void {
  const walls: number[] = [];
  let simulated = 0;
  let deltas: Record<string, number> = {};
  for (let i = 0; i < reps; i++) {
    sample();
    const t0 = performance.now();
    const r = simulate({ topology, kernel, workload, params }, { onProgress: sample });
    walls.push((performance.now() - t0) / 1000);
    sample();
    simulated = r.simulatedSeconds;
    deltas = r.deltas;
  }
  const wall = median(walls);
  console.log(
    `${label.padEnd(40)} ${kernel.padEnd(12)} simulated ${simulated.toFixed(1).padStart(6)} s  wall ${wall.toFixed(3)} s (median of ${reps})  ` +
      `${(simulated / wall).toFixed(0).padStart(5)}× real time  numa_pages_migrated=${deltas.numa_pages_migrated ?? 0} numa_hint_faults=${deltas.numa_hint_faults ?? 0} numa_pte_updates=${deltas.numa_pte_updates ?? 0}`,
  );
}

for (const kernel of ['linux-6.1', 'linux-6.12+']) run('numa01 2×3 GiB, 50 loops, THP (default)', kernel, 'numa01', {}, 5);
run('numa02 1 GiB, 800 loops, THP', 'linux-6.12+', 'numa02', {}, 5);
run('numa-touch 8 THPs, 8 s (ground-truth case e)', 'linux-6.12+', 'numa-touch', { thps: 8, secs: 8 }, 5);
run('numa01 2×1 GiB, 10 loops, base pages', 'linux-6.12+', 'numa01', { thp: 0, size_mib: 1024, loops: 10 }, 1);
sample();
console.log(`peak rss ${(peakRss / 2 ** 20).toFixed(0)} MiB, peak heapUsed ${(peakHeap / 2 ** 20).toFixed(0)} MiB (whole process, tsx included)`);
