/*
 * numalab-khugepaged-hold: keeps khugepaged's list of mms never empty, then sleeps forever.
 *
 * Why: init puts khugepaged to sleep for an hour (scan_sleep_millisecs) so that nothing collapses
 * pages under an experiment. But khugepaged only sleeps that long while it has work: with its
 * list of mms empty it waits for the first one, and __khugepaged_enter() wakes it the moment a
 * process registers (its first THP-eligible VMA). On an otherwise idle box the workload is that
 * first process, so khugepaged scanned it at once and, racing the workload, could collapse the
 * THP numa-touch had just half unmapped (max_ptes_none 511 allows 256 empty PTEs) back into a
 * PMD-mapped THP: thp_collapse_alloc 1, the THP migrated whole, and on a kernel with the v5
 * patch no BUG — about one run in four. On a real machine many processes are always registered
 * and a new one waits for the next periodic scan; this process makes the box such a machine.
 *
 * A 4 MiB MADV_HUGEPAGE mapping, read once: khugepaged takes only a VMA that has an anon_vma
 * (thp_vma_allowable_orders() says no before the first fault; smaps' THPeligible says yes), and
 * a read fault maps the huge zero page, which creates it without using memory, then registers
 * the mm (do_huge_pmd_anonymous_page → khugepaged_enter_vma). khugepaged's first scan finds a
 * PMD already mapped and does nothing. The process never runs again: NUMA balancing never scans it.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

int main(void)
{
	size_t len = 4UL << 20;
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED || madvise(p, len, MADV_HUGEPAGE) != 0) {
		perror("numalab-khugepaged-hold");
		return 1;
	}
	/* 2 MiB in: the aligned half of the mapping, whatever the alignment of its start. */
	(void)*(volatile char *)((char *)p + (2UL << 20));
	for (;;)
		pause();
}
