import { validateKnobValue, type KnobState } from '../../../../shared/knobs';
import type { KnobOrigin, KnobWriteResult } from '../../../../shared/knobs/api';

/**
 * Knob changes are staged before anything is written: the user sees the whole diff (path,
 * current → staged, what the kernel allows) and applies it in one knobs.set call. Each staged
 * value remembers the value it was staged against (`base`), so a knob changed underneath (by the
 * CLI, an experiment, a restore) shows as a conflict instead of being overwritten unseen.
 */
export interface StagedValue {
  value: string;
  /** The knob's current value when the user staged this. */
  base: string;
}
export type Staged = Readonly<Record<string, StagedValue>>;

export interface Conflict {
  /** What the knob is now (null: it can no longer be read). */
  now: string | null;
  /** Who changed it, when a knobs.changed event said so. */
  by: KnobOrigin | null;
}

export interface DiffRow {
  id: string;
  path: string;
  current: string | null;
  staged: string;
  base: string;
  unit: string | null;
  allowed: string;
  /** Why the staged value cannot be written as it is (validation against the kernel's choices or range). */
  problem: string | null;
  conflict: Conflict | null;
}

/** The values the kernel takes: its bracketed choices, or the documented range. */
export function allowedText(k: Pick<KnobState, 'allowed' | 'range'>): string {
  if (k.allowed) return k.allowed.join(' ');
  if (k.range) return `${k.range.min}..${k.range.max}${k.range.note ? ` (${k.range.note})` : ''}`;
  return '';
}

/** Stages `value` for `k`; staging the value it already has drops the entry. */
export function stage(staged: Staged, k: KnobState, value: string): Staged {
  const { [k.id]: prev, ...rest } = staged;
  if (k.current === null || value === k.current) return rest;
  return { ...rest, [k.id]: { value, base: prev?.base ?? k.current } };
}

export function unstage(staged: Staged, ids: readonly string[]): Staged {
  return Object.fromEntries(Object.entries(staged).filter(([id]) => !ids.includes(id)));
}

/** Keeps the staged value, now against what the knob is after the change underneath. */
export function rebase(staged: Staged, k: KnobState): Staged {
  const s = staged[k.id];
  if (!s || k.current === null) return staged;
  return stage(unstage(staged, [k.id]), k, s.value);
}

/** The diff bar's rows, in the panel's knob order. */
export function diffRows(knobs: readonly KnobState[], staged: Staged, changedBy: Readonly<Record<string, KnobOrigin>> = {}): DiffRow[] {
  const rows: DiffRow[] = [];
  for (const k of knobs) {
    const s = staged[k.id];
    if (!s) continue;
    const v = validateKnobValue(k, s.value);
    rows.push({
      id: k.id,
      path: k.path,
      current: k.current,
      staged: s.value,
      base: s.base,
      unit: k.unit,
      allowed: allowedText(k),
      problem: v.ok ? null : v.message,
      conflict: k.current === s.base ? null : { now: k.current, by: changedBy[k.id] ?? null },
    });
  }
  // A staged id the host no longer has (another mTHP size after a reboot) is a problem too.
  for (const [id, s] of Object.entries(staged)) {
    if (!knobs.some((k) => k.id === id)) rows.push({ id, path: '', current: null, staged: s.value, base: s.base, unit: null, allowed: '', problem: `${id} is not on this host any more`, conflict: null });
  }
  return rows;
}

/** The one knobs.set request for the diff, or why it cannot be sent yet. */
export function applyRequest(rows: readonly DiffRow[]): { ok: true; values: Record<string, string> } | { ok: false; why: string } {
  if (!rows.length) return { ok: false, why: 'nothing staged' };
  const conflicts = rows.filter((r) => r.conflict);
  if (conflicts.length) return { ok: false, why: `${conflicts.map((r) => r.id).join(', ')} changed since you staged ${conflicts.length > 1 ? 'them' : 'it'}: keep your value or drop it first` };
  const bad = rows.filter((r) => r.problem);
  if (bad.length) return { ok: false, why: bad.map((r) => r.problem).join('; ') };
  return { ok: true, values: Object.fromEntries(rows.map((r) => [r.id, r.staged])) };
}

/** One write's outcome in words: what it is now, or what the kernel said and what it allows. */
export function resultText(r: KnobWriteResult, allowed: string): string {
  if (r.ok && r.after === r.requested) return `${r.before ?? '?'} → ${r.after}`;
  if (r.ok) return `written, but it reads back ${r.after ?? '(unreadable)'} (was ${r.before ?? '?'}, asked ${r.requested})`;
  const said = [r.errno, r.error].filter(Boolean).join(' ') || 'an error';
  return `refused ${r.requested}: the kernel said ${said}; it is still ${r.after ?? r.before ?? '?'}${allowed ? `; allowed: ${allowed}` : ''}`;
}
