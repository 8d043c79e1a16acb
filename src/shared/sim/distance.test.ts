import { describe, expect, it } from 'vitest';
import { SimSpecSchema } from './api';
import { defaultDistanceMatrix, distanceMatrixProblem, parseDistanceLine, parseDistanceRows } from './distance';

const spec = (n: number, distance?: unknown) => ({
  kernel: 'linux-6.12+',
  workload: 'numa02',
  topology: { nodes: Array.from({ length: n }, (_, id) => ({ id, cpus: [id], memMiB: 65536 })), ...(distance === undefined ? {} : { distance }) },
});

describe('the node distance matrix', () => {
  it('defaults to 10 local, 20 remote', () => {
    expect(defaultDistanceMatrix(2)).toEqual([
      [10, 20],
      [20, 10],
    ]);
    expect(distanceMatrixProblem(defaultDistanceMatrix(8), [0, 1, 2, 3, 4, 5, 6, 7])).toBeNull();
  });

  it('says what was wrong and what is allowed', () => {
    expect(distanceMatrixProblem([[10, 20]], [0, 1])).toMatch(/^topology\.distance: given 1 row for 2 nodes; allowed: a square matrix with one row per node \(2\)/);
    expect(distanceMatrixProblem([[10, 20], [20]], [0, 1])).toMatch(/row 2 \(node 1\) has 1 entry; allowed:/);
    expect(distanceMatrixProblem([[10, 20], [20, 11]], [0, 1])).toMatch(/row 2, entry 2 \(node 1 to itself\) is 11; allowed: 10 \(LOCAL_DISTANCE\) on the diagonal/);
    expect(distanceMatrixProblem([[10, 255], [20, 10]], [0, 1])).toMatch(/row 1, entry 2 \(node 0 to node 1\) is 255; allowed: an integer 10\.\.254/);
    expect(distanceMatrixProblem([[10, 9], [20, 10]], [0, 1])).toMatch(/is 9; allowed: an integer 10\.\.254/);
    expect(distanceMatrixProblem([[10, 20.5], [20, 10]], [0, 1])).toMatch(/is 20\.5/);
    // Asymmetric tables are allowed (the SLIT may be; node_distance(a, b) is read per direction).
    expect(distanceMatrixProblem([[10, 20], [30, 10]], [0, 1])).toBeNull();
  });

  it('SimSpecSchema: optional, checked against the nodes, the message kept', () => {
    expect(SimSpecSchema.safeParse(spec(8)).success).toBe(true);
    expect(SimSpecSchema.safeParse(spec(2, [[10, 16], [16, 10]])).success).toBe(true);
    const bad = SimSpecSchema.safeParse(spec(2, [[10, 16], [16, 12]]));
    expect(bad.success).toBe(false);
    expect(bad.error!.issues).toEqual([expect.objectContaining({ path: ['topology', 'distance'], message: expect.stringMatching(/node 1 to itself\) is 12; allowed: 10/) })]);
    const rows = SimSpecSchema.safeParse(spec(3, [[10, 16], [16, 10]]));
    expect(rows.error!.issues[0]!.message).toMatch(/given 2 rows for 3 nodes/);
  });

  it('reads a /sys distance line', () => {
    expect(parseDistanceLine('10 21 31\n')).toEqual([10, 21, 31]);
    expect(parseDistanceLine(' 10 21')).toEqual([10, 21]);
    expect(parseDistanceLine('10,21')).toBeNull();
    expect(parseDistanceLine('')).toBeNull();
  });

  it('reads rows typed as 10,20;20,10, keeping what is not a number for the checker to name', () => {
    expect(parseDistanceRows('')).toBeNull();
    expect(parseDistanceRows(' 10, 16 ; 16,10; ')).toEqual([[10, 16], [16, 10]]);
    const typo = parseDistanceRows('10,2O;20,10')!;
    expect(typo).toEqual([[10, '2O'], [20, 10]]);
    expect(distanceMatrixProblem(typo, [0, 1], 'distances')).toMatch(/^distances: row 1, entry 2 \(node 0 to node 1\) is "2O"; allowed: an integer 10\.\.254/);
  });
});
