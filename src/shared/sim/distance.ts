/**
 * The NUMA distance matrix as the kernel keeps it: node_distance(a, b) from the firmware's ACPI
 * SLIT (or the device tree's distance-map), printed per node in /sys/devices/system/node/node<N>/distance.
 * LOCAL_DISTANCE and REMOTE_DISTANCE are include/linux/topology.h's; without a SLIT the kernel
 * (x86 __node_distance()) answers 10 for a node to itself and 20 for any other pair, which is
 * also what QEMU guests without `-numa dist` and most 2-socket machines report.
 *
 * One checker serves every way a matrix comes in (the sim API's schema, `numa-lab sim
 * --distance`, a host's /sys files, the simulator's own entry point), so the rules and the
 * wording are the same everywhere.
 */

export const LOCAL_DISTANCE = 10;
export const REMOTE_DISTANCE = 20;
/** The largest finite distance: a SLIT entry of 255 means "unreachable", and the kernel keeps distances in a u8. */
export const MAX_NODE_DISTANCE = 254;

/** 10 on the diagonal, 20 elsewhere: node_distance() when the firmware gives no table. */
export function defaultDistanceMatrix(nrNodes: number): number[][] {
  return Array.from({ length: nrNodes }, (_, a) => Array.from({ length: nrNodes }, (_, b) => (a === b ? LOCAL_DISTANCE : REMOTE_DISTANCE)));
}

/**
 * What is wrong with `matrix` as the distance matrix of the nodes `nodeIds` (rows and columns in
 * that order), or null when nothing is. `where` names the input in the message (e.g.
 * "topology.distance" or "--distance").
 */
export function distanceMatrixProblem(matrix: unknown, nodeIds: readonly number[], where = 'topology.distance'): string | null {
  const n = nodeIds.length;
  const allowed = `a square matrix with one row per node (${n}) in the order of the nodes (${nodeIds.join(', ')}), each row one integer per node: ${LOCAL_DISTANCE} on the diagonal, ${LOCAL_DISTANCE}..${MAX_NODE_DISTANCE} elsewhere (node_distance(), as in /sys/devices/system/node/node<N>/distance)`;
  if (!Array.isArray(matrix)) return `${where}: given ${JSON.stringify(matrix)}; allowed: ${allowed}`;
  if (matrix.length !== n) return `${where}: given ${matrix.length} row${matrix.length === 1 ? '' : 's'} for ${n} node${n === 1 ? '' : 's'}; allowed: ${allowed}`;
  for (let a = 0; a < n; a++) {
    const row: unknown = matrix[a];
    if (!Array.isArray(row) || row.length !== n) {
      return `${where}: row ${a + 1} (node ${nodeIds[a]}) has ${Array.isArray(row) ? `${row.length} entr${row.length === 1 ? 'y' : 'ies'}` : `no entries (${JSON.stringify(row)})`}; allowed: ${allowed}`;
    }
    for (let b = 0; b < n; b++) {
      const problem = distanceEntryProblem(row[b], a, b, nodeIds);
      if (problem) return `${where}: row ${a + 1}, entry ${b + 1} ${problem}`;
    }
  }
  return null;
}

/**
 * What is wrong with `v` as node_distance(nodeIds[a], nodeIds[b]), or null: "(node 0 to node 1)
 * is 300; allowed: …", to follow where it was found.
 */
export function distanceEntryProblem(v: unknown, a: number, b: number, nodeIds: readonly number[]): string | null {
  const pair = `(node ${nodeIds[a]} to ${a === b ? 'itself' : `node ${nodeIds[b]}`})`;
  if (a === b) return v === LOCAL_DISTANCE ? null : `${pair} is ${JSON.stringify(v)}; allowed: ${LOCAL_DISTANCE} (LOCAL_DISTANCE) on the diagonal`;
  if (typeof v === 'number' && Number.isInteger(v) && v >= LOCAL_DISTANCE && v <= MAX_NODE_DISTANCE) return null;
  return `${pair} is ${JSON.stringify(v)}; allowed: an integer ${LOCAL_DISTANCE}..${MAX_NODE_DISTANCE} (${MAX_NODE_DISTANCE + 1} would mean unreachable)`;
}

/**
 * One line of /sys/devices/system/node/node<N>/distance: node_read_distance() prints
 * node_distance(N, i) for every online node i, separated by spaces. Returns the numbers, or null
 * when the line is not a list of whole numbers.
 */
export function parseDistanceLine(line: string): number[] | null {
  const t = line.trim();
  if (!/^\d+(\s+\d+)*$/.test(t)) return null;
  return t.split(/\s+/).map(Number);
}

/**
 * A matrix typed as rows separated by ';' and entries by ',' (`10,20;20,10`), as `numa-lab sim
 * --distance` and the Simulator's field take it; null when empty. Entries that are not whole
 * numbers are kept as typed, for distanceMatrixProblem() to name.
 */
export function parseDistanceRows(text: string): unknown[][] | null {
  const t = text.trim().replace(/;\s*$/, '');
  if (!t) return null;
  return t.split(';').map((row) =>
    row.split(',').map((entry) => {
      const e = entry.trim();
      return /^\d{1,3}$/.test(e) ? Number(e) : e;
    }),
  );
}
