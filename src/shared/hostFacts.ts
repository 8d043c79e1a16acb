import { z } from 'zod';
import { parseCpuList } from './cpuList';
import { parseSysfsChoice } from './sysfsChoice';
import { distanceEntryProblem, parseDistanceLine } from './sim/distance';

/** What the lab knows about a host after probing it. This is the `hosts probe --json` shape. */
export const NumaNodeSchema = z.object({
  id: z.number().int().nonnegative(),
  cpus: z.array(z.number().int().nonnegative()),
  memTotalMiB: z.number().nonnegative(),
  memFreeMiB: z.number().nonnegative(),
});
export type NumaNode = z.infer<typeof NumaNodeSchema>;

export const HostFactsSchema = z.object({
  target: z.string(),
  hostname: z.string(),
  kernelRelease: z.string(),
  kernelVersion: z.string(),
  machine: z.string(),
  uid: z.number().int(),
  /** False when the kernel has no /sys/devices/system/node (CONFIG_NUMA off): one synthetic node. */
  numaConfigured: z.boolean(),
  nodes: z.array(NumaNodeSchema),
  /**
   * node_distance() between the nodes, one row per node in `nodes` order
   * (/sys/devices/system/node/node<N>/distance). Absent when the kernel has no NUMA, or when a
   * file could not be read as such a row (then `warnings` says which, and the model takes the
   * kernel's default: 10 local, 20 remote).
   */
  distance: z.array(z.array(z.number().int())).optional(),
  /** What the probe found but could not use, and what the lab assumed instead. */
  warnings: z.array(z.string()).optional(),
  thp: z.object({
    /** The selected value of transparent_hugepage/enabled, or null when THP is absent. */
    enabled: z.string().nullable(),
    enabledAllowed: z.array(z.string()),
    defrag: z.string().nullable(),
  }),
  /** /proc/sys/kernel/numa_balancing, or null when the kernel lacks it. */
  numaBalancing: z.number().int().nullable(),
  probedAt: z.string(),
});
export type HostFacts = z.infer<typeof HostFactsSchema>;

/**
 * The probe prints `@section [arg]` headers followed by the raw file contents. Keeping the host
 * side a plain `cat` (no awk, no jq) is what lets it run on a busybox guest unchanged.
 */
export const PROBE_SCRIPT = `echo @release; uname -r
echo @version; uname -v
echo @machine; uname -m
echo @hostname; uname -n
echo @uid; id -u
for n in /sys/devices/system/node/node[0-9]*; do
  [ -d "$n" ] || continue
  echo "@node \${n##*node}"; cat "$n/cpulist"; grep -E 'MemTotal|MemFree' "$n/meminfo"
  echo "@distance \${n##*node}"; cat "$n/distance" 2>/dev/null
done
echo @cpus_online; cat /sys/devices/system/cpu/online 2>/dev/null
echo @meminfo; grep -E '^(MemTotal|MemFree):' /proc/meminfo
echo @thp_enabled; cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null
echo @thp_defrag; cat /sys/kernel/mm/transparent_hugepage/defrag 2>/dev/null
echo @numa_balancing; cat /proc/sys/kernel/numa_balancing 2>/dev/null
echo @end
`;

function sections(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let cur: string[] | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith('@')) {
      cur = [];
      out.set(line.slice(1).trim(), cur);
    } else if (cur) cur.push(line);
  }
  return out;
}

function kbLine(lines: string[], key: string): number | undefined {
  for (const l of lines) {
    const m = new RegExp(`${key}:\\s+(\\d+)\\s*kB`).exec(l);
    if (m) return Number(m[1]);
  }
  return undefined;
}

