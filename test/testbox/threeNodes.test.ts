import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lab } from '../../src/main/lab';
import { registerTestboxTransport, testboxDown, testboxUp, type TestboxDescriptor } from '../../src/main/testbox';
import { labInTempDir } from '../support/labInTempDir';
import { PER_RUN_COUNTERS } from '../../src/shared/experiments/perRun';

/**
 * Held out: a 3-node virtual box (Debian 6.12), which no fact of the model was traced on. Moves
 * to and from node 2, through move_pages(2) and through NUMA balancing, judged run by run
 * against the replay.
 */
const log = (line: string) => console.log(`[testbox] ${line}`);
const name = `vt3n-${process.pid}`;
registerTestboxTransport();
const lab: Lab = labInTempDir('testbox-3n', { knobs: { autoRestore: false } });
let box: TestboxDescriptor;

beforeAll(async () => {
  box = await testboxUp({ kernel: '6.12', nodes: 3, memPerNodeMiB: 1024, cpusPerNode: 1, name, log });
}, 900_000);

afterAll(async () => {
  await lab.dropSession(box?.target ?? `testbox:${name}`);
  await testboxDown(name).catch((e: Error) => log(`down ${name}: ${e.message}`));
}, 60_000);

async function experiment(workload: string, params: Record<string, string>) {
  const { done } = await lab.experiments.start({ target: box.target, workload, params, knobs: {}, repeat: 1, rateHz: 5, baselineS: 0, cooldownS: 0 });
  const row = await done;
  expect(row.status, String(row.error)).toBe('completed');
  const o = row.outcome!;
  const m = o.measured[0]!.phases.migrate!;
  const p = o.predicted!.phases.migrate!;
  log(`3 nodes ${workload} ${Object.entries(params).map(([k, v]) => `${k}=${v}`).join(' ')}: ${o.judgement!.verdict}; ${[...PER_RUN_COUNTERS, 'pgmigrate_success', 'thp_migration_split'].map((c) => `${c.replace(/^numa_/, '')} ${m[c] ?? 0}/${p[c] ?? 0}`).join(', ')}`);
  // What a divergence looked like, whole, for whoever reads the log.
  if (o.judgement!.verdict !== 'agrees') log(`3 nodes, not agreeing (${o.judgement!.reason}): measured ${JSON.stringify(o.measured[0]!.phases)} move_pages ${JSON.stringify(o.measured[0]!.movePages)}; replayed ${JSON.stringify(o.predicted!.phases)}`);
  return o;
}

describe('a 3-node virtual box, held out', () => {
  it('is probed with nodes 0, 1 and 2, a CPU each', async () => {
    const facts = await lab.probe(box.target);
    expect(facts.nodes.map((n) => [n.id, n.cpus.length])).toEqual([
      [0, 1],
      [1, 1],
      [2, 1],
    ]);
  });

  it('move_pages(2) of THPs to node 2: every exact counter and status as replayed', async () => {
    // Whole THPs: the split path of partially mapped ones is the 2-node boxes' (six runs per
    // kernel); on this box one run in about ten migrated them whole (see the closing note).
    const o = await experiment('thp-move', { thps: '8', to: '2' });
    expect(o.judgement).toMatchObject({ verdict: 'agrees' });
    expect(o.measured[0]!.movePages).toEqual(o.predicted!.movePages);
    expect(o.measured[0]!.phases.migrate!.thp_migration_success).toBe(8);
  }, 120_000);

  for (const params of [
    { thps: '4', secs: '6', to: '2' },
    { thps: '4', unmap: '0.5', secs: '6', from: '2', to: '1' },
  ] as Array<Record<string, string>>) {
    it(`NUMA balancing ${params.from ?? '0'} → ${params.to}${params.unmap ? ' (partially mapped THPs)' : ''}: no counter diverges from the replay`, async () => {
      const o = await experiment('numa-touch', params);
      // Never diverged; undecided is allowed (a counter is undecided only where the model itself puts
      // a scan within a late tick of the window's end, and a loaded host's lower CPU share can put one there).
      const off = o.verdicts.filter((v) => v.verdict === 'diverged').map((v) => `${v.counter}: ${v.verdict}, ${v.reason}`);
      expect(off).toEqual([]);
      expect(['agrees', 'undecided']).toContain(o.judgement!.verdict);
    }, 120_000);
  }
});
