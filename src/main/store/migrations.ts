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
  {
    version: 2,
    name: 'knob journal',
    // knob_journal: one row per knob the lab changed on a host, holding the value from before the
    // first change; restored_at stays NULL until that value is back. knob_changes: every write,
    // with who asked; a row is committed before the write it describes.
    sql: `
      CREATE TABLE knob_journal (
        id INTEGER PRIMARY KEY,
        target TEXT NOT NULL,
        knob_id TEXT NOT NULL,
        path TEXT NOT NULL,
        original TEXT NOT NULL,
        rank INTEGER NOT NULL,
        first_changed_at TEXT NOT NULL,
        restored_at TEXT,
        owner TEXT
      );
      CREATE UNIQUE INDEX knob_journal_open ON knob_journal (target, knob_id) WHERE restored_at IS NULL;
      CREATE TABLE knob_changes (
        id INTEGER PRIMARY KEY,
        journal_id INTEGER NOT NULL REFERENCES knob_journal (id),
        at TEXT NOT NULL,
        origin TEXT NOT NULL CHECK (origin IN ('ui', 'cli', 'experiment', 'restore', 'recovery')),
        old_value TEXT,
        new_value TEXT NOT NULL,
        outcome TEXT NOT NULL DEFAULT 'pending' CHECK (outcome IN ('pending', 'ok', 'refused')),
        error TEXT
      );
      CREATE INDEX knob_changes_journal ON knob_changes (journal_id);`,
  },
  {
    version: 3,
    name: 'telemetry runs',
    // runs: one sampling run of one host (owner = the lab process writing it, so the next start
    // can tell a run whose writer died). counters: what each name counts (unit, counter/gauge,
    // family) from src/shared/telemetry/catalog.ts. sample_times: every frame's time (ms since
    // the run's first frame, host monotonic clock). samples: a value only when it changed since
    // the counter's previous row (NULL = the counter vanished); the state at any sample time is
    // the latest row at or before it. events: kernel log, resets, knob changes, phases.
    sql: `
      CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        target TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('running', 'completed', 'interrupted', 'host-lost', 'crashed', 'stopped-by-user')),
        status_reason TEXT,
        rate_hz REAL NOT NULL,
        duration_s REAL,
        started_at TEXT NOT NULL,
        ended_at TEXT,
        host_clock TEXT,
        host_t0 REAL,
        kernel TEXT,
        sample_count INTEGER NOT NULL DEFAULT 0,
        last_t_ms INTEGER,
        owner TEXT NOT NULL,
        meta_json TEXT
      );
      CREATE INDEX runs_status ON runs (status);
      CREATE TABLE counters (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        unit TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('counter', 'gauge')),
        family TEXT NOT NULL
      );
      CREATE TABLE sample_times (
        run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        t_ms INTEGER NOT NULL,
        PRIMARY KEY (run_id, t_ms)
      ) WITHOUT ROWID;
      CREATE TABLE samples (
        run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        counter_id INTEGER NOT NULL REFERENCES counters (id),
        t_ms INTEGER NOT NULL,
        value INTEGER,
        PRIMARY KEY (run_id, counter_id, t_ms)
      ) WITHOUT ROWID;
      CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        t_ms INTEGER NOT NULL,
        kind TEXT NOT NULL,
        severity TEXT,
        counter_id INTEGER REFERENCES counters (id),
        text TEXT NOT NULL,
        data_json TEXT
      );
      CREATE INDEX events_run ON events (run_id, t_ms);`,
  },
  {
    version: 4,
    name: 'experiments',
    // One row per `run` request (its repetitions, the prediction and the verdicts in outcome_json);
    // the time series of each repetition live in the telemetry runs it names.
    sql: `
      CREATE TABLE experiments (
        id INTEGER PRIMARY KEY,
        created_at TEXT NOT NULL,
        ended_at TEXT,
        owner TEXT NOT NULL,
        target TEXT NOT NULL,
        workload TEXT NOT NULL,
        request_json TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('running', 'completed', 'failed', 'stopped', 'interrupted')),
        error TEXT,
        kernel TEXT,
        model TEXT,
        diverged INTEGER,
        outcome_json TEXT
      );
      CREATE INDEX experiments_target ON experiments (target, id);`,
  },
  {
    version: 5,
    name: 'host transcripts',
    // What terminal tabs showed and what the user typed, except answers at password prompts
    // (redacted before they get here, see hosts/transcript.ts). One row per chunk.
    sql: `
      CREATE TABLE host_transcripts (
        id INTEGER PRIMARY KEY,
        target TEXT NOT NULL,
        terminal TEXT NOT NULL,
        at TEXT NOT NULL,
        dir TEXT NOT NULL CHECK (dir IN ('in', 'out')),
        data TEXT NOT NULL
      );
      CREATE INDEX host_transcripts_target ON host_transcripts (target, id);`,
  },
  {
    version: 6,
    name: 'experiment verdicts',
    // The experiment's named verdict (agrees, diverged, undecided, vacuous, ...) beside the old
    // boolean, and the code of the error that ended it (the CLI's exit status follows the code).
    sql: `
      ALTER TABLE experiments ADD COLUMN verdict TEXT;
      ALTER TABLE experiments ADD COLUMN error_code TEXT;`,
  },
  {
    version: 7,
    name: 'saved model variants',
    // A variant the user named in the Simulator: a base preset and behaviour switches over it
    // (the patch under test), as the JSON of shared/sim/behaviours.ts VariantDefinitionSchema.
    sql: `
      CREATE TABLE model_variants (
        name TEXT PRIMARY KEY,
        saved_at TEXT NOT NULL,
        definition_json TEXT NOT NULL
      );`,
  },
  {
    version: 8,
    name: 'telemetry chart choice',
    // The charts the Telemetry view draws for a host, as the JSON array of shared/telemetry/charts.ts
    // choices (family:<family>, a counter name, numastat.node*.<key>). No row: the lab's defaults.
    sql: `
      CREATE TABLE telemetry_charts (
        target TEXT PRIMARY KEY,
        saved_at TEXT NOT NULL,
        charts_json TEXT NOT NULL
      );`,
  },
  {
    version: 9,
    name: 'migrate trace',
    // The tracefs instance the lab makes on a host to trace migrate_pages() calls, journaled
    // before it is made (like a knob): the files it set and the value each held, the reader
    // process and its folder, so a start after a lab that died can put it all back. And the
    // records a run's trace captured, on the run's clock (t_ms), each with the task that made it.
    sql: `
      CREATE TABLE trace_journal (
        id INTEGER PRIMARY KEY,
        target TEXT NOT NULL,
        tracefs TEXT,
        instance TEXT NOT NULL,
        settings_json TEXT NOT NULL DEFAULT '{}',
        reader_pid INTEGER,
        reader_dir TEXT,
        run_id INTEGER,
        owner TEXT,
        started_at TEXT NOT NULL,
        restored_at TEXT,
        restore_note TEXT
      );
      CREATE INDEX trace_journal_open ON trace_journal (target) WHERE restored_at IS NULL;
      CREATE TABLE trace_calls (
        run_id INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        t_ms REAL NOT NULL,
        event TEXT NOT NULL,
        comm TEXT,
        pid INTEGER,
        tgid INTEGER,
        cpu INTEGER,
        fields_json TEXT NOT NULL,
        PRIMARY KEY (run_id, seq)
      );`,
  },
];
