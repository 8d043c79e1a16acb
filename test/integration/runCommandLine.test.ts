import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/main/cli/args';
import { GLOBAL_FLAGS } from '../../src/main/cli/commands';
import { runCommand, runRequestFromArgs } from '../../src/main/cli/run';
import { ExperimentRequestSchema, type ExperimentRequest } from '../../src/shared/experiments/api';
import { runCommandLine, runCommandWords, type RunLineRequest } from '../../src/shared/experiments/runCommandLine';
import { Lab } from '../../src/main/lab';
import { repoRoot } from '../../src/main/repoRoot';

// "Copy as CLI" on the Experiments form: the line built from the request experiments.start gets
// must parse, with the CLI's own parser and request builder, back to that request; and the line,
// pasted into a real shell, must start that experiment.
const sh = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'numalab-copycli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The request the CLI builds from a line's words (what `numa-lab run` would start). */
function parsedBack(words: string[]): ExperimentRequest {
  expect(words.slice(0, 2)).toEqual(['numa-lab', 'run']);
  const { positionals, flags } = parseArgs(words.slice(2), [...runCommand.flags, ...GLOBAL_FLAGS]);
  return runRequestFromArgs(positionals, flags);
}

const asStarted = (r: RunLineRequest) => ExperimentRequestSchema.parse(r);

describe('runCommandWords parses back to the same request', () => {
  it('a thp-move with knobs, a model and its behaviour switches', () => {
    const req: RunLineRequest = {
      target: 'testbox:numa2',
      workload: 'thp-move',
      params: { thps: '8', migrate: '1', from: '0', to: '1' },
      knobs: { 'thp.enabled': 'always', 'numa.balancing': '0' },
      repeat: 3,
      rateHz: 20,
      kernel: 'linux-6.12+',
      variant: { behaviours: { deferred_split_target: 'from' } },
    };
    expect(parsedBack(runCommandWords(req))).toEqual(asStarted(req));
  });

  it('a custom command full of shell syntax, baseline and cooldown 0, no trace', () => {
    const req: RunLineRequest = {
      target: 'local',
      workload: 'custom',
      params: { cmd: `echo "it's $(id -u)" \`uname\` > /dev/null; exit 0 # *` },
      knobs: {},
      repeat: 1,
      rateHz: 10,
      baselineS: 0,
      cooldownS: 0,
      trace: false,
    };
    const words = runCommandWords(req);
    expect(parsedBack(words)).toEqual(asStarted(req));
    expect(words).toContain('--no-trace');
    expect(words).not.toContain('--kernel');
  });
});

describe('the copied line in a real shell', () => {
  it('starts the same experiment: stored with the request the form had, and says how to open it in the app', { timeout: 120_000 }, async () => {
    const req: RunLineRequest = {
      target: 'local',
      workload: 'custom',
      params: { cmd: `printf '%s\\n' "copied $((6*7))" 'a b'; echo "it's" >&2` },
      knobs: {},
      repeat: 1,
      rateHz: 10,
      baselineS: 0,
      cooldownS: 0,
    };
    const line = runCommandLine(req);
    const db = join(dir, 'lab.db');
    // `numa-lab` as a user has it: a program on PATH (here a wrapper over the repo's bin).
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'numa-lab'), `#!/bin/sh\nexec "${process.execPath}" "${join(repoRoot(), 'bin', 'numa-lab.mjs')}" "$@"\n`, { mode: 0o755 });
    const r = await sh('sh', ['-c', line], { env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, NUMA_LAB_DB: db }, timeout: 60000 });
    const id = Number(/open in the app: Experiments → #(\d+) \(#\/experiments\?id=\1\)$/m.exec(r.stdout)?.[1]);
    expect(id).toBeGreaterThan(0);
    expect(r.stdout).toMatch(/command output, repetition 1 \(exit status 0\):\n {2}stdout:\n {4}copied 42\n {4}a b\n {2}stderr:\n {4}it's/);
    const lab = new Lab({ dbPath: db, shell: 'headless' });
    try {
      const row = lab.experiments.mustGet(id);
      expect(row.status).toBe('completed');
      expect(row.request).toEqual(asStarted(req));
      expect(row.outcome!.measured[0]!.output).toBe('copied 42\na b\n');
    } finally {
      await lab.close();
    }
  });
});
