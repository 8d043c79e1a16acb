import { LabApiError } from '../../shared/api/labApi';
import { parseSysfsChoice } from '../../shared/sysfsChoice';
import {
  catalogPaths,
  KNOB_CATALOG,
  knobRank,
  mthpKnobs,
  resolveKnobs,
  safeWriteOrder,
  validateKnobRequest,
  type HostKnobs,
  type KnobDef,
  type KnobState,
  type ValidatedWrite,
} from '../../shared/knobs';
import type { KnobOrigin, KnobRestoreResult, KnobSetResult, KnobWriteResult } from '../../shared/knobs/api';
import type { HostSession } from '../hosts/hostSession';
import { probeKnobs, writeKnobFiles, writeResult } from './hostKnobs';
import { KnobJournalRepo, type OpenJournalRow } from './journalRepo';
import { isOwnerAlive } from './owner';

export interface KnobServiceOptions {
  /** Mount debugfs at /sys/kernel/debug when it is not, to reach the scan tunables (setting knobs.mountDebugfs). */
  mountDebugfs: boolean;
  /** This lab process (`pid:starttime`), recorded on the journal entries it makes. */
  owner: string | null;
  session: (target: string) => Promise<HostSession>;
  onChanged: (target: string, origin: KnobOrigin, ids: string[]) => void;
  /** The fixed catalog (mTHP sizes are added per host). Tests point an entry at a file that is absent or read-only. */
  catalog?: KnobDef[];
}

/** A saved set of values, like thp_settings.c's `thp_push_settings`. */
interface SettingsFrame {
  values: Record<string, string>;
  origin: KnobOrigin;
}

/**
 * Read, validate, write, journal and restore the knobs of any host. Operations on one host are
 * serialised, so a restore never interleaves with a set.
 */
export class KnobService {
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly stacks = new Map<string, SettingsFrame[]>();
  private readonly catalog: KnobDef[];
  private readonly paths: string[];

  constructor(
    readonly repo: KnobJournalRepo,
    private readonly opts: KnobServiceOptions,
  ) {
    this.catalog = opts.catalog ?? KNOB_CATALOG;
    this.paths = catalogPaths(this.catalog);
  }

  private rank(id: string): number {
    return this.catalog.find((d) => d.id === id)?.rank ?? knobRank(id);
  }

  private async locked<T>(target: string, fn: (s: HostSession) => Promise<T>): Promise<T> {
    const session = await this.opts.session(target);
    const key = session.target;
    const prev = this.locks.get(key) ?? Promise.resolve();
    const run = prev.catch(() => undefined).then(() => fn(session));
    this.locks.set(key, run);
    try {
      return await run;
    } finally {
      if (this.locks.get(key) === run) this.locks.delete(key);
    }
  }

  private async read(session: HostSession): Promise<HostKnobs> {
    const probe = await probeKnobs(session, { mountDebugfs: this.opts.mountDebugfs, paths: this.paths });
    return {
      target: session.target,
      kernelRelease: probe.release,
      debugfs: probe.debugfs,
      debugfsNote: probe.debugfsNote,
      knobs: resolveKnobs(probe, this.repo.originals(session.target), [...this.catalog, ...mthpKnobs(probe.mthpSizesKb)]),
      readAt: new Date().toISOString(),
    };
  }

  /** The canonical key of a target (what the journal is keyed by). */
  async canonical(target: string): Promise<string> {
    return (await this.opts.session(target)).target;
  }

  list(target: string): Promise<HostKnobs> {
    return this.locked(target, (s) => this.read(s));
  }

  /** Validates every value against the host's knobs; refuses the whole request (writing nothing) if one is bad. */
  set(target: string, values: Record<string, string>, origin: KnobOrigin): Promise<KnobSetResult> {
    return this.locked(target, async (session) => {
      const before = await this.read(session);
      const v = validateKnobRequest(before.knobs, values);
      if (!v.ok) throw new LabApiError(v.errors.join('\n'), 'bad-value');
      const results = await this.apply(session, before.knobs, v.writes, origin);
      return { target: session.target, results, knobs: await this.read(session) };
    });
  }

