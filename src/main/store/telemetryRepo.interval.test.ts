import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FrameParser } from '../../shared/telemetry/frameParser';
import { RunWriter } from '../telemetry/runWriter';
import { ChartChoiceRepo } from './chartChoiceRepo';
import { openDb } from './store';
import { TelemetryRepo } from './telemetryRepo';
import { DEFAULT_CHARTS } from '../../shared/telemetry/charts';
import { slowEvery } from '../../shared/telemetry/series';

const dir = mkdtempSync(join(tmpdir(), 'numalab-interval-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("runs.series mode 'interval' (real SQLite)", () => {
  it('gives the count of each sample interval, resets folded, with the interval it covers', () => {
    const db = openDb({ path: join(dir, 'a.db') });
    const repo = new TelemetryRepo(db);
    const runId = repo.createRun('local', 10, undefined, 'test');
    const w = new RunWriter(repo, runId);
    const p = new FrameParser({ frame: (f) => w.addFrame(f) });
    const frame = (seq: number, body: string) => `@T ${seq} n${(seq + 1) * 100_000_000}\n${body}@E ${seq}\n`;
    const split = [0, 0, 1, 1, 1, 3, 3, 3, 3, 4];
    split.forEach((v, i) => p.push(frame(i, `thp_split_pmd ${v}\npgmigrate_success ${i === 6 ? 2 : 1000 + i * 512}\nnr_isolated_anon ${i * 2}\n`)));
    w.flush();
    const s = repo.series(runId, ['thp_split_pmd', 'pgmigrate_success', 'nr_isolated_anon'], 'interval', 100).series;
    expect(s[0]).toMatchObject({ mode: 'interval', unit: 'pmds', downsampled: 'none' });
    expect(s[0].intervalS).toBeCloseTo(0.1);
    expect(s[0].y).toEqual([null, 0, 1, 0, 0, 2, 0, 0, 0, 1]);
    // A reset (1000+5*512 → 2) counts the new value, never a negative count.
    expect(s[1].y[6]).toBe(2);
    expect(s[1].y.every((y) => y === null || y >= 0)).toBe(true);
    // A level stays a level.
    expect(s[2]).toMatchObject({ mode: 'value', kind: 'gauge' });
    expect(s[2].intervalS).toBeUndefined();
    // The index-seek path (long runs): counts per bucket, and the bucket is the interval.
    const seek = (repo as unknown as { seekSeries: (...a: unknown[]) => { y: Array<number | null>; intervalS?: number; mode: string } }).seekSeries(
      runId,
      repo.counterId('thp_split_pmd'),
      { name: 'thp_split_pmd', kind: 'counter', unit: 'pmds', family: 'thp' },
      'interval',
      100,
      1000,
      4,
      10,
    );
    expect(seek.mode).toBe('interval');
    expect(seek.intervalS).toBeCloseTo(0.3);
    expect(seek.y).toEqual([null, 1, 2, 1]);
    db.close();
  });

  it('rates of counters read every 2 s (per-node numastat) are taken between their reads', () => {
    // Every 2 s of ticks, at least every tick (the cadence both samplers are started with).
    for (const hz of [1, 2, 5, 10, 20, 50, 100]) expect(slowEvery(hz)).toBe(Math.max(1, Math.round(hz * 2)));
    const db = openDb({ path: join(dir, 'c.db') });
    const repo = new TelemetryRepo(db);
    const runId = repo.createRun('local', 10, undefined, 'test');
    const w = new RunWriter(repo, runId);
    const p = new FrameParser({ frame: (f) => w.addFrame(f) });
    const frame = (seq: number, body: string) => `@T ${seq} n${(seq + 1) * 100_000_000}\n${body}@E ${seq}\n`;
    // 2000 allocations between reads (every 20 ticks): 1000/s, 2000 per 2 s interval.
    for (let i = 0; i <= 60; i++) p.push(frame(i, `numa_hit ${i}\n${i % 20 === 0 ? `numastat.node0.numa_hit ${(i / 20) * 2000}\n` : ''}`));
    w.flush();
    const rate = repo.series(runId, ['numastat.node0.numa_hit'], 'rate', 1000).series[0];
    expect(rate.t).toEqual([0, 2, 4, 6]);
    expect(rate.y.slice(1).map((y) => Math.round(y!))).toEqual([1000, 1000, 1000]);
    const iv = repo.series(runId, ['numastat.node0.numa_hit'], 'interval', 1000).series[0];
    expect(iv.intervalS).toBeCloseTo(2);
    expect(iv.y.slice(1)).toEqual([2000, 2000, 2000]);
    // A window from 2.5 s: its reads are at 4 s and 6 s.
    expect(repo.series(runId, ['numastat.node0.numa_hit'], 'rate', 1000, 2.5).series[0].t).toEqual([4, 6]);
    db.close();
  });

  it('keeps a chart choice per host (migration 8), defaults when none was saved', () => {
    const db = openDb({ path: join(dir, 'b.db') });
    const r = new ChartChoiceRepo(db);
    expect(r.get('local')).toEqual({ target: 'local', charts: [...DEFAULT_CHARTS], isDefault: true });
    r.set('local', ['family:numa', 'thp_split_pmd', 'numastat.node*.numa_hit', 'thp_split_pmd']);
    db.close();
    const db2 = openDb({ path: join(dir, 'b.db') });
    const r2 = new ChartChoiceRepo(db2);
    expect(r2.get('local')).toEqual({ target: 'local', charts: ['family:numa', 'thp_split_pmd', 'numastat.node*.numa_hit'], isDefault: false });
    expect(r2.get('ssh:box').isDefault).toBe(true);
    db2.close();
  });
});
