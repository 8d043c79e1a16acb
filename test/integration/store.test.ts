import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate, openDb, schemaVersion } from '../../src/main/store/store';
import { migrations } from '../../src/main/store/migrations';

const dir = mkdtempSync(join(tmpdir(), 'numalab-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the SQLite store', () => {
  it('threads opening one new file at the same moment all get the schema (migrations take the write lock first)', async () => {
    // Seen in CI: two `numa-lab` commands on a fresh --db, the second failing with
    // "table hosts already exists". Worker threads released together make the race likely.
    for (let round = 0; round < 5; round++) {
      const path = join(dir, `concurrent-${round}`, 'lab.db');
      const flag = new SharedArrayBuffer(4);
      const workers = Array.from({ length: 4 }, () => new Worker(resolve(__dirname, '../../src/main/sim/tsWorkerBoot.mjs'), { workerData: { path, flag, __entry: pathToFileURL(resolve(__dirname, '../support/openStoreWorker.ts')).href } }));
      const results = workers.map((w) => new Promise<{ ok: boolean; error?: string }>((res, rej) => (w.once('message', res), w.once('error', rej))));
      await new Promise((r) => setTimeout(r, 1500)); // every worker is waiting on the flag
      Atomics.store(new Int32Array(flag), 0, 1);
      Atomics.notify(new Int32Array(flag), 0);
      const got = await Promise.all(results);
      await Promise.all(workers.map((w) => w.terminate()));
      expect(got.filter((g) => !g.ok)).toEqual([]);
      const db = openDb({ path });
      expect((db.prepare('SELECT COUNT(*) AS n FROM schema_migrations').get() as { n: number }).n).toBe(migrations.length);
      db.close();
    }
  }, 60_000);

  it('creates the file in WAL mode at the newest schema version', () => {
    const db = openDb({ path: join(dir, 'a', 'lab.db') });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(schemaVersion(db)).toBe(Math.max(...migrations.map((m) => m.version)));
    db.close();
  });

  it('applies only the migrations a file lacks, and keeps data across reopen', () => {
    const path = join(dir, 'b.db');
    const first = [migrations[0]];
    const db = openDb({ path, migrations: first });
    db.prepare("INSERT INTO hosts (target, first_seen, last_seen) VALUES ('local', 'x', 'x')").run();
    db.close();
    const again = openDb({ path, migrations: [...first, { version: 99, name: 'extra', sql: 'CREATE TABLE extra (x INTEGER);' }] });
    expect(schemaVersion(again)).toBe(99);
    expect(again.prepare('SELECT count(*) AS n FROM hosts').get()).toEqual({ n: 1 });
    again.close();
  });

  it('rolls a failing migration back whole and leaves the version unchanged', () => {
    const path = join(dir, 'c.db');
    const db = openDb({ path, migrations: [migrations[0]] });
    expect(() => migrate(db, [migrations[0], { version: 2, name: 'bad', sql: 'CREATE TABLE ok (x); CREATE TABLE ok (x);' }])).toThrow(/already exists/);
    expect(schemaVersion(db)).toBe(1);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'ok'").get()).toEqual({ n: 0 });
    db.close();
  });

  it('refuses a file from a newer lab instead of damaging it', () => {
    const path = join(dir, 'd.db');
    const db = openDb({ path, migrations: [...migrations, { version: 500, name: 'future', sql: 'SELECT 1;' }] });
    db.close();
    expect(() => openDb({ path })).toThrow(/newer than this lab knows/);
  });
});

describe('migrations landing out of order', () => {
  it('applies a lower-numbered migration a file lacks, even when a higher one is already in', () => {
    const path = join(dir, 'e.db');
    const m1 = { version: 1, name: 'a', sql: 'CREATE TABLE a (x INTEGER);' };
    const m3 = { version: 3, name: 'c', sql: 'CREATE TABLE c (x INTEGER);' };
    const m2 = { version: 2, name: 'b', sql: 'CREATE TABLE b (x INTEGER);' };
    openDb({ path, migrations: [m1, m3] }).close();
    const db = openDb({ path, migrations: [m1, m2, m3] });
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'b'").get()).toEqual({ n: 1 });
    expect(schemaVersion(db)).toBe(3);
    db.close();
  });

  it('repairs a file from before the applied-set table whose user_version skipped a migration', () => {
    const path = join(dir, 'f.db');
    const raw = openDb({ path, migrations: [{ version: 1, name: 'a', sql: 'CREATE TABLE a (x INTEGER);' }] });
    raw.exec('DROP TABLE schema_migrations; CREATE TABLE c (x INTEGER);');
    raw.pragma('user_version = 3');
    raw.close();
    const db = openDb({
      path,
      migrations: [
        { version: 1, name: 'a', sql: 'CREATE TABLE a (x INTEGER);' },
        { version: 2, name: 'b', sql: 'CREATE TABLE b (x INTEGER);' },
        { version: 3, name: 'c', sql: 'CREATE TABLE c (x INTEGER);' },
      ],
    });
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'b'").get()).toEqual({ n: 1 });
    db.close();
  });
});
