import type { ExecImageFacts } from './types';

const TRACE = '6.1.0-56 box, kprobes on change_prot_numa() (PTEs updated per VMA) and numa_migrate_prep() (each hint fault\'s address and VMA), numa-touch thps=1,2,4,8,16 secs=3';

/** thp-move exec'd on Debian 6.1, as the 6.1 box traced it. */
export const THP_MOVE_LINUX_6_1: ExecImageFacts = {
  binary: 'thp-move',
  kernel: 'linux-6.1',
  data: { value: { pages: 5, resident: 2, hot: 1 }, provenance: `${TRACE}: .data, 2 pages written, 1 of them again in the window (stdio)` },
  heap: { value: { pages: 34, resident: 3, hot: 2 }, provenance: `${TRACE}: bss + brk heap, the first 3 (TLS, stdio's buffer), 2 in use in the window` },
  stack: { value: { pages: 33, resident: 3, hot: 3 }, provenance: `${TRACE}: the main stack's top 3 (arguments, environment, main's frames), all in use` },
  stackArgsPages: { value: 2, provenance: `${TRACE}: of the stack's top 3, 2 hold what execve() wrote; 1 in 8 runs had execve() on the other node (sim.image_nodes)` },
  extraVmaPages: { value: 0, provenance: `${TRACE}: no VMA below .data` },
  arraysHeapOffset: { value: 3 * 4096 + 160, provenance: `${TRACE}: thps=8 faulted heap pages 3..11 and 15..19 (addrs and status) and updated 3..19 + 1` },
  fromNodeHeapPages: { value: 1, provenance: `${TRACE}: the arrays' pages + 1 updated in every run` },
  setupCpuMs: {
    value: { base: 12, perPage: 0.002, lo: 0.5, hi: 6 },
    provenance:
      '6.1 and 6.12 boxes (TCG): task_cpu_s − cpu_s of thp-move thps=8 measured 19.5–21 ms (the estimate: 20.2); the held-out runs measured 26–75 ms for thps=2 (estimate 14) and 51–226 ms for thps=32 (estimate 45); a real machine takes less. The forecast takes the estimate × 0.5 … × 6',
  },
};
