/**
 * Ingest: parse + store throughput of vmstat snapshots (rows/s) through FrameParser and
 * RunWriter, beside raw better-sqlite3 inserts of exactly the same rows in the same batches.
 * Also bytes on disk per stored sample (frame) and per row.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb } from '../src/main/store/store';
import { TelemetryRepo } from '../src/main/store/telemetryRepo';
import { RunWriter } from '../src/main/telemetry/runWriter';
import { FrameParser } from '../src/shared/telemetry/frameParser';
import { median } from './stats';

const FRAMES = Number(process.argv[2] ?? 6000);
const BATCH = 10; // frames per transaction: 100 ms at 100 Hz, 1 s at 10 Hz
const dir = mkdtempSync(join(tmpdir(), 'numalab-bench-ingest-'));
const base = readFileSync('/proc/vmstat', 'utf8').trim().split('\n').map((l) => l.split(' ')) as Array<[string, string]>;
const values = base.map(([, v]) => Number(v));
// A busy machine: about 50 of ~190 counters move each tick.
const texts: string[] = [];
for (let f = 0; f < FRAMES; f++) {
  for (let k = 0; k < 50; k++) values[(f * 7 + k * 13) % values.length] += 1 + ((f * k) % 97);
  texts.push(`@T ${f} n${(f + 1) * 100_000_000}\n${base.map(([n], i) => `${n} ${values[i]}`).join('\n')}\n@E ${f}\n`);
}

function runLab(path: string): { ms: number; rows: number } {
  const db = openDb({ path });
  const repo = new TelemetryRepo(db);
  const runId = repo.createRun('local', 10, undefined, 'bench');
  const w = new RunWriter(repo, runId);
  const p = new FrameParser({ frame: (f) => w.addFrame(f) });
  const t0 = performance.now();
  for (let f = 0; f < FRAMES; f++) {
    p.push(texts[f]);
    if (f % BATCH === BATCH - 1) w.flush();
  }
  w.flush();
  const ms = performance.now() - t0;
  const rows = (db.prepare('SELECT (SELECT count(*) FROM samples) + (SELECT count(*) FROM sample_times) AS n').get() as { n: number }).n;
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return { ms, rows };
}

function runRaw(src: string, path: string): number {
  const from = openDb({ path: src });
  const samples = from.prepare('SELECT run_id, counter_id, t_ms, value FROM samples ORDER BY t_ms, counter_id').raw().all() as number[][];
  const times = from.prepare('SELECT run_id, t_ms FROM sample_times ORDER BY t_ms').raw().all() as number[][];
  from.close();
  const db = openDb({ path });
  db.prepare("INSERT INTO runs (id, target, status, rate_hz, started_at, owner) VALUES (1, 'x', 'running', 10, 'x', 'x')").run();
  const counters = new Set(samples.map((r) => r[1]));
  for (const c of counters) db.prepare("INSERT INTO counters (id, name, unit, kind, family) VALUES (?, ?, 'pages', 'counter', 'other')").run(c, `c${c}`);
  const ins = db.prepare('INSERT INTO samples (run_id, counter_id, t_ms, value) VALUES (?, ?, ?, ?)');
  const insT = db.prepare('INSERT INTO sample_times (run_id, t_ms) VALUES (?, ?)');
  // Same batches: the rows of BATCH frames per transaction.
  const byFrame = new Map<number, number[][]>();
  for (const r of samples) (byFrame.get(r[2]) ?? byFrame.set(r[2], []).get(r[2])!).push(r);
  const tx = db.transaction((ts: number[][]) => {
    for (const t of ts) {
      for (const r of byFrame.get(t[1]) ?? []) ins.run(r[0], r[1], r[2], r[3]);
      insT.run(t[0], t[1]);
    }
  });
  const t0 = performance.now();
  for (let i = 0; i < times.length; i += BATCH) tx(times.slice(i, i + BATCH));
  const ms = performance.now() - t0;
  db.close();
  return ms;
}

const labMs: number[] = [];
const rawMs: number[] = [];
let rows = 0;
for (let rep = 0; rep < 3; rep++) {
  const a = join(dir, `lab${rep}.db`);
  const r = runLab(a);
  rows = r.rows;
  labMs.push(r.ms);
  rawMs.push(runRaw(a, join(dir, `raw${rep}.db`)));
}
const lab = median(labMs);
const raw = median(rawMs);
const size = statSync(join(dir, 'lab0.db')).size;
console.log(`frames: ${FRAMES} vmstat snapshots of ${base.length} counters (~50 change per frame), ${BATCH} frames per transaction`);
console.log(`rows stored (changed values + sample times): ${rows}`);
console.log(`parse + store (FrameParser + RunWriter): ${(rows / (lab / 1000)).toFixed(0)} rows/s  (${((FRAMES / lab) * 1000).toFixed(0)} frames/s, median of 3: ${lab.toFixed(0)} ms)`);
console.log(`raw better-sqlite3 inserts, same rows:   ${(rows / (raw / 1000)).toFixed(0)} rows/s  (median of 3: ${raw.toFixed(0)} ms)`);
console.log(`ratio lab/raw: ${((raw / lab) * 100).toFixed(0)} %  (target >= 70 %)`);
console.log(`bytes on disk: ${size} for ${FRAMES} samples = ${(size / FRAMES).toFixed(0)} bytes per stored sample (all ${base.length} counters), ${(size / rows).toFixed(1)} bytes per row`);
rmSync(dir, { recursive: true, force: true });
