/**
 * The words the box view and `numa-lab testbox list` use for a box's age, its owner and its
 * accelerator, so the terminal and the app say the same thing.
 */

/** 42 s, 5 min 03 s, 2 h 07 min, 3 d 4 h. */
export function formatUptime(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h} h ${String(m % 60).padStart(2, '0')} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

export interface OwnerFacts {
  owner?: 'this-lab' | 'elsewhere';
  ownerPid?: number | null;
  ownerAlive?: boolean | null;
  ownerCommand?: string | null;
}

/**
 * "this lab (pid 812)" / "numa-lab testbox up, pid 4410, exited" / "an unknown process (started
 * before owners were recorded)". `self` names the reader for 'this-lab' (the CLI is never the lab).
 */
export function ownerText(b: OwnerFacts, self = 'this lab'): string {
  if (b.owner === 'this-lab') return `${self} (pid ${b.ownerPid})`;
  if (b.ownerPid == null) return `an unknown process (${b.ownerCommand ?? 'the box was started before owners were recorded'})`;
  const state = b.ownerAlive ? 'still running' : 'exited';
  return `${b.ownerCommand ?? 'another process'}, pid ${b.ownerPid}, ${state}`;
}

/** The accelerator as a row shows it: what it is, not only its QEMU name. */
export function acceleratorText(accel: string): string {
  if (accel === 'kvm') return 'KVM (hardware, near native speed)';
  if (accel === 'tcg') return 'TCG (emulated, ~10-50x slower)';
  return accel;
}
