import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processIdentity } from '../../src/main/knobs/owner';
import { describeThisProcess, ownerFields } from '../../src/main/testbox/boxOwner';
import { writeDescriptor } from '../../src/main/testbox/boxState';
import { testboxHandlers, testboxSummary } from '../../src/main/testbox/handlers';
import { stoppedBoxDescriptor } from '../support/boxDescriptor';
import { numaLab } from '../support/numaLabCli';
import { until } from '../support/until';

// Who started a box, told from real descriptor files in a temp state folder and the real /proc
// of real processes: this test process plays "this lab", a spawned `sleep` the other process.
const state = mkdtempSync(join(tmpdir(), 'numalab-boxowner-'));
const savedState = process.env.NUMA_LAB_TESTBOX_STATE;
let other: ChildProcess;

beforeAll(async () => {
  process.env.NUMA_LAB_TESTBOX_STATE = state;
  other = spawn('sleep', ['300'], { stdio: 'ignore' });
  await until('the spawned sleep to show in /proc', () => processIdentity(other.pid!) !== null, 5000);
  const stranger = processIdentity(other.pid!)!;
  writeDescriptor(stoppedBoxDescriptor('mine', ownerFields()));
  writeDescriptor(stoppedBoxDescriptor('from-terminal', { startedBy: stranger, startedByCommand: 'numa-lab testbox up' }));
  // This process's pid with another start time: a recycled pid, not this lab.
  writeDescriptor(stoppedBoxDescriptor('recycled', { startedBy: `${process.pid}:1`, startedByCommand: 'numa-lab serve' }));
  writeDescriptor(stoppedBoxDescriptor('old', {}));
});

afterAll(() => {
  if (other.exitCode === null) other.kill('SIGKILL');
  if (savedState === undefined) delete process.env.NUMA_LAB_TESTBOX_STATE;
  else process.env.NUMA_LAB_TESTBOX_STATE = savedState;
  rmSync(state, { recursive: true, force: true });
});

const list = () => testboxHandlers(() => {}, async () => {}, () => {})['testbox.list']();
const byName = async () => new Map((await list()).map((b) => [b.name, b]));

describe('who started a box', () => {
  it('records this process as the starter of a new descriptor', () => {
    const f = ownerFields();
    expect(f.startedBy).toBe(processIdentity());
    expect(f.startedBy).toMatch(new RegExp(`^${process.pid}:\\d+$`));
  });

  it('tells this lab, another live process, a recycled pid and an unknown starter apart', async () => {
    const boxes = await byName();
    expect([...boxes.keys()]).toEqual(['from-terminal', 'mine', 'old', 'recycled']);
    expect(boxes.get('mine')).toMatchObject({ owner: 'this-lab', ownerPid: process.pid, ownerAlive: true, running: false, uptimeMs: null });
    expect(boxes.get('from-terminal')).toMatchObject({ owner: 'elsewhere', ownerPid: other.pid, ownerAlive: true, ownerCommand: 'numa-lab testbox up' });
    expect(boxes.get('recycled')).toMatchObject({ owner: 'elsewhere', ownerPid: process.pid, ownerAlive: false });
    expect(boxes.get('old')).toMatchObject({ owner: 'elsewhere', ownerPid: null, ownerAlive: null });
  });

  it('sees the other process exit', async () => {
    const gone = new Promise((r) => other.once('exit', r));
    other.kill('SIGTERM');
    await gone;
    const boxes = await byName();
    expect(boxes.get('from-terminal')).toMatchObject({ owner: 'elsewhere', ownerPid: other.pid, ownerAlive: false });
  });

  it('gives a running box its uptime from startedAt, and a stopped one none', () => {
    const d = stoppedBoxDescriptor('uptime', ownerFields());
    const now = Date.parse(d.startedAt) + 125_000;
    expect(testboxSummary({ ...d, running: true }, now).uptimeMs).toBe(125_000);
    expect(testboxSummary({ ...d, running: false }, now).uptimeMs).toBeNull();
  });

  it('names the starting process by its subcommand, never its flags', () => {
    expect(describeThisProcess(['/usr/bin/node', '/opt/lab/bin/numa-lab.mjs', 'testbox', 'up', '--kernel', '6.12'], undefined)).toBe('numa-lab testbox up');
    expect(describeThisProcess(['/usr/bin/node', '/opt/lab/bin/numa-lab.mjs', 'serve', '--token', 'secret'], undefined)).toBe('numa-lab serve');
    expect(describeThisProcess(['/usr/bin/node', '/opt/lab/bin/numa-lab.mjs', 'ab', 'x'], undefined)).toBe('numa-lab ab x');
    expect(describeThisProcess(['/opt/NUMA Lab/numa-lab', '.'], '30.0.0')).toBe('NUMA Lab desktop');
  });

  it('`numa-lab testbox list` prints the starter and its pid, and --json adds ownerPid and ownerAlive', async () => {
    const text = await numaLab('testbox', 'list');
    expect(text.code).toBe(0);
    // The CLI is never the lab: even the box this process started reads as a pid that is still running.
    expect(text.stdout).toMatch(new RegExp(`testbox:mine .*started by .*pid ${process.pid}, still running`));
    expect(text.stdout).toMatch(new RegExp(`testbox:from-terminal .*started by numa-lab testbox up, pid ${other.pid}, exited`));
    expect(text.stdout).toMatch(/testbox:old .*started by an unknown process/);
    const json = await numaLab('testbox', 'list', '--json');
    const boxes = JSON.parse(json.stdout) as Array<{ name: string; ownerPid: number | null; ownerAlive: boolean | null; startedBy?: string; uptimeMs: number | null }>;
    expect(boxes.find((b) => b.name === 'mine')).toMatchObject({ ownerPid: process.pid, ownerAlive: true, startedBy: processIdentity(), uptimeMs: null });
    expect(boxes.find((b) => b.name === 'old')).toMatchObject({ ownerPid: null, ownerAlive: null });
  });
});
