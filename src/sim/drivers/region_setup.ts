/**
 * The memory set-up shared by thp-move, mbind-move, migrate-pages and numa-touch: `thps`
 * 2 MiB regions faulted by a CPU of node `from`, every 4 KiB page written (zeros if `zero=1`),
 * then the last `unmap` fraction of each region zapped with MADV_DONTNEED.
 */
import { HPAGE_PMD_NR } from '../constants';
import { handleAnonWriteFault } from '../fault';
import type { Kernel } from '../kernel';
import { madviseDontneed } from '../madvise';
import type { Mm, Vma } from '../mm';
import type { WorkloadParams } from '../../shared/workloads';
import type { SimOptions } from '../spec';
import { checkCancel } from './context';

export interface Regions {
  vma: Vma;
  thps: number;
  /** Subpages zapped at the end of each region. */
  unmapped: number;
  /** Virtual page numbers still mapped, in address order. */
  mappedVpns(): number[];
  /** One address per region: its first subpage. */
  headVpns(): number[];
}

/** Subpages MADV_DONTNEED removes from each region: round(unmap × 512). */
export function unmappedSubpages(unmap: number): number {
  return Math.min(HPAGE_PMD_NR, Math.max(0, Math.round(unmap * HPAGE_PMD_NR)));
}

export function setupRegions(k: Kernel, mm: Mm, nid: number, params: WorkloadParams, opts: SimOptions): Regions {
  const thps = Number(params.thps);
  const advice = Number(params.thp) === 1 ? 'hugepage' : 'nohugepage';
  const zero = Number(params.zero) === 1;
  const vma = mm.mmapAnon(thps * HPAGE_PMD_NR, advice);
  for (let r = 0; r < thps; r++) {
    if ((r & 63) === 0) checkCancel(opts);
    const base = vma.start + r * HPAGE_PMD_NR;
    for (let i = 0; i < HPAGE_PMD_NR; i++) handleAnonWriteFault(k, { nid }, vma, base + i, zero);
  }
  const unmapped = unmappedSubpages(Number(params.unmap ?? 0));
  if (unmapped > 0) {
    for (let r = 0; r < thps; r++) {
      const end = vma.start + (r + 1) * HPAGE_PMD_NR;
      madviseDontneed(k, vma, end - unmapped, end);
    }
  }
  return {
    vma,
    thps,
    unmapped,
    mappedVpns() {
      const out: number[] = [];
      for (let r = 0; r < thps; r++) {
        const base = vma.start + r * HPAGE_PMD_NR;
        for (let i = 0; i < HPAGE_PMD_NR - unmapped; i++) out.push(base + i);
      }
      return out;
    },
    headVpns() {
      return Array.from({ length: thps }, (_, r) => vma.start + r * HPAGE_PMD_NR);
    },
  };
}

/**
 * The model's estimate of the CPU time (ms) thp-move has used when its window starts: exec,
 * faulting and writing every page, the smaps and move_pages(nodes=NULL) reads (facts/: measured
 * on the TCG box). An estimate, not a measurement: experiments replace it with the run's own
 * clocks (sim.prewindow_cpu_ms), and the forecast runs the model over the facts' range around it.
 */
export function setupDurationMs(k: Kernel, thps: number): number {
  const { base, perPage } = k.facts.exec.setupCpuMs.value;
  return base + thps * HPAGE_PMD_NR * perPage;
}
