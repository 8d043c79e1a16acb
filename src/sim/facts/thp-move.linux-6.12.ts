import type { ExecImageFacts } from './types';
import { THP_MOVE_LINUX_6_1 } from './thp-move.linux-6.1';

const SAME = 'assumed as traced on the 6.1 box (the 6.12 runs match it: numa-touch per-run replays within 3 pages)';

/** thp-move exec'd on Debian 6.12: 6.1's image plus one small VMA below .data. */
export const THP_MOVE_LINUX_6_12: ExecImageFacts = {
  ...THP_MOVE_LINUX_6_1,
  kernel: 'linux-6.12+',
  data: { ...THP_MOVE_LINUX_6_1.data, provenance: SAME },
  heap: { ...THP_MOVE_LINUX_6_1.heap, provenance: SAME },
  stack: { ...THP_MOVE_LINUX_6_1.stack, provenance: SAME },
  stackArgsPages: { ...THP_MOVE_LINUX_6_1.stackArgsPages, provenance: SAME },
  arraysHeapOffset: { ...THP_MOVE_LINUX_6_1.arraysHeapOffset, provenance: SAME },
  fromNodeHeapPages: { ...THP_MOVE_LINUX_6_1.fromNodeHeapPages, provenance: SAME },
  extraVmaPages: {
    value: 3,
    provenance:
      '6.12.117 box, kprobes on change_prot_numa() and numa_migrate_check(): a 3-page anonymous VMA below .data that 6.1 does not have, all 3 pages written at start-up and used in the window (cause not identified; a candidate is binfmt_elf\'s bss/brk rework in 6.7, untested on 6.3–6.11)',
  },
};
