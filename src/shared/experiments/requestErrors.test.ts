import { describe, expect, it } from 'vitest';
import { fieldErrorOf, nodeShortfall, refusedBeforeRun } from './requestErrors';

const req = { target: 'local', workload: 'thp-move', params: { thps: '8', to: '3' }, knobs: { 'thp.defrag': 'bogus' } };

describe('fieldErrorOf: a refusal beside the field that caused it', () => {
  it('words the one-node refusal without CLI syntax, beside the workload, pointing at the NUMA box view', () => {
    const e = fieldErrorOf(
      req,
      'needs-nodes',
      'thp-move with these parameters needs 2 NUMA nodes, and local has 1. Nothing was run. Boot a virtual NUMA box (numa-lab testbox up --kernel 6.12 --nodes 2) and run against its testbox:<name> target, or pass --param migrate=0 to measure the faults alone',
    );
    expect(e).toMatchObject({ field: 'workload', needsNodes: true });
    expect(e.text).toBe(
      'thp-move moves memory between nodes: with these parameters it needs 2 NUMA nodes, and local has only one. Boot a NUMA box in the NUMA box view and pick it as the host, or set migrate to 0 to measure the THP faults alone. Nothing was run.',
    );
    expect(e.text).not.toMatch(/--|numa-lab|testbox:/);
  });

  it('puts a bad parameter beside that parameter', () => {
    expect(fieldErrorOf(req, 'bad-request', 'workload thp-move: parameter "thps" given "x"; allowed: 1..4096').field).toBe('param:thps');
    const node = fieldErrorOf(req, 'bad-request', '--param to=3: local has no node 3 (nodes: 0)');
    expect(node).toEqual({ field: 'param:to', text: 'to=3: local has no node 3 (nodes: 0)' });
    expect(fieldErrorOf(req, 'bad-request', 'workload thp-move: parameters "from" and "to" are both 0; allowed: two different nodes').field).toBe('param:to');
  });

  it('puts a bad knob value beside the knobs', () => {
    expect(fieldErrorOf(req, 'bad-value', 'thp.defrag: "bogus" is not allowed; allowed: always defer madvise never').field).toBe('knobs');
    expect(fieldErrorOf(req, 'bad-value', 'unknown model knob "sim.x"; allowed: sim.cpu_share').field).toBe('knobs');
    expect(fieldErrorOf(req, 'bad-request', 'bad parameters for experiments.start: request.knobs.thp.enabled: String must contain at most 64 character(s)').field).toBe('knobs');
  });

  it('puts a model refusal beside the model, and anything else by the Run button', () => {
    expect(fieldErrorOf({ ...req, kernel: 'linux-9' }, 'bad-request', 'kernel "linux-9": not a kernel release (like 6.1.0-56-amd64) nor a variant').field).toBe('model');
    expect(fieldErrorOf(req, 'busy', 'an experiment is already running on local; stop it first')).toEqual({ field: null, text: 'an experiment is already running on local; stop it first' });
  });

  it("says the same before Run from the host's node count, and nothing where the host has the nodes or the params are not valid yet", () => {
    const thp = { target: 'local', workload: 'thp-move', params: { thps: '8', migrate: '1', from: '0', to: '1' } };
    expect(nodeShortfall(thp, 1)).toMatchObject({ field: 'workload', needsNodes: true, text: expect.stringMatching(/^thp-move moves memory between nodes: with these parameters it needs 2 NUMA nodes, and local has only one\./) });
    expect(nodeShortfall(thp, 2)).toBeUndefined();
    expect(nodeShortfall({ ...thp, params: { ...thp.params, migrate: '0' } }, 1)).toBeUndefined();
    expect(nodeShortfall({ ...thp, params: { thps: 'many' } }, 1)).toBeUndefined();
    expect(nodeShortfall({ target: 'local', workload: 'custom', params: { cmd: 'true' } }, 1)).toBeUndefined();
  });

  it('recognises a refused request an older lab stored as a failed experiment, and nothing that ran', () => {
    expect(refusedBeforeRun({ status: 'failed', errorCode: 'needs-nodes', kernel: null })).toBe(true);
    expect(refusedBeforeRun({ status: 'failed', errorCode: 'bad-value', kernel: null })).toBe(true);
    // It reached the host (a kernel was measured), or it failed for a reason that is not the input.
    expect(refusedBeforeRun({ status: 'failed', errorCode: 'bad-value', kernel: '6.1.0-18-amd64' })).toBe(false);
    expect(refusedBeforeRun({ status: 'failed', errorCode: 'connect-failed', kernel: null })).toBe(false);
    expect(refusedBeforeRun({ status: 'completed', errorCode: null, kernel: null })).toBe(false);
  });
});
