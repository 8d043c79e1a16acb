/**
 * Query: read and downsample 1 million samples of one counter to 1,000 points through
 * TelemetryRepo.series (the path runs.series takes), for a counter (rate and delta) and a gauge;
 * plus a zoomed window small enough to be read whole and downsampled with LTTB/min-max.
 * Also bytes on disk per stored sample. Usage: npx tsx bench/telemetry-query.ts [samples=1000000]
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb } from '../src/main/store/store';
import { TelemetryRepo } from '../src/main/store/telemetryRepo';
import { median } from './stats';

const N = Number(process.argv[2] ?? 1_000_000);
const dir = mkdtempSync(join(tmpdir(), 'numalab-bench-query-'));
const path = join(dir, 'lab.db');
const db = openDb({ path });
const repo = new TelemetryRepo(db);
const runId = repo.createRun('local', 10, undefined, 'bench');
const counter = repo.counterId('pgmigrate_success');
const gauge = repo.counterId('nr_free_pages');
const insS = db.prepare('INSERT INTO samples (run_id, counter_id, t_ms, value) VALUES (?, ?, ?, ?)');
const insT = db.prepare('INSERT INTO sample_times (run_id, t_ms) VALUES (?, ?)');
const t0 = performance.now();
db.transaction(() => {
  let v = 0;
  for (let i = 0; i < N; i++) {
    const t = i * 100; // 10 Hz: 1 M samples = 27.8 hours
    v += 1 + ((i * 7919) % 512);
    insS.run(runId, counter, t, v);
    insS.run(runId, gauge, t, 1_000_000 + ((i * 31) % 50_000));
    insT.run(runId, t);
  }
  db.prepare('UPDATE runs SET sample_count = ?, last_t_ms = ? WHERE id = ?').run(N, (N - 1) * 100, runId);
})();
console.log(`built a run of ${N} samples (one counter + one gauge changing every sample) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

function bench(label: string, f: () => { series: Array<{ t: number[]; downsampled: string; sourcePoints: number }> }) {
  const ms: number[] = [];
  let out;
  for (let i = 0; i < 7; i++) {
    const a = performance.now();
    out = f();
    ms.push(performance.now() - a);
  }
  const s = out!.series[0];
  console.log(`${label.padEnd(58)} median ${median(ms).toFixed(1)} ms (min ${Math.min(...ms).toFixed(1)})  → ${s.t.length} points via ${s.downsampled} from ${s.sourcePoints} samples`);
}
bench('1 M samples of a counter → 1000 points, rate', () => repo.series(runId, ['pgmigrate_success'], 'rate', 1000));
bench('1 M samples of a counter → 1000 points, delta', () => repo.series(runId, ['pgmigrate_success'], 'delta', 1000));
bench('1 M samples of a gauge → 1000 points', () => repo.series(runId, ['nr_free_pages'], 'rate', 1000));
bench('zoom: 20,000 samples of a counter → 1000 points (read whole)', () => repo.series(runId, ['pgmigrate_success'], 'rate', 1000, 1000, 3000));
bench('zoom: 20,000 samples of a gauge → 1000 points (min/max)', () => repo.series(runId, ['nr_free_pages'], 'rate', 1000, 1000, 3000));
db.pragma('wal_checkpoint(TRUNCATE)');
db.close();
const size = statSync(path).size;
console.log(`bytes on disk: ${size} for ${N} samples × 2 changed values = ${(size / N).toFixed(1)} bytes per sample (${(size / (N * 3)).toFixed(1)} bytes per row incl. the sample-time row)`);
rmSync(dir, { recursive: true, force: true });
