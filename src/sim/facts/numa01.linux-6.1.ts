import type { ForkedChildFacts } from './types';

const TRACE = '6.1.0-56 box, kprobes on change_prot_numa() per VMA, numa02 size_mib=256';

/** A numa01/numa02 child (forked, no exec) on Debian 6.1. */
export const NUMA01_LINUX_6_1: ForkedChildFacts = {
  binary: 'numa01',
  kernel: 'linux-6.1',
  data: { value: { pages: 40, resident: 4, hot: 1 }, provenance: `${TRACE}: .data/bss 6 pages and the brk heap 34, one VMA here; 6 base pages outside the region updated per scan, thread stacks 2 each` },
  stack: { value: { pages: 33, resident: 1 }, provenance: `${TRACE}: the main stack's top page` },
  mainEndPages: { value: 2, provenance: 'traced on the 6.12 box (numa02, kprobes on numa_migrate_check()): heap and .data written once more after pthread_join(); assumed the same on 6.1' },
  extraVmaPages: { value: 0, provenance: `${TRACE}: no VMA below .data` },
  extraVmaWritten: { value: 0, provenance: 'no extra VMA on 6.1' },
  threadStackWritten: { value: 2, provenance: 'traced on the 6.12 box (numa02): the TCB/TLS page at the top and the frames below it; assumed the same on 6.1' },
  threadStackHot: { value: 1, provenance: 'traced on the 6.12 box (numa02): one hint fault per thread stack, at its top page; assumed the same on 6.1' },
};
