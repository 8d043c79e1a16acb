import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lab } from '../../src/main/lab';
import type { CounterDesc, LivePoint } from '../../src/shared/telemetry/api';
import { until } from '../support/until';

// The Telemetry view's LabApi on this machine: the counter picker's list, the chart choice kept
// per host, and a live push that carries every counter (not only the charted families).
const dir = mkdtempSync(join(tmpdir(), 'numalab-telview-'));
let lab: Lab;
beforeAll(() => {
  lab = new Lab({ dbPath: join(dir, 'lab.db'), shell: 'headless', knobs: { autoRestore: false, mountDebugfs: false } });
});
afterAll(async () => {
  await lab?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the Telemetry view through LabApi (this machine)', () => {
  it('lists every counter the host has, each described by the catalog', async () => {
    const r = (await lab.dispatch('telemetry.counters', { target: 'local' })) as { source: string; counters: CounterDesc[] };
    expect(r.source).toBe('host');
    const by = new Map(r.counters.map((c) => [c.name, c]));
    expect(by.get('numa_hit')).toMatchObject({ unit: 'allocations', kind: 'counter' });
    expect(by.get('thp_split_pmd')).toMatchObject({ unit: 'pmds' });
    expect(by.get('numa_pte_updates')).toMatchObject({ unit: 'ptes' });
    expect(by.get('numastat.node0.numa_hit')).toMatchObject({ unit: 'allocations', family: 'node' });
    expect(r.counters.length).toBeGreaterThan(100);
  });

  it('keeps the chart choice per host and refuses entries that are not choices', async () => {
    expect(await lab.dispatch('telemetry.charts', { target: 'local' })).toMatchObject({ isDefault: true, charts: ['family:numa', 'family:migration', 'family:thp', 'family:compaction'] });
    await lab.dispatch('telemetry.setCharts', { target: 'local', charts: ['family:numa', 'thp_split_pmd', 'numastat.node*.numa_hit'] });
    expect(await lab.dispatch('telemetry.charts', { target: 'local' })).toEqual({ target: 'local', isDefault: false, charts: ['family:numa', 'thp_split_pmd', 'numastat.node*.numa_hit'] });
    await expect(lab.dispatch('telemetry.setCharts', { target: 'local', charts: ['rm -rf /'] })).rejects.toMatchObject({ code: 'bad-request' });
  });

  it('pushes every counter that changed live, picked families included', async () => {
    const points: LivePoint[] = [];
    const off = lab.subscribe((e, p) => {
      if (e === 'telemetry.samples') points.push(...(p as { points: LivePoint[] }).points);
    });
    const { runId } = (await lab.dispatch('telemetry.start', { target: 'local', rateHz: 10 })) as { runId: number };
    await until('5 live points', () => points.length >= 5, 15000);
    await lab.dispatch('telemetry.stop', { runId });
    off();
    const names = new Set(points.flatMap((p) => Object.keys(p.v)));
    // Not in the charted families: memory (pgfault), per node (numastat), and still the NUMA ones.
    for (const n of ['pgfault', 'thp_split_pmd', 'numa_pte_updates', 'numa_hit', 'numastat.node0.numa_hit']) expect(names.has(n), n).toBe(true);
  });
});
