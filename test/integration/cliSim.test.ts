import { describe, expect, it } from 'vitest';
import { numaLab } from '../support/numaLabCli';

// `numa-lab sim` is a contract users script in CI: its flags, JSON shape and exit codes.

describe('numa-lab sim', () => {
  it('prints the shared result shape with per-phase and total deltas for a kernel release', async () => {
    const r = await numaLab('sim', '--kernel', '6.12.117+deb13-amd64', '--workload', 'thp-move', '--param', 'thps=8', '--param', 'unmap=0.5', '--param', 'pages=all', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(Object.keys(j)).toEqual(expect.arrayContaining(['kernel', 'workload', 'params', 'phases', 'deltas', 'events']));
    expect(j.workload).toBe('thp-move');
    expect(j.params).toMatchObject({ thps: 8, unmap: 0.5, pages: 'all' });
    expect(Object.keys(j.phases)).toEqual(['setup', 'migrate']);
    // The ground truth's 6.12 case b: split first, still 512 pages counted per THP.
    expect(j.phases.migrate).toMatchObject({ pgmigrate_success: 4096, thp_migration_fail: 8, thp_migration_split: 8, thp_split_page: 8 });
    expect(j.deltas.thp_fault_alloc).toBe(8);
    expect(j.variant.name).toBe('linux-6.12+');
    expect(j.movePages.status).toEqual({ node1: 2040, '-EBUSY': 8 });
  });

  it('predicts the posted v5 BUG on the NUMA-balancing path', async () => {
    const r = await numaLab('sim', '--kernel', 'v5-posted', '--workload', 'numa-touch', '--param', 'thps=1', '--param', 'unmap=0.5', '--knob', 'numa.balancing=1', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).bug.condition).toMatch(/BUG_ON\(!list_empty\(&migratepages\)\)/);
  });

  it('refuses a bad parameter with exit 2 and names what is allowed', async () => {
    const r = await numaLab('sim', '--kernel', 'linux-6.1', '--workload', 'thp-move', '--param', 'unmap=2');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unmap/);
    expect(r.stderr).toMatch(/0.*1/);
  });

  it('refuses an unknown kernel variant with exit 2', async () => {
    const r = await numaLab('sim', '--kernel', 'bogus', '--workload', 'thp-move');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/linux-6\.1/);
  });
});
