import type { Folio } from './folio';
import { HPAGE_PMD_NR } from './constants';

/** PTE kinds in a PteTable. */
export const PTE_NONE = 0;
/** Maps a base page whose node is in `nid[i]`. */
export const PTE_PAGE = 1;
/** Maps subpage i of the table's large folio. */
export const PTE_LARGE = 2;
/** Maps the shared zero page. */
export const PTE_ZERO = 3;

/** Bytes of one table's arrays: cpupid (4), nid (2), kind, protnone, zero, isolated (1 each). */
const TABLE_BYTES = HPAGE_PMD_NR * (4 + 2 + 4);
const TABLES_PER_SLAB = 64;
let slab: ArrayBuffer | null = null;
let slabUsed = TABLES_PER_SLAB;

/** Room for one more table's arrays; a slab is freed when the last table in it is. */
function slabSlot(): { buf: ArrayBuffer; at: number } {
  if (!slab || slabUsed === TABLES_PER_SLAB) {
    slab = new ArrayBuffer(TABLE_BYTES * TABLES_PER_SLAB);
    slabUsed = 0;
  }
  return { buf: slab, at: TABLE_BYTES * slabUsed++ };
}

/**
 * One page-table page (512 PTEs). Base pages are kept as array entries: node, last_cpupid,
 * contents-zero and isolation flags; the `large` folio is the (single) large folio whose
 * subpages the PTE_LARGE entries map.
 *
 * What stays per page, and why: a page's node and its last_cpupid. The two-stage filter in
 * should_numa_migrate_memory() reads each page's own last_cpupid, and threads that sweep the same
 * memory leave neighbouring pages with different ones, so that state cannot be folded. Everything
 * that walks these arrays does it as the kernel's batched walks do, an extent at a time: the scan
 * makes runs of PTEs prot-none (numa_scan.ts, ProtNoneRun), the hint-fault engine takes the runs
 * of identical pages in one step (balancing.ts, numa_fault_batch.ts), and a first touch allocates
 * a table's missing pages at once (fault.ts). So the work per scan, fault window or first touch
 * grows with the number of extents, plus one typed-array sweep (fill, compare) over their pages.
 */
export class PteTable {
  readonly kind: Uint8Array;
  readonly nid: Int16Array;
  readonly cpupid: Int32Array;
  readonly protnone: Uint8Array;
  readonly zero: Uint8Array;
  readonly isolated: Uint8Array;
  large: Folio | null = null;
  /** Node the page-table page itself was allocated on. */
  constructor(readonly tableNid: number) {
    // Views into a slab shared by TABLES_PER_SLAB tables: a base-page workload of many GiB has
    // thousands of tables, and one ArrayBuffer each costs more than the rest of its set-up.
    const { buf, at } = slabSlot();
    this.cpupid = new Int32Array(buf, at, HPAGE_PMD_NR).fill(-1);
    this.nid = new Int16Array(buf, at + HPAGE_PMD_NR * 4, HPAGE_PMD_NR);
    const bytes = at + HPAGE_PMD_NR * 6;
    this.kind = new Uint8Array(buf, bytes, HPAGE_PMD_NR);
    this.protnone = new Uint8Array(buf, bytes + HPAGE_PMD_NR, HPAGE_PMD_NR);
    this.zero = new Uint8Array(buf, bytes + HPAGE_PMD_NR * 2, HPAGE_PMD_NR);
    this.isolated = new Uint8Array(buf, bytes + HPAGE_PMD_NR * 3, HPAGE_PMD_NR);
  }

  mappedCount(): number {
    let n = 0;
    for (let i = 0; i < HPAGE_PMD_NR; i++) if (this.kind[i] !== PTE_NONE) n++;
    return n;
  }
}

/** One PMD entry (2 MiB of a VMA): a PMD-mapped THP, a page table, or nothing. */
export class PmdSlot {
  thp: Folio | null = null;
  /** pmd_protnone(): made prot-none by change_huge_pmd() for a NUMA hint fault. */
  protnone = false;
  pt: PteTable | null = null;
  /** A page table withdrawn/deposited for the THP (pgtable_trans_huge_deposit). */
  depositedTableNid = -1;
  constructor(
    readonly vma: Vma,
    readonly index: number,
  ) {}

  /** First virtual page number of this slot. */
  get vpn(): number {
    return this.vma.start + this.index * HPAGE_PMD_NR;
  }
}

export type HugepageAdvice = 'none' | 'hugepage' | 'nohugepage';