  /**
   * Journal (committed) → write → record outcomes → close the entries whose knob is back at its
   * original. The writes run in the safe order (catalog RESTORE_RANKS) in one round trip.
   */
  private async apply(session: HostSession, states: KnobState[], writes: ValidatedWrite[], origin: KnobOrigin): Promise<KnobWriteResult[]> {
    const target = session.target;
    // Checked before anything is journaled: a write that cannot happen must not leave open
    // journal entries behind (they would be offered for a restore that cannot happen either).
    if (writes.length && session.privilege === 'none') {
      throw new LabApiError(
        `${target}: knobs are root-only files, and ${target} was reached as a user that is not root and has no sudo; connect as root, or as a user that sudo allows (NOPASSWD, or with its password typed in the terminal tab)`,
        'needs-root',
      );
    }
    const ordered = safeWriteOrder(writes.map((w) => ({ ...w, rank: this.rank(w.id) })));
    const changeIds = this.repo.recordPlanned(
      target,
      ordered.map((w) => ({ knobId: w.id, path: w.path, rank: w.rank, current: w.previous, next: w.value })),
      origin,
      this.opts.owner,
    );
    const outcomes = await writeKnobFiles(session, ordered);
    const byId = new Map(states.map((s) => [s.id, s]));
    const results = ordered.map((w) => {
      const o = outcomes.get(w.path);
      return writeResult(w, o, o?.afterRaw == null ? null : selectedValue(byId.get(w.id)!, o.afterRaw));
    });
    this.repo.recordOutcomes(results.map((r, i) => ({ changeId: changeIds[i], ok: r.ok, error: r.error })));
    const originals = this.repo.originals(target);
    this.repo.markRestored(
      target,
      results.filter((r) => r.after !== null && originals.get(r.id) === r.after).map((r) => r.id),
    );
    this.opts.onChanged(target, origin, results.map((r) => r.id));
    return results;
  }

  /**
   * Puts back the original of every open journal entry of the host (or only `only`), in the safe
   * order, and closes the entries whose value is back. A knob the kernel will not take back stays
   * open and is counted in `failed`.
   */
  restore(target: string, origin: KnobOrigin = 'restore', only?: (row: OpenJournalRow) => boolean): Promise<KnobRestoreResult> {
    return this.locked(target, async (session) => {
      const rows = this.repo.open(session.target).filter((r) => !only || only(r));
      if (!rows.length) return { target: session.target, results: [], restored: 0, failed: 0 };
      const { knobs } = await this.read(session);
      const byId = new Map(knobs.map((k) => [k.id, k]));
      const writes: ValidatedWrite[] = [];
      const unreachable: KnobWriteResult[] = [];
      for (const r of rows) {
        const k = byId.get(r.knobId);
        if (!k?.present) {
          unreachable.push({ id: r.knobId, path: r.path, requested: r.original, before: null, after: null, ok: false, errno: 'ENOENT', error: k?.absentReason ?? 'this knob is not on the host now' });
          continue;
        }
        // The path comes from the catalog as resolved on the host now, not from the stored row.
        writes.push({ id: r.knobId, path: k.path, value: r.original, previous: k.current ?? r.original });
      }
      const results = [...(await this.apply(session, knobs, writes, origin)), ...unreachable];
      const stillOpen = new Set(this.repo.open(session.target).map((r) => r.knobId));
      const restored = rows.filter((r) => !stillOpen.has(r.knobId)).length;
      if (!only) this.stacks.delete(session.target);
      return { target: session.target, results, restored, failed: rows.length - restored };
    });
  }

  /**
   * Saves the current value of every readable knob (thp_settings.c's push) and applies `values`.
   * popSettings() puts the saved values back. The journal still holds the originals, so a crash
   * between push and pop is recovered like any other change.
   */
  async pushSettings(target: string, values: Record<string, string>, origin: KnobOrigin = 'experiment'): Promise<KnobSetResult> {
    const session = await this.opts.session(target);
    const saved = await this.locked(target, async (s) => {
      const { knobs } = await this.read(s);
      return Object.fromEntries(knobs.filter((k) => k.present && k.current !== null).map((k) => [k.id, k.current!]));
    });
    const stack = this.stacks.get(session.target) ?? [];
    stack.push({ values: saved, origin });
    this.stacks.set(session.target, stack);
    try {
      return await this.set(target, values, origin);
    } catch (e) {
      stack.pop();
      throw e;
    }
  }

