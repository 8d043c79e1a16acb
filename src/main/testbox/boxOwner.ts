import { basename } from 'node:path';
import { isOwnerAlive, processIdentity } from '../knobs/owner';
import type { TestboxDescriptor } from './boxState';

/**
 * Who started a box. The descriptor records the booting process as `pid:starttime` (the knob
 * journal's owner format, so a recycled pid is not mistaken for it) and what that process was;
 * whoever lists the boxes compares it with itself: "this lab" is the process answering.
 */
export interface BoxOwnerView {
  owner: 'this-lab' | 'elsewhere';
  ownerPid: number | null;
  ownerAlive: boolean | null;
  ownerCommand: string | null;
}

/** The owner fields a new descriptor gets: this process. */
export function ownerFields(): Pick<TestboxDescriptor, 'startedBy' | 'startedByCommand'> {
  const owner = processIdentity();
  return { ...(owner ? { startedBy: owner } : {}), startedByCommand: describeThisProcess() };
}

/**
 * A short name for this process, without its flags (a serve's --token must not end up in a
 * descriptor others can read): "numa-lab testbox up", "numa-lab serve", "NUMA Lab desktop".
 */
export function describeThisProcess(argv: readonly string[] = process.argv, electron = process.versions.electron): string {
  if (electron) return 'NUMA Lab desktop';
  const script = argv[1] ? basename(argv[1]) : basename(argv[0] ?? 'node');
  if (/^numa-lab(\.m?js)?$/.test(script)) {
    const words: string[] = [];
    for (const a of argv.slice(2)) {
      if (a.startsWith('-') || words.length === 2 || !/^[a-z][a-z-]*$/.test(a)) break;
      words.push(a);
    }
    return ['numa-lab', ...words].join(' ');
  }
  return script;
}

/** Classifies a descriptor's owner against `self` (this process's identity). */
export function boxOwner(d: Pick<TestboxDescriptor, 'startedBy' | 'startedByCommand'>, self: string | null = processIdentity()): BoxOwnerView {
  const m = d.startedBy ? /^(\d+):(\d+)$/.exec(d.startedBy) : null;
  if (!d.startedBy || !m) return { owner: 'elsewhere', ownerPid: null, ownerAlive: null, ownerCommand: d.startedByCommand ?? null };
  return {
    owner: self !== null && d.startedBy === self ? 'this-lab' : 'elsewhere',
    ownerPid: Number(m[1]),
    ownerAlive: isOwnerAlive(d.startedBy),
    ownerCommand: d.startedByCommand ?? null,
  };
}