/** Per-VMA NUMA scan state (vma->numab_state, 6.4+). */
export interface NumabState {
  startScanSeq: number;
  nextScanJiffies: number;
  pidsActiveResetJiffies: number;
  prevScanSeq: number;
  pidsActive: [Set<number>, Set<number>];
}

export class Vma {
  readonly slots: PmdSlot[];
  numab: NumabState | null = null;
  /**
   * Pages of an empty mapping merged onto this VMA's top in the kernel (same flags, nothing
   * present), not modelled as pages: task_numa_work() charges its budget for them with the chunk
   * that ends the VMA. The first thread stack of numa01/numa02 carries the region's alignment head.
   */
  mergedAbovePages = 0;
  constructor(
    readonly mm: Mm,
    /** First virtual page number; 2 MiB aligned. */
    readonly start: number,
    readonly nrPages: number,
    public advice: HugepageAdvice,
  ) {
    if (start % HPAGE_PMD_NR !== 0) throw new Error('VMA start must be 2 MiB aligned in this model');
    const n = Math.ceil(nrPages / HPAGE_PMD_NR);
    this.slots = Array.from({ length: n }, (_, i) => new PmdSlot(this, i));
  }

  get end(): number {
    return this.start + this.nrPages;
  }

  slotOf(vpn: number): PmdSlot {
    return this.slots[Math.floor((vpn - this.start) / HPAGE_PMD_NR)]!;
  }
}

/** struct mm_struct: address space plus the NUMA scanner's per-mm state. */
export class Mm {
  readonly vmas: Vma[] = [];
  /** Jiffies of the next allowed task_numa_work() (mm->numa_next_scan); null = 0 in the kernel, not yet armed. */
  numaNextScan: number | null = null;
  numaScanSeq = 0;
  /** Virtual page number where the next scan resumes (mm->numa_scan_offset). */
  numaScanOffset = 0;
  /**
   * The layout of an x86-64 process, in 2 MiB units of virtual page numbers: the brk heap just
   * above the binary at the bottom, mmap()s allocated top-down below mmap_base (so a region mapped
   * first sits above the thread stacks mapped after it), and the main stack at the very top.
   * task_numa_work() walks VMAs by address, so this order decides what its budget reaches.
   */
  private brkNext = HPAGE_PMD_NR * 2;
  private mmapTop = HPAGE_PMD_NR * (1 << 26);
  private readonly stackTop = HPAGE_PMD_NR * (1 << 27);
  constructor(readonly id: number) {}

  /** mmap() an anonymous private region (2 MiB aligned here; the workloads align it). */
  mmapAnon(nrPages: number, advice: HugepageAdvice): Vma {
    const span = Math.ceil(nrPages / HPAGE_PMD_NR) * HPAGE_PMD_NR;
    const vma = new Vma(this, this.mmapTop - span, nrPages, advice);
    this.mmapTop -= span + HPAGE_PMD_NR;
    this.vmas.push(vma);
    return vma;
  }

  /** The binary's writable data, bss and brk heap: a small VMA at the bottom. */
  mapData(nrPages: number): Vma {
    const vma = new Vma(this, this.brkNext, nrPages, 'none');
    this.brkNext += Math.ceil(nrPages / HPAGE_PMD_NR) * HPAGE_PMD_NR + HPAGE_PMD_NR;
    this.vmas.push(vma);
    return vma;
  }

  /** The main thread's stack, at the top of the address space. */
  mapMainStack(nrPages: number): Vma {
    const span = Math.ceil(nrPages / HPAGE_PMD_NR) * HPAGE_PMD_NR;
    const vma = new Vma(this, this.stackTop - span, nrPages, 'none');
    this.vmas.push(vma);
    return vma;
  }

  findVma(vpn: number): Vma | null {
    for (const v of this.vmas) if (vpn >= v.start && vpn < v.end) return v;
    return null;
  }

  /** MM_ANONPAGES: kept up to date by the fault, zap and split paths (add_mm_counter). */
  rssPages = 0;

  /** Resident pages (get_mm_rss), for task_nr_scan_windows(). */
  rss(): number {
    return this.rssPages;
  }

  /** The same, recounted from the page tables (audits). */
  recountRss(): number {
    let n = 0;
    for (const v of this.vmas) {
      for (const s of v.slots) {
        if (s.thp) n += HPAGE_PMD_NR;
        else if (s.pt) {
          for (let i = 0; i < HPAGE_PMD_NR; i++) if (s.pt.kind[i] === 1 || s.pt.kind[i] === 2) n++;
        }
      }
    }
    return n;
  }
}