  /** Rewrites the values saved by the matching pushSettings (only those that differ now). */
  async popSettings(target: string): Promise<KnobSetResult> {
    const session = await this.opts.session(target);
    const frame = this.stacks.get(session.target)?.pop();
    if (!frame) throw new LabApiError(`no pushed knob settings for ${session.target}`, 'not-found');
    return this.locked(target, async (s) => {
      const now = await this.read(s);
      const differs = Object.fromEntries(Object.entries(frame.values).filter(([id, v]) => now.knobs.find((k) => k.id === id)?.current !== v));
      const v = validateKnobRequest(now.knobs, differs);
      const writes = v.ok ? v.writes : [];
      const results = writes.length ? await this.apply(s, now.knobs, writes, frame.origin) : [];
      return { target: s.target, results, knobs: writes.length ? await this.read(s) : now };
    });
  }

  stackDepth(target: string): number {
    return this.stacks.get(target)?.length ?? 0;
  }

  /** Hosts with unrestored changes, and whether the lab that made them is gone. */
  pending(): { target: string; knobIds: string[]; orphaned: boolean }[] {
    const byTarget = new Map<string, OpenJournalRow[]>();
    for (const r of this.repo.open()) byTarget.set(r.target, [...(byTarget.get(r.target) ?? []), r]);
    return [...byTarget].map(([target, rows]) => ({ target, knobIds: rows.map((r) => r.knobId), orphaned: rows.some(isOrphaned) }));
  }

  /**
   * At lab start: every host whose journal holds changes made by a lab process that is gone
   * (killed, crashed, or closed without restoring). With `autoRestore` (default for the local
   * host) they are restored; otherwise they are offered (knobs.pending) for the user to restore.
   * Changes the CLI's `knobs set` made on purpose (released entries) are left alone.
   */
  async recoverUnrestored(autoRestore: (target: string) => boolean): Promise<{ restored: KnobRestoreResult[]; offered: string[] }> {
    const restored: KnobRestoreResult[] = [];
    const offered: string[] = [];
    for (const p of this.pending().filter((x) => x.orphaned)) {
      if (!autoRestore(p.target)) {
        offered.push(p.target);
        continue;
      }
      restored.push(await this.restore(p.target, 'recovery', isOrphaned));
    }
    return { restored, offered };
  }

  /** The CLI's `knobs set`: the change is meant to last, so no later start undoes it (`knobs restore` still does). */
  release(target: string): void {
    if (this.opts.owner) this.repo.release(target, this.opts.owner);
  }

  /**
   * The host's kernel crashed: the values this journal would put back were held by a kernel that
   * is gone, and the next boot starts from its own (sysfs and /proc/sys do not survive a boot).
   * The open entries are closed, so no restore is tried on the dead host nor on its next boot.
   */
  kernelGone(target: string): void {
    const ids = [...new Set(this.repo.open(target).map((r) => r.knobId))];
    if (ids.length) this.repo.markRestored(target, ids);
    this.stacks.delete(target);
  }

  /** On a clean close: put back what this lab changed and still holds, on the hosts it reaches. */
  /** The knobs this lab changed and has not restored, by target (what closing it will put back). */
  ownedChanges(): Map<string, string[]> {
    const by = new Map<string, string[]>();
    const owner = this.opts.owner;
    if (!owner) return by;
    for (const r of this.repo.open()) if (r.owner === owner) by.set(r.target, [...(by.get(r.target) ?? []), r.knobId]);
    return by;
  }

  async restoreOwned(): Promise<void> {
    const owner = this.opts.owner;
    if (!owner) return;
    const targets = new Set(this.repo.open().filter((r) => r.owner === owner).map((r) => r.target));
    for (const t of targets) await this.restore(t, 'restore', (r) => r.owner === owner);
  }
}

function isOrphaned(r: OpenJournalRow): boolean {
  return r.owner !== null && !isOwnerAlive(r.owner);
}

/** The value a knob holds, from the raw text the host printed after a write. */
function selectedValue(k: KnobState, raw: string): string | null {
  if (k.range || k.allowed === null) return /^-?\d+$/.test(raw.trim()) ? raw.trim() : null;
  if (k.allowed && !raw.includes('[')) return raw.trim();
  return parseSysfsChoice(raw)?.selected ?? null;
}
