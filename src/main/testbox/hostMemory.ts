import { readFileSync } from 'node:fs';
import { TestboxError } from './errors';

/** QEMU's own footprint beside the guest's RAM (TCG translation cache, device state). */
const QEMU_OVERHEAD_MIB = 256;

export function memAvailableMiB(meminfo = readFileSync('/proc/meminfo', 'utf8')): number {
  const kb = /^MemAvailable:\s+(\d+) kB/m.exec(meminfo)?.[1];
  return kb ? Math.floor(Number(kb) / 1024) : Infinity;
}

/** Refuses a box whose RAM would not fit in what this machine has available now. */
export function checkMemory(nodes: number, memPerNodeMiB: number, available = memAvailableMiB()): void {
  const want = nodes * memPerNodeMiB + QEMU_OVERHEAD_MIB;
  if (want > available) {
    throw new TestboxError(
      `a box of ${nodes} nodes x ${memPerNodeMiB} MiB needs about ${want} MiB (guest RAM + ${QEMU_OVERHEAD_MIB} MiB for QEMU), but this machine has ${available} MiB available; ask for less --mem-per-node or fewer --nodes`,
      'no-memory',
    );
  }
}
