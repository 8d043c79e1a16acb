import type { ForkedChildFacts } from './types';
import { NUMA01_LINUX_6_1 } from './numa01.linux-6.1';

const TRACE = '6.12.117 box, kprobes on change_prot_numa() and numa_migrate_check(), numa02 size_mib=256';

/** A numa01/numa02 child (forked, no exec) on Debian 6.12. */
export const NUMA01_LINUX_6_12: ForkedChildFacts = {
  ...NUMA01_LINUX_6_1,
  kernel: 'linux-6.12+',
  data: { ...NUMA01_LINUX_6_1.data, provenance: 'assumed as traced on the 6.1 box (6.12 numa02 updated 10 base pages outside the region per scan: 6.1\'s 6 plus the 2 thread stacks\' 2 and the extra VMA\'s 2)' },
  stack: { ...NUMA01_LINUX_6_1.stack, provenance: 'assumed as traced on the 6.1 box' },
  mainEndPages: { value: 2, provenance: `${TRACE}: heap and .data written once more after pthread_join(), on the child's own node, at the window's end` },
  extraVmaPages: { value: 3, provenance: `${TRACE}: the 3-page VMA below .data an exec'd static binary has on 6.12` },
  extraVmaWritten: { value: 2, provenance: `${TRACE}: pages 0 and 1 of it faulted (61450 PTE updates and 127 hint faults in every run, 61448 and 125 without them)` },
  threadStackWritten: { value: 2, provenance: `${TRACE}: the TCB/TLS page at the top and the frames below it` },
  threadStackHot: { value: 1, provenance: `${TRACE}: one hint fault per thread stack, at its top page` },
};
