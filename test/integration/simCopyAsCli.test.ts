import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { labInTempDir } from '../support/labInTempDir';
import { repoRoot } from '../../src/main/repoRoot';
import { simCommandLines, simFormSpec, type SimCliForm } from '../../src/renderer/src/panels/sim/simCommandLine';
import { WORKLOADS } from '../../src/shared/workloads';

// "Copy as CLI" on the Simulator: the line the form shows, pasted into a real shell (with
// `numa-lab` on PATH as a user has it), must predict what the form's own LabApi call predicts.

const sh = promisify(execFile);
const bin = mkdtempSync(join(tmpdir(), 'numalab-simcli-bin-'));
writeFileSync(join(bin, 'numa-lab'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(join(repoRoot(), 'bin', 'numa-lab.mjs'))} "$@"\n`);
chmodSync(join(bin, 'numa-lab'), 0o755);
afterAll(() => rmSync(bin, { recursive: true, force: true }));
const lab = labInTempDir('simcli');

async function viaShell(line: string): Promise<{ phases: Record<string, Record<string, number>>; deltas: Record<string, number>; variant: { base?: string; name: string } }> {
  const r = await sh('/bin/sh', ['-c', `${line} --json`], { env: { ...process.env, PATH: `${bin}:${process.env.PATH}` }, timeout: 120000, maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(r.stdout);
}

async function viaLabApi(form: SimCliForm, kernel: SimCliForm['kernelA'], i: number) {
  return (await lab.dispatch('sim.run', { requestId: `cli-twin-${i}-${Date.now()}`, spec: simFormSpec(form, kernel) })) as { phases: Record<string, Record<string, number>>; deltas: Record<string, number>; variant: { name: string } };
}

/** The form's defaults for a workload (SimForm's defaultParams): every parameter with a default, as a string. */
const defaultParamsOf = (w: keyof typeof WORKLOADS) => Object.fromEntries(WORKLOADS[w].params.filter((p) => p.default !== null).map((p) => [p.name, String(p.default)]));

const base: SimCliForm = {
  nodes: 2,
  cpusPerNode: 1,
  memPerNodeMiB: 1024,
  distance: '',
  kernelA: { base: 'linux-6.1', behaviours: {} },
  kernelB: { base: 'linux-6.12+', behaviours: {} },
  sideBySide: true,
  workload: 'thp-move',
  params: { ...defaultParamsOf('thp-move'), unmap: '0.5' },
  thpEnabled: 'always',
  numaBalancing: '0',
};

describe('Copy as CLI on the Simulator form', () => {
  it('gives one line per kernel that, run by a shell, predicts what the form predicts', async () => {
    const lines = simCommandLines(base);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^numa-lab sim --kernel linux-6\.1 --workload thp-move /);
    expect(lines[1]).toContain('--kernel linux-6.12+');
    for (const [i, line] of lines.entries()) {
      const cli = await viaShell(line);
      const api = await viaLabApi(base, i === 0 ? base.kernelA : base.kernelB, i);
      expect(cli.phases).toEqual(api.phases);
      expect(cli.deltas).toEqual(api.deltas);
      expect(cli.variant.name).toBe(api.variant.name);
    }
    // The two kernels predict differently here (6.12 splits the THPs it cannot move): the lines are not interchangeable.
    expect(await viaShell(lines[0]!).then((r) => r.deltas)).not.toEqual(await viaShell(lines[1]!).then((r) => r.deltas));
  }, 240000);

  it('quotes what the shell would otherwise split or expand: a distance matrix with spaces, switched behaviours', async () => {
    const form: SimCliForm = {
      ...base,
      nodes: 2,
      cpusPerNode: 2,
      memPerNodeMiB: 2048,
      distance: '10, 21; 21, 10',
      kernelA: { base: 'linux-6.1', behaviours: { deferred_split_target: 'split_folios', migrate_core: 'batched' } },
      sideBySide: false,
      params: { ...base.params, thps: '4' },
    };
    const [line, ...more] = simCommandLines(form);
    expect(more).toEqual([]);
    expect(line).toContain("--distance '10, 21; 21, 10'");
    expect(line).toContain('--behaviour deferred_split_target=split_folios');
    expect(line).toContain('--mem-per-node 2048M');
    const cli = await viaShell(line!);
    const api = await viaLabApi(form, form.kernelA, 9);
    expect(cli.phases).toEqual(api.phases);
    expect(cli.deltas).toEqual(api.deltas);
    // Four THPs on the switched model: the deltas are the ones asked for, not the defaults'.
    expect(cli.deltas.thp_fault_alloc).toBe(4);
  }, 240000);
});
