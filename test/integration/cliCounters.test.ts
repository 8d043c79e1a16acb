import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../src/main/repoRoot';
import { numaLab } from '../support/numaLabCli';

/** `numa-lab counters`: the picker's list for scripts, on this machine's real /proc and /sys. */
describe('numa-lab counters', () => {
  it("lists every counter of this machine with its kind, unit and the kernel's home of the name", async () => {
    const r = await numaLab('counters', 'local', '--json');
    expect(r.code, r.stderr).toBe(0);
    const { target, counters } = JSON.parse(r.stdout);
    expect(target).toBe('local');
    const by = new Map(counters.map((c: { name: string }) => [c.name, c]));
    expect(by.get('thp_split_pmd')).toMatchObject({ kind: 'counter', unit: 'pmds', kindFrom: 'kernel', source: 'vm_event' });
    expect(by.get('workingset_nodes')).toMatchObject({ kind: 'gauge', kindFrom: 'kernel', source: 'node_stat' });
    expect(by.get('numastat.node0.numa_hit')).toMatchObject({ kind: 'counter', unit: 'allocations', source: 'numastat' });
    expect(counters.length).toBeGreaterThan(150);
  });

  it('narrows by search words, and says how many of how many', async () => {
    const r = await numaLab('counters', 'local', '--search', 'numa pte');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/numa_pte_updates\s+counter\s+ptes/);
    expect(r.stdout).not.toMatch(/^thp_split_pmd/m);
    expect(r.stdout).toMatch(/\d+ of \d+ counters on local/);
  });

  it('refuses a hostile target with what is allowed, exit 2', async () => {
    const r = await numaLab('counters', 'local;id');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not valid.*Allowed forms: local/s);
  });

  it('ends quietly with status 0 when its reader stops early (numa-lab counters local | head -1)', async () => {
    const child = spawn(process.execPath, [join(repoRoot(), 'bin', 'numa-lab.mjs'), 'counters', 'local'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((res) => child.on('exit', res));
    expect(stderr).not.toMatch(/EPIPE|Unhandled/);
    expect(code).toBe(0);
  });
});
