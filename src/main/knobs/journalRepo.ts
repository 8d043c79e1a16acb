import type { Db } from '../store/store';
import type { KnobChange, KnobJournal, KnobJournalEntry, KnobOrigin } from '../../shared/knobs/api';

export interface OpenJournalRow {
  id: number;
  target: string;
  knobId: string;
  path: string;
  original: string;
  rank: number;
  owner: string | null;
}

export interface PlannedChange {
  knobId: string;
  path: string;
  rank: number;
  /** The value read from the host just before this write. */
  current: string;
  next: string;
}

/**
 * The knob journal in SQLite (migration 2). The one rule that makes a crash survivable: the row
 * holding a knob's original value, and the change about to be made, are committed before the
 * knob is written on the host.
 */
export class KnobJournalRepo {
  constructor(private readonly db: Db) {}

  open(target?: string): OpenJournalRow[] {
    const rows = this.db
      .prepare(
        `SELECT id, target, knob_id AS knobId, path, original, rank, owner FROM knob_journal
         WHERE restored_at IS NULL ${target === undefined ? '' : 'AND target = ?'} ORDER BY target, rank, knob_id`,
      )
      .all(...(target === undefined ? [] : [target])) as OpenJournalRow[];
    return rows;
  }

  originals(target: string): Map<string, string> {
    return new Map(this.open(target).map((r) => [r.knobId, r.original]));
  }

  /**
   * Journals a batch before it is written: the original of each knob not already open in the
   * journal (the first write wins: a later write never replaces the true original), and a
   * pending change row per write. Returns the change row ids, in the order given. One
   * transaction, committed when this returns.
   */
  recordPlanned(target: string, changes: PlannedChange[], origin: KnobOrigin, owner: string | null, now = new Date()): number[] {
    const at = now.toISOString();
    const findOpen = this.db.prepare('SELECT id FROM knob_journal WHERE target = ? AND knob_id = ? AND restored_at IS NULL');
    const insertJournal = this.db.prepare(
      'INSERT INTO knob_journal (target, knob_id, path, original, rank, first_changed_at, owner) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    const setOwner = this.db.prepare('UPDATE knob_journal SET owner = ? WHERE id = ?');
    const insertChange = this.db.prepare('INSERT INTO knob_changes (journal_id, at, origin, old_value, new_value) VALUES (?, ?, ?, ?, ?)');
    return this.db.transaction(() =>
      changes.map((c) => {
        const existing = findOpen.get(target, c.knobId) as { id: number } | undefined;
        let journalId: number;
        if (existing) {
          journalId = existing.id;
          // Restores and recoveries act for whoever held the entry; they do not take it over.
          if (origin !== 'restore' && origin !== 'recovery') setOwner.run(owner, journalId);
        } else {
          journalId = Number(insertJournal.run(target, c.knobId, c.path, c.current, c.rank, at, owner).lastInsertRowid);
        }
        return Number(insertChange.run(journalId, at, origin, c.current, c.next).lastInsertRowid);
      }),
    )();
  }

  /** The host's answer for each change row (after the write), in one transaction. */
  recordOutcomes(outcomes: { changeId: number; ok: boolean; error: string | null }[]): void {
    const upd = this.db.prepare('UPDATE knob_changes SET outcome = ?, error = ? WHERE id = ?');
    this.db.transaction(() => {
      for (const o of outcomes) upd.run(o.ok ? 'ok' : 'refused', o.error, o.changeId);
    })();
  }

  /** Closes the open entries of these knobs: their original is what the host holds now. */
  markRestored(target: string, knobIds: string[], now = new Date()): void {
    const upd = this.db.prepare('UPDATE knob_journal SET restored_at = ?, owner = NULL WHERE target = ? AND knob_id = ? AND restored_at IS NULL');
    this.db.transaction(() => {
      for (const id of knobIds) upd.run(now.toISOString(), target, id);
    })();
  }

  /** Hands the open entries this owner holds over to nobody: a deliberate, lasting change (the CLI's `knobs set`). */
  release(target: string, owner: string): void {
    this.db.prepare('UPDATE knob_journal SET owner = NULL WHERE target = ? AND owner = ? AND restored_at IS NULL').run(target, owner);
  }

  journal(target: string, limit = 500): KnobJournal {
    const entries = this.db
      .prepare(
        `SELECT knob_id AS knobId, path, original, first_changed_at AS firstChangedAt, restored_at AS restoredAt, owner
         FROM knob_journal WHERE target = ? ORDER BY id DESC LIMIT ?`,
      )
      .all(target, limit) as KnobJournalEntry[];
    const changes = this.db
      .prepare(
        `SELECT c.at, j.knob_id AS knobId, c.origin, c.old_value AS oldValue, c.new_value AS newValue, c.outcome, c.error
         FROM knob_changes c JOIN knob_journal j ON j.id = c.journal_id WHERE j.target = ? ORDER BY c.id DESC LIMIT ?`,
      )
      .all(target, limit) as KnobChange[];
    return { target, entries, changes };
  }
}
