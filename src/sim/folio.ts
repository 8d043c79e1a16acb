import type { ListNode } from './list';
import { listInitNode } from './list';
import type { PteTable, PmdSlot } from './mm';

/**
 * struct folio, reduced to what the migration and split paths look at.
 *
 * Large (PMD-order) folios are real objects for their whole life. Base pages live compactly in
 * their PteTable's arrays and get a Folio object only while the kernel would hold them on a
 * list (isolated for migration, or freshly split onto `split_folios`), so a 6 GiB workload of
 * base pages costs typed arrays, not a million objects.
 */
export class Folio implements ListNode {
  prev: ListNode;
  next: ListNode;

  /** Node the memory is on (folio_nid). */
  nid: number;
  /** The PMD slot mapping this large folio (PMD- or PTE-mapped); null once unmapped. */
  slot: PmdSlot | null = null;
  /** PMD-mapped (the slot's `thp` is this folio). */
  pmdMapped = false;
  /** _nr_pages_mapped: subpages mapped by PTEs (large folios). */
  nrPagesMapped = 0;
  /** Per subpage: contents all zeros (what thp_underused() and the zero-page remap read). */
  zero: Uint8Array | null = null;

  /** !list_empty(&folio->_deferred_list) */
  onDeferredList = false;
  /** PG_partially_mapped (6.12+). */
  partiallyMapped = false;
  /** page_cpupid_last(): -1 = unset (fresh page). */
  lastCpupid = -1;

  /** Isolated from the LRU: holds the isolation reference. */
  isolated = false;
  freed = false;

  /** Base pages: where the page is (or was) mapped. */
  pt: PteTable | null = null;
  idx = -1;
  /** Base pages: still mapped by its PTE. */
  mapped = false;
  /** Base pages: contents all zeros. */
  contentZero = false;

  constructor(
    readonly id: number,
    public order: number,
    nid: number,
  ) {
    this.nid = nid;
    this.prev = this;
    this.next = this;
    listInitNode(this);
  }

  get nrPages(): number {
    return 1 << this.order;
  }

  isLarge(): boolean {
    return this.order > 0;
  }

  /** folio_test_pmd_mappable(): is_thp in migrate_pages_batch() and the THP counters. */
  isPmdMappable(): boolean {
    return this.order >= 9;
  }

  /** folio_mapcount() for a private anon folio: one PMD map or one per mapped PTE. */
  mapcount(): number {
    if (!this.isLarge()) return this.mapped ? 1 : 0;
    return this.pmdMapped ? 1 : this.nrPagesMapped;
  }

  /** folio_ref_count(): each mapping holds a reference, and so does isolation. */
  refCount(): number {
    return this.mapcount() + (this.isolated ? 1 : 0);
  }
}
