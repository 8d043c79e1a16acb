import { describe, expect, it } from 'vitest';
import type { TestboxSummary } from '../../../../shared/testbox/api';
import { powerOffPrompt } from './powerOff';

const box: TestboxSummary = {
  name: 'numa2-612',
  target: 'testbox:numa2-612',
  kernel: '6.12',
  release: '6.12.48+deb13-amd64',
  nodes: 2,
  cpusPerNode: 1,
  memPerNodeMiB: 1024,
  accelerator: 'tcg',
  startedAt: '2025-01-01T00:00:00.000Z',
  bootMs: 14_000,
  running: true,
  owner: 'this-lab',
  ownerPid: 812,
  ownerAlive: true,
  ownerCommand: 'numa-lab serve',
  uptimeMs: 303_000,
};

describe('the power-off confirmation', () => {
  it('names the box, its kernel and uptime, and the experiments that will stop', () => {
    const p = powerOffPrompt(box, 303_000, [{ id: 12, workload: 'numa-touch' }]);
    expect(p.title).toBe('Power off testbox:numa2-612?');
    expect(p.box).toBe('Kernel 6.12.48+deb13-amd64, 2 nodes × (1 CPU, 1024 MiB), TCG, up 5 min 03 s.');
    expect(p.owner).toBe('Started by this lab (pid 812).');
    expect(p.consequences[0]).toBe('Running experiment on it will stop: #12 (numa-touch).');
    expect(p.confirm).toBe('Power off numa2-612');
  });

  it('says when nothing of this lab runs on it, and warns about a live owner elsewhere', () => {
    const p = powerOffPrompt({ ...box, owner: 'elsewhere', ownerPid: 4410, ownerCommand: 'numa-lab testbox up' }, 61_000, []);
    expect(p.owner).toBe('Started elsewhere: numa-lab testbox up, pid 4410, still running. That process may still be using it.');
    expect(p.consequences[0]).toMatch(/^No experiment of this lab is running on it now/);
  });

  it('offers removal, not power off, for a box whose QEMU is gone', () => {
    const p = powerOffPrompt({ ...box, running: false, owner: 'elsewhere', ownerPid: 4410, ownerAlive: false, ownerCommand: 'numa-lab testbox up' }, null, []);
    expect(p.title).toBe('Remove testbox:numa2-612?');
    expect(p.box).toMatch(/no longer running/);
    expect(p.owner).toBe('Started elsewhere: numa-lab testbox up, pid 4410, exited.');
    expect(p.confirm).toBe('Remove numa2-612');
  });
});
