import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LabApiError } from '../../src/shared/api/labApi';
import { labInTempDir } from '../support/labInTempDir';
import { numaLab } from '../support/numaLabCli';

// A request refused before anything ran is an error to the caller, not a failed experiment: it
// leaves no row for the lists and the compare picker. This machine has one NUMA node, so a
// migration workload is refused; a knob value the kernel does not offer is refused too.
const lab = labInTempDir('refusal');

async function refusal(p: Promise<unknown>): Promise<LabApiError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(LabApiError);
  return e as LabApiError;
}

describe('a request refused before it runs', () => {
  it('a migration on a one-node host: needs-nodes, nothing stored', async () => {
    const e = await refusal(lab.experiments.start({ target: 'local', workload: 'thp-move', params: {}, knobs: {}, repeat: 1, rateHz: 10, baselineS: 0, cooldownS: 0 }));
    expect(e.code).toBe('needs-nodes');
    expect(e.message).toMatch(/^thp-move with these parameters needs 2 NUMA nodes, and local has 1\. Nothing was run\./);
    expect(lab.experiments.repo.list()).toEqual([]);
  });

  it('a knob value this kernel does not offer: bad-value naming the knob, nothing stored, nothing written', async () => {
    const e = await refusal(lab.experiments.start({ target: 'local', workload: 'custom', params: { cmd: 'true' }, knobs: { 'thp.defrag': 'sometimes' }, repeat: 1, rateHz: 10, baselineS: 0, cooldownS: 0 }));
    expect(e.code).toBe('bad-value');
    expect(e.message).toMatch(/^thp\.defrag: "sometimes" is not allowed; allowed: /);
    expect(lab.experiments.repo.list()).toEqual([]);
    expect(lab.knobs.stackDepth('local')).toBe(0);
  });

  it('keeps the CLI exit status of the one-node refusal (2: bad input), with the reason', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'numalab-refusal-cli-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const db = join(dir, 'lab.db');
    const r = await numaLab('run', 'local', '--workload', 'thp-move', '--db', db);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^numa-lab run: thp-move with these parameters needs 2 NUMA nodes, and local has 1\. Nothing was run\./m);
    expect(r.stdout).toBe('');
    // And the store it would have written to has no experiment.
    const list = await numaLab('compare', '1', '1', '--db', db);
    expect(list.stderr).toMatch(/no experiment 1/);
  });
});
