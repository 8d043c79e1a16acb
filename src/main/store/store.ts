import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { migrations, type Migration } from './migrations';

export type Db = Database.Database;

export interface OpenStoreOptions {
  path: string;
  /** Electron loads its own ABI build of better-sqlite3 (kept beside the Node build). */
  nativeBinding?: string;
  migrations?: Migration[];
}

/** Opens (creating if needed) the lab's SQLite file in WAL mode and brings its schema up to date. */
export function openDb(opts: OpenStoreOptions): Db {
  if (opts.path !== ':memory:') mkdirSync(dirname(opts.path), { recursive: true });
  const db = new Database(opts.path, opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {});
  db.pragma('busy_timeout = 5000');
  // Turning a new file to WAL needs it alone; SQLite answers SQLITE_BUSY at once (no busy wait) when
  // another process is opening the same new file, so retry for a while.
  whileBusy(() => db.pragma('journal_mode = WAL'));
  // NORMAL in WAL mode: a commit survives a crash of the lab (the OS has it); only a power loss
  // can take the last transactions. Samples are batched, so FULL would cost little but buy little.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  whileBusy(() => migrate(db, opts.migrations ?? migrations));
  return db;
}

/** Runs `fn`, again after a short sleep while SQLite says the file is locked, for up to 10 s. */
function whileBusy<T>(fn: () => T): T {
  const until = Date.now() + 10_000;
  for (;;) {
    try {
      return fn();
    } catch (e) {
      const busy = (e as { code?: string }).code === 'SQLITE_BUSY' || /database is locked/.test(String(e));
      if (!busy || Date.now() > until) throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 25);
    }
  }
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Applies every migration the file has not had, by version. The applied set is kept in
 * `schema_migrations` (not just the highest number) because features land in any order: a file
 * made by a build that had migration 5 but not yet 4 still gets 4.
 */
export function migrate(db: Db, list: Migration[]): void {
  // One write transaction taken up front (BEGIN IMMEDIATE): two processes opening the same new
  // file at once (the CLI twice in a CI script) would otherwise both see a migration as missing
  // and the second would fail on "table ... already exists". The second waits, then finds it applied.
  db.transaction(() => migrateLocked(db, list)).immediate();
}

function migrateLocked(db: Db, list: Migration[]): void {
  const fresh = !db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  const legacy = schemaVersion(db);
  if (fresh && legacy > 0) {
    // A file from before the table existed: what user_version covered is taken as applied, unless
    // the migration's first table is missing (then it is applied now).
    const mark = db.prepare('INSERT OR IGNORE INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
    for (const m of list) {
      const firstTable = /CREATE TABLE\s+(?:IF NOT EXISTS\s+)?(\w+)/i.exec(m.sql)?.[1];
      const present = !firstTable || db.prepare("SELECT 1 FROM sqlite_master WHERE name = ?").get(firstTable);
      if (m.version <= legacy && present) mark.run(m.version, m.name, 'before schema_migrations');
    }
  }
  const applied = new Set((db.prepare('SELECT version FROM schema_migrations').all() as Array<{ version: number }>).map((r) => r.version));
  const known = new Set(list.map((m) => m.version));
  const unknown = [...applied].filter((v) => !known.has(v));
  if (unknown.length || legacy > Math.max(0, ...known)) {
    throw new Error(`the database schema has version ${Math.max(legacy, ...unknown)}, newer than this lab knows (${Math.max(0, ...known)}); use a newer NUMA Lab or another --db`);
  }
  for (const m of [...list].sort((a, b) => a.version - b.version)) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, new Date().toISOString());
      db.pragma(`user_version = ${Math.max(schemaVersion(db), m.version)}`);
    })();
  }
}
