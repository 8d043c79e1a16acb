import { formatHostTarget, parseHostTarget } from '../hostTarget';

/**
 * When the app's current host has gone away (a virtual box powered off, an ssh host that stopped
 * answering, a target that cannot be reached) and what the user is told. The app then shows the
 * fallback host instead of the dead one's kernel and nodes, with a notice saying so.
 */

/** The host the app falls back to: always there, nothing to connect. */
export const FALLBACK_TARGET = 'local';

/** The canonical key of a target (`ssh://root@h:22` → as hosts.state names it), or the text itself when it is not valid. */
export function canonicalTargetOr(raw: string): string {
  try {
    return formatHostTarget(parseHostTarget(raw));
  } catch {
    return raw.trim();
  }
}

export function sameTarget(a: string, b: string): boolean {
  return canonicalTargetOr(a) === canonicalTargetOr(b);
}

/** The box name of a `testbox:<name>` target, else undefined. */
export function testboxName(target: string): string | undefined {
  try {
    const t = parseHostTarget(target);
    return t.kind === 'testbox' ? t.name : undefined;
  } catch {
    return undefined;
  }
}

/** What happened to the current host. */
export type HostTrouble =
  /** A hosts.state event: the session was lost (no answer, connection ended) or the lab closed it. */
  | { kind: 'state'; state: 'lost' | 'closed'; reason: string | null }
  /** hosts.probe failed (with the LabApi error code when there was one). */
  | { kind: 'probe-failed'; message: string; code?: string };

/** A virtual box as testbox.list reports it. */
export interface BoxSeen {
  target: string;
  running: boolean;
}

export type OfflineVerdict = { offline: false } | { offline: true; why: string; detail: string };

/** The first lines of an error, short enough for a notice (consoles and stderr can be long). */
export function briefReason(message: string, maxLines = 3, maxChars = 400): string {
  const lines = message
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l.trim());
  const text = lines.slice(0, maxLines).join('\n');
  return text.length > maxChars ? `${text.slice(0, maxChars - 1)}…` : text;
}

/**
 * Whether `target` is offline after `trouble`. `boxes` is testbox.list when the target is a
 * virtual box (undefined when it could not be asked): a box missing from it was powered off; one
 * listed as not running has lost its QEMU. A closed session of a box that still runs (a reboot
 * after a crash) or of any other host (the user disconnected it) is not offline: the host is
 * still there and the next use reconnects. `sessionState` is what hosts.status says of the
 * target's session after a failed probe (undefined when it has none).
 */
export function judgeOffline(target: string, trouble: HostTrouble, boxes?: readonly BoxSeen[], sessionState?: string): OfflineVerdict {
  const key = canonicalTargetOr(target);
  // A probe that failed on a host whose session is ready is an error to show, not a dead host.
  if (trouble.kind === 'probe-failed' && sessionState === 'ready') return { offline: false };
  const detail =
    trouble.kind === 'probe-failed' ? briefReason(trouble.message) : briefReason(trouble.reason ?? (trouble.state === 'lost' ? 'the host stopped answering' : 'the session was closed'));
  if (testboxName(key) !== undefined && boxes) {
    const box = boxes.find((b) => canonicalTargetOr(b.target) === key);
    if (!box) return { offline: true, why: 'powered off', detail: `the box ${testboxName(key)} is not running: it was powered off (or never booted)` };
    if (!box.running) return { offline: true, why: 'not running', detail };
  }
  if (trouble.kind === 'state') {
    if (trouble.state === 'closed') return { offline: false };
    return { offline: true, why: 'connection lost', detail };
  }
  if (trouble.code === 'bad-target') return { offline: true, why: 'not a valid target', detail };
  return { offline: true, why: 'not reachable', detail };
}

/** The notice's headline: "testbox:numa2 is offline (powered off) — switched to local". */
export function offlineHeadline(target: string, why: string, fallback: string = FALLBACK_TARGET): string {
  return `${target} is offline (${why}) — switched to ${fallback}`;
}

/** Whether the app should switch away from `target` when it is offline (not from the fallback itself). */
export function shouldFallBack(target: string): boolean {
  return canonicalTargetOr(target) !== FALLBACK_TARGET;
}
