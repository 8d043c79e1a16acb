/**
 * Versioned schema migrations. Append only: a released migration is never edited, a new one is
 * added with the next version. Each runs in its own transaction with its version bump.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: Migration[] = [
  {
    version: 1,
    name: 'hosts',
    sql: `
      CREATE TABLE hosts (
        id INTEGER PRIMARY KEY,
        target TEXT NOT NULL UNIQUE,
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        facts_json TEXT
      );`,
  },
];
