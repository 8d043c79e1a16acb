import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { COUNTER_KINDS, COUNTER_UNITS, KIND_SOURCES } from '../../src/shared/telemetry/catalog';
import { numaLabWithin } from '../support/numaLabCli';

/**
 * A minute of this machine as `numa-lab sample` records it: levels that move both ways
 * (workingset_nodes, nr_free_pages, nr_dirty_threshold …) are levels, so nothing is called a
 * reset; and the export says, per counter, its kind, its unit and where the kind came from.
 */
const dir = mkdtempSync(join(tmpdir(), 'numalab-idle-'));
const db = join(dir, 'lab.db');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('60 s of sampling this machine', () => {
  it('has no reset events, and runs export --format json gives every counter its kind and unit', async () => {
    const s = await numaLabWithin(150_000, 'sample', 'local', '--rate', '10', '--duration', '60s', '--json', '--db', db);
    expect(s.code, s.stderr).toBe(0);
    const report = JSON.parse(s.stdout);
    expect(report.run).toMatchObject({ status: 'completed' });
    expect(report.run.samples).toBeGreaterThan(300);
    const e = await numaLabWithin(60_000, 'runs', 'export', String(report.run.id), '--format', 'json', '--db', db);
    expect(e.code, e.stderr).toBe(0);
    const doc = JSON.parse(e.stdout);
    const resets = doc.events.filter((x: { kind: string }) => x.kind === 'reset');
    expect(resets.map((x: { text: string }) => x.text)).toEqual([]);
    expect(doc.counters.length).toBeGreaterThan(100);
    for (const c of doc.counters) {
      expect(COUNTER_KINDS, c.name).toContain(c.kind);
      expect(COUNTER_UNITS, c.name).toContain(c.unit);
      expect(KIND_SOURCES, c.name).toContain(c.kindFrom);
    }
    const byName = new Map(doc.counters.map((c: { name: string }) => [c.name, c]));
    expect(byName.get('workingset_nodes')).toMatchObject({ kind: 'gauge', kindFrom: 'kernel' });
    expect(byName.get('numa_hit')).toMatchObject({ kind: 'counter', unit: 'allocations', kindFrom: 'kernel' });
    expect(byName.get('numastat.node0.numa_hit')).toMatchObject({ kind: 'counter', unit: 'allocations' });
    // This machine's kernel prints nothing the lab has to guess the kind of.
    expect(doc.counters.filter((c: { kindFrom: string }) => c.kindFrom !== 'kernel').map((c: { name: string }) => c.name)).toEqual([]);
  }, 240_000);
});
