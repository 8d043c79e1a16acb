/**
 * `numa-lab sim --distance`: the node distance matrix on the command line (a contract: exit 2 and
 * a message naming what was wrong and what is allowed for bad input), and topologies up to
 * 8 nodes × 64 GiB.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/main/cli/main';

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(
    argv,
    (l) => ((stdout += `${l}\n`), true),
    (l) => ((stderr += `${l}\n`), true),
  );
  return { code, stdout, stderr };
}

const THP_MOVE = ['sim', '--kernel', 'linux-6.12+', '--workload', 'thp-move', '--param', 'thps=2'];

describe('numa-lab sim --distance', () => {
  it('refuses a matrix it cannot read, with exit 2, the entry, and the form allowed', async () => {
    const r = await cli(...THP_MOVE, '--distance', '10,20;20,x');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--distance row 2, entry 2 is "x"; allowed: whole numbers 10\.\.254, e\.g\. --distance '10,20;20,10'/);
    expect(r.stdout).toBe('');
  });

  it('refuses rows that do not match the nodes, a diagonal other than 10, and distances past 254', async () => {
    const rows = await cli(...THP_MOVE, '--nodes', '3', '--distance', '10,20;20,10');
    expect(rows.code).toBe(2);
    expect(rows.stderr).toMatch(/--distance: given 2 rows for 3 nodes; allowed: a square matrix with one row per node \(3\)/);
    const short = await cli(...THP_MOVE, '--distance', '10,20;20');
    expect(short.code).toBe(2);
    expect(short.stderr).toMatch(/--distance: row 2 \(node 1\) has 1 entry/);
    const diagonal = await cli(...THP_MOVE, '--distance', '10,20;20,12');
    expect(diagonal.code).toBe(2);
    expect(diagonal.stderr).toMatch(/row 2, entry 2 \(node 1 to itself\) is 12; allowed: 10 \(LOCAL_DISTANCE\) on the diagonal/);
    const far = await cli(...THP_MOVE, '--distance', '10,255;255,10');
    expect(far.code).toBe(2);
    expect(far.stderr).toMatch(/\(node 0 to node 1\) is 255; allowed: an integer 10\.\.254/);
    const empty = await cli(...THP_MOVE, '--distance', ' ');
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/--distance is empty/);
  });

  it('the default matrix written out predicts exactly what no matrix does', { timeout: 60_000 }, async () => {
    const without = await cli(...THP_MOVE, '--json');
    const written = await cli(...THP_MOVE, '--distance', '10,20;20,10', '--json');
    expect(without.code).toBe(0);
    expect(written.stdout).toBe(without.stdout);
  });

  it('takes the node count from the rows when --nodes is not given', { timeout: 60_000 }, async () => {
    const r = await cli(...THP_MOVE, '--distance', '10,16,22,16;16,10,16,22;22,16,10,16;16,22,16,10', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).deltas.pgmigrate_success).toBe(1024);
  });

  it('runs 8 nodes × 64 GiB, and refuses more than 64 nodes', { timeout: 60_000 }, async () => {
    const r = await cli(...THP_MOVE, '--nodes', '8', '--mem-per-node', '64G', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).deltas.thp_migration_success).toBe(2);
    const many = await cli(...THP_MOVE, '--nodes', '65');
    expect(many.code).toBe(2);
    expect(many.stderr).toMatch(/--nodes must be a whole number from 1 to 64/);
  });
});
