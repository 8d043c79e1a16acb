/**
 * Simulator benchmark: simulated seconds per wall second (target ≥ 100× real time for every
 * spec, base pages included) on the shapes of real NUMA boxes, and the process's peak RSS
 * (target ≤ 400 MiB for the whole bench). Prints figures only.
 * Run: npm run bench -- sim [filter]   (filter: a substring of the spec labels)
 */
import { performance } from 'node:perf_hooks';
import { simulate } from '../src/sim';
import type { SimSpec } from '../src/sim';
import { median } from './stats';

function topology(nodes: number, cpusPerNode: number, memGiB: number): SimSpec['topology'] {
  return { nodes: Array.from({ length: nodes }, (_, id) => ({ id, cpus: Array.from({ length: cpusPerNode }, (_, c) => id * cpusPerNode + c), memMiB: memGiB * 1024 })) };
}

interface BenchSpec {
  label: string;
  kernel: string;
  workload: string;
  params: Record<string, number>;
  topology: SimSpec['topology'];
  reps: number;
}

const TWO_BY_4 = topology(2, 4, 4);
const SPECS: BenchSpec[] = [
  ...['linux-6.1', 'linux-6.12+'].map((kernel) => ({ label: 'numa01 2×3 GiB, 50 loops, THP (default), 2 nodes', kernel, workload: 'numa01', params: {}, topology: TWO_BY_4, reps: 5 })),
  { label: 'numa02 1 GiB, 800 loops, THP, 2 nodes', kernel: 'linux-6.12+', workload: 'numa02', params: {}, topology: TWO_BY_4, reps: 5 },
  { label: 'numa-touch 8 THPs, 8 s (ground-truth case e)', kernel: 'linux-6.12+', workload: 'numa-touch', params: { thps: 8, secs: 8 }, topology: TWO_BY_4, reps: 5 },
  { label: 'numa01 2×1 GiB, 10 loops, base pages, 2 nodes', kernel: 'linux-6.12+', workload: 'numa01', params: { thp: 0, size_mib: 1024, loops: 10 }, topology: TWO_BY_4, reps: 3 },
  { label: 'numa01 2×4 GiB, 50 loops, base pages, 2×8 GiB', kernel: 'linux-6.12+', workload: 'numa01', params: { thp: 0, size_mib: 4096 }, topology: topology(2, 4, 8), reps: 3 },
  { label: 'numa01 2×8 GiB, 50 loops, THP, 4×16 GiB', kernel: 'linux-6.12+', workload: 'numa01', params: { size_mib: 8192 }, topology: topology(4, 4, 16), reps: 3 },
  { label: 'numa01 2×8 GiB, 50 loops, base pages, 4×16 GiB', kernel: 'linux-6.12+', workload: 'numa01', params: { thp: 0, size_mib: 8192 }, topology: topology(4, 4, 16), reps: 3 },
  { label: 'numa02 8 GiB, 800 loops, THP, 8×8 GiB', kernel: 'linux-6.12+', workload: 'numa02', params: { size_mib: 8192 }, topology: topology(8, 4, 8), reps: 3 },
];

let peakRss = 0;
const sample = () => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
};

function run(s: BenchSpec): void {
  const walls: number[] = [];
  let simulated = 0;
  let deltas: Record<string, number> = {};
  let progressReports = 0;
  // One run more than timed: the first pays for the JIT's warm-up of every path the spec takes
  // (tens of ms, which a 5 s simulation notices); it is printed apart.
  for (let i = 0; i <= s.reps; i++) {
    sample();
    const t0 = performance.now();
    const r = simulate({ topology: s.topology, kernel: s.kernel, workload: s.workload, params: s.params }, { seed: 1, onProgress: () => (progressReports++, sample()) });
    walls.push((performance.now() - t0) / 1000);
    sample();
    simulated = r.simulatedSeconds;
    deltas = r.deltas;
  }
  const first = walls.shift()!;
  const wall = median(walls);
  const nodes = s.topology.nodes.length;
  console.log(
    `${s.label.padEnd(50)} ${s.kernel.padEnd(12)} ${String(nodes).padStart(2)} nodes  simulated ${simulated.toFixed(1).padStart(6)} s  wall ${wall.toFixed(3)} s (median of ${s.reps})  ` +
      `${(simulated / wall).toFixed(0).padStart(5)}× real time (first run ${first.toFixed(3)} s)  progress reports ${Math.round(progressReports / (s.reps + 1))}  ` +
      `numa_pages_migrated=${deltas.numa_pages_migrated ?? 0} numa_hint_faults=${deltas.numa_hint_faults ?? 0} numa_pte_updates=${deltas.numa_pte_updates ?? 0}`,
  );
}

const filter = process.argv[2];
for (const s of SPECS) if (!filter || s.label.includes(filter)) run(s);
sample();
// ru_maxrss is the kernel's own high-water mark for the process (KiB on Linux): it sees peaks
// between samples too.
const maxRss = process.resourceUsage().maxRSS * 1024;
console.log(`peak rss ${(Math.max(peakRss, maxRss) / 2 ** 20).toFixed(0)} MiB (getrusage ru_maxrss, whole process, tsx included)`);