export function parseProbeOutput(target: string, text: string, now = new Date()): HostFacts {
  const s = sections(text);
  if (!s.has('end')) throw new Error(`the host probe output is incomplete (no @end marker); got ${text.length} bytes`);
  const first = (k: string) => (s.get(k) ?? []).find((l) => l.trim() !== '')?.trim() ?? '';
  const release = first('release');
  if (!release) throw new Error('the host probe did not report a kernel release (uname -r)');
  const nodes: NumaNode[] = [];
  for (const [key, lines] of s) {
    const m = /^node (\d+)$/.exec(key);
    if (!m) continue;
    const cpuLine = lines.find((l) => /^[\d,-]*$/.test(l.trim())) ?? '';
    nodes.push({
      id: Number(m[1]),
      cpus: parseCpuList(cpuLine),
      memTotalMiB: Math.round((kbLine(lines, 'MemTotal') ?? 0) / 1024),
      memFreeMiB: Math.round((kbLine(lines, 'MemFree') ?? 0) / 1024),
    });
  }
  nodes.sort((a, b) => a.id - b.id);
  const numaConfigured = nodes.length > 0;
  if (!numaConfigured) {
    const mem = s.get('meminfo') ?? [];
    nodes.push({
      id: 0,
      cpus: parseCpuList(first('cpus_online') || '0'),
      memTotalMiB: Math.round((kbLine(mem, 'MemTotal') ?? 0) / 1024),
      memFreeMiB: Math.round((kbLine(mem, 'MemFree') ?? 0) / 1024),
    });
  }
  const warnings: string[] = [];
  const distance = numaConfigured ? readDistances(s, nodes, warnings) : undefined;
  const enabled = parseSysfsChoice(first('thp_enabled'));
  const defrag = parseSysfsChoice(first('thp_defrag'));
  const nb = first('numa_balancing');
  return HostFactsSchema.parse({
    target,
    hostname: first('hostname'),
    kernelRelease: release,
    kernelVersion: first('version'),
    machine: first('machine'),
    uid: Number(first('uid') || -1),
    numaConfigured,
    nodes,
    ...(distance ? { distance } : {}),
    ...(warnings.length ? { warnings } : {}),
    thp: { enabled: enabled?.selected ?? null, enabledAllowed: enabled?.allowed ?? [], defrag: defrag?.selected ?? null },
    numaBalancing: /^\d+$/.test(nb) ? Number(nb) : null,
    probedAt: now.toISOString(),
  });
}

/**
 * The distance matrix from the `@distance N` sections: each /sys/devices/system/node/node<N>/distance
 * line holds node_distance(N, i) for every online node i in id order, which is the order of
 * `nodes`. A file that is missing or not such a line leaves the whole matrix out, with a warning
 * naming the file and the line: the model then takes the kernel's default (10 local, 20 remote),
 * as for output without distances at all (a probe from before they were read).
 */
function readDistances(s: Map<string, string[]>, nodes: NumaNode[], warnings: string[]): number[][] | undefined {
  if (!nodes.some((n) => s.has(`distance ${n.id}`))) return undefined;
  const fallback = 'The model uses the default distances (10 local, 20 remote)';
  const ids = nodes.map((n) => n.id);
  const rows: number[][] = [];
  for (const node of nodes) {
    const file = `/sys/devices/system/node/node${node.id}/distance`;
    const lines = (s.get(`distance ${node.id}`) ?? []).filter((l) => l.trim() !== '');
    if (lines.length !== 1) {
      warnings.push(`${file}: ${lines.length ? `${lines.length} lines (${JSON.stringify(lines.join(' / '))})` : 'missing or empty'}; expected one line of ${nodes.length} distances, one per node. ${fallback}`);
      return undefined;
    }
    const line = lines[0]!;
    const row = parseDistanceLine(line);
    const problem = row ? rowProblem(row, rows.length, ids) : ' is not a line of whole numbers separated by spaces';
    if (problem) {
      warnings.push(`${file}: ${JSON.stringify(line.trim())}${problem}. ${fallback}`);
      return undefined;
    }
    rows.push(row!);
  }
  return rows;
}

/** What is wrong with row `a` of the distance matrix of `ids` (its node's /sys line), or null; it follows the quoted line. */
function rowProblem(row: number[], a: number, ids: number[]): string | null {
  const n = ids.length;
  if (row.length !== n) return ` has ${row.length} distance${row.length === 1 ? '' : 's'}; expected ${n}, one per node (${ids.join(', ')})`;
  for (let b = 0; b < n; b++) {
    const problem = distanceEntryProblem(row[b], a, b, ids);
    if (problem) return `, entry ${b + 1} ${problem}`;
  }
  return null;
}
