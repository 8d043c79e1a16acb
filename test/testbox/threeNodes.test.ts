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

  it('move_pages(2) of partially mapped THPs to node 2: every exact counter and status as replayed', async () => {
    const o = await experiment('thp-move', { thps: '8', unmap: '0.5', to: '2' });
    expect(o.judgement).toMatchObject({ verdict: 'agrees' });
    expect(o.measured[0]!.movePages).toEqual(o.predicted!.movePages);
    expect(o.measured[0]!.phases.migrate!.thp_migration_split).toBe(8);
  }, 120_000);

  it('NUMA balancing to node 2 and from node 2: the replays agree', async () => {
    const specs: Array<Record<string, string>> = [
      { thps: '4', secs: '6', to: '2' },
      { thps: '4', unmap: '0.5', secs: '6', from: '2', to: '1' },
    ];
    for (const params of specs) {
      const o = await experiment('numa-touch', params);
      expect({ params, verdict: o.judgement!.verdict, off: o.verdicts.filter((v) => v.verdict === 'diverged' || v.verdict === 'undecided').map((v) => v.reason) }).toEqual({ params, verdict: 'agrees', off: [] });
    }
  }, 180_000);
});
