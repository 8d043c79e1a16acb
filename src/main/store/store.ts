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
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode: a commit survives a crash of the lab (the OS has it); only a power loss
  // can take the last transactions. Samples are batched, so FULL would cost little but buy little.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db, opts.migrations ?? migrations);
  return db;
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export function migrate(db: Db, list: Migration[]): void {
  const current = schemaVersion(db);
  const newest = list.reduce((m, x) => Math.max(m, x.version), 0);
  if (current > newest) {
    throw new Error(`the database schema is version ${current}, newer than this lab knows (${newest}); use a newer NUMA Lab or another --db`);
  }
  for (const m of [...list].sort((a, b) => a.version - b.version)) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
}
