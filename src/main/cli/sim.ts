import { overrideWords } from '../../shared/sim/behaviours';
import type { CliCommand } from './commands';
import { UsageError } from './args';
import { keyValues, PARAM_FLAGS, parseIntFlag, parseMiB } from './specFlags';
import { distanceMatrixProblem, parseDistanceRows } from '../../shared/sim/distance';
import { predictWithUncertainty, type UncertainPrediction } from '../experiments/forecast';
import { VARIANT_NAMES, variantForKernelRelease, type SimResult, type SimSpec } from '../../sim';
import { parseWorkloadParams, WORKLOAD_NAMES } from '../../shared/workloads';
import { formatDeltaTable } from './deltaTable';
import { modelFromFlags, VARIANT_FLAGS } from './variantFlags';
import { behaviourCatalogue, formatBehaviourCatalogue } from './behaviourCatalogue';

/** `numa-lab sim`: a prediction with no host at all. */
export const simCommand: CliCommand = {
  words: ['sim'],
  usage: 'numa-lab sim --kernel <variant|release> [--behaviour key=value ...] | --variant FILE.json --workload <name> [--param k=v ...] [--knob k=v ...] [--nodes N] [--distance ROWS] [--json]\n       numa-lab sim --behaviours [--json]',
  summary: "predict a workload's /proc/vmstat deltas with the simulator of the kernel's migration code",
  flags: [
    { name: 'kernel', type: 'string', valueName: 'variant|release', help: `a variant (${VARIANT_NAMES.join(', ')}) or a uname -r release such as 6.12.117+deb13-amd64` },
    ...VARIANT_FLAGS,
    { name: 'behaviours', type: 'bool', help: "list every behaviour switch: its values, each preset's value and the source it follows" },
    ...PARAM_FLAGS,
    { name: 'nodes', type: 'string', valueName: 'N', help: 'NUMA nodes, at most 64 (default 2, or one per --distance row)' },
    {
      name: 'distance',
      type: 'string',
      valueName: 'ROWS',
      help: "the node distance matrix (node_distance, as /sys/devices/system/node/node<N>/distance prints it): rows separated by ';', entries by ',', e.g. '10,20;20,10' (quote it for the shell); 10 on the diagonal, 10..254 elsewhere (default 10 local, 20 remote)",
    },
    { name: 'cpus-per-node', type: 'string', valueName: 'N', help: 'CPUs per node (default 1)' },
    { name: 'mem-per-node', type: 'string', valueName: 'size', help: 'memory per node, e.g. 1G (default 1G)' },
    { name: 'seed', type: 'string', valueName: 'N', help: 'seed for the multi-threaded access models (numa01/numa02)' },
    { name: 'trace', type: 'bool', help: 'print the per-migrate_pages() call trace (migrate:mm_migrate_pages)' },
    { name: 'json', type: 'bool', help: 'print the prediction as JSON (the shape of run and export)' },
  ],
  async run({ flags, positionals, out }) {
    if (positionals.length) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
    if (flags.behaviours) {
      out(flags.json ? JSON.stringify(behaviourCatalogue(), null, 2) : formatBehaviourCatalogue());
      return 0;
    }
    const spec = simSpecFromFlags(flags);
    // What a run would measure (CPU clocks, sweep speed) is unknown here: the prediction comes
    // with the range it takes over those inputs, not one side of a knife edge.
    const u = await predictWithUncertainty(spec, spec.topology.nodes.reduce((n, x) => n + x.cpus.length, 0), { seed: flags.seed === undefined ? undefined : parseIntFlag('seed', flags.seed, 0, 2 ** 31, 0) });
    out(flags.json ? JSON.stringify(simJson(u.nominal, u), null, 2) : formatSimText(u.nominal, flags.trace === true, u));
    return 0;
  },
};

export function simSpecFromFlags(flags: Record<string, unknown>): SimSpec {
  const { kernel, variant } = modelFromFlags(flags);
  if (typeof kernel !== 'string') throw new UsageError(`--kernel is required: a variant (${VARIANT_NAMES.join(', ')}) or a kernel release; or --variant FILE.json`);
  try {
    variantForKernelRelease(kernel);
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  const workload = flags.workload;
  if (typeof workload !== 'string') throw new UsageError(`--workload is required: one of ${WORKLOAD_NAMES.filter((w) => w !== 'custom').join(', ')}`);
  if (!WORKLOAD_NAMES.includes(workload as never)) throw new UsageError(`unknown workload ${JSON.stringify(workload)}; allowed: ${WORKLOAD_NAMES.join(', ')}`);
  if (workload === 'custom') throw new UsageError('the custom workload runs any command: it can be measured (numa-lab run) but not simulated');
  const rawParams = keyValues('param', flags.param);
  let params;
  try {
    params = parseWorkloadParams(workload as never, rawParams);
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  const distance = flags.distance === undefined ? undefined : parseDistanceFlag(flags.distance);
  const nodes = parseIntFlag('nodes', flags.nodes, 1, 64, distance?.length ?? 2);
  const cpus = parseIntFlag('cpus-per-node', flags['cpus-per-node'], 1, 256, 1);
  const mem = typeof flags['mem-per-node'] === 'string' ? parseMiB('mem-per-node', flags['mem-per-node']) : 1024;
  if (distance) {
    const problem = distanceMatrixProblem(distance, Array.from({ length: nodes }, (_, id) => id), '--distance');
    if (problem) throw new UsageError(problem);
  }
  return {
    kernel,
    ...(variant ? { variant } : {}),
    workload,
    params,
    knobs: keyValues('knob', flags.knob),
    topology: {
      nodes: Array.from({ length: nodes }, (_, id) => ({ id, cpus: Array.from({ length: cpus }, (_, c) => id * cpus + c), memMiB: mem })),
      ...(distance ? { distance } : {}),
    },
  };
}

/** `--distance 10,20;20,10`: rows separated by ';', entries by ',' (spaces around them ignored). */
export function parseDistanceFlag(v: unknown): number[][] {
  const example = "e.g. --distance '10,20;20,10' for two nodes (rows separated by ';', entries by ',')";
  const rows = parseDistanceRows(String(v));
  if (!rows) throw new UsageError(`--distance is empty; allowed: the node distance matrix, ${example}`);
  if (rows.length > 64) throw new UsageError(`--distance has ${rows.length} rows; allowed: at most 64 (one per node)`);
  rows.forEach((row, r) =>
    row.forEach((entry, e) => {
      if (typeof entry !== 'number') throw new UsageError(`--distance row ${r + 1}, entry ${e + 1} is ${JSON.stringify(entry)}; allowed: whole numbers 10..254, ${example}`);
    }),
  );
  return rows as number[][];
}

/** The JSON of `sim --json`: the shared result shape plus what only a prediction has, and its uncertainty. */
export function simJson(r: SimResult, u?: UncertainPrediction) {
  return {
    kernel: r.kernel,
    workload: r.workload,
    params: r.params,
    phases: r.phases,
    deltas: r.deltas,
    events: r.events,
    movePages: r.movePages,
    variant: r.variant,
    requestedKernel: r.requestedKernel,
    bug: r.bug,
    trace: r.trace,
    simulatedSeconds: r.simulatedSeconds,
    assumed: u?.assumed ?? [],
    ranges: u?.ranges ?? { phases: {}, total: {} },
    uncertain: u?.uncertain ?? [],
  };
}

export function formatSimText(r: SimResult, withTrace: boolean, u?: UncertainPrediction): string {
  const lines = [`prediction: ${r.workload} ${Object.entries(r.params).map(([k, v]) => `${k}=${v}`).join(' ')}`, `kernel model: ${r.variant.name} — ${r.variant.title}`];
  const changed = overrideWords(r.variant.overrides ?? {});
  if (changed.length) lines.push(`behaviours over ${r.variant.base}: ${changed.join(' ')}`);
  for (const note of r.variant.ignored) lines.push(`ignored: ${note}`);
  if (r.variant.notes) lines.push(`notes: ${r.variant.notes}`);
  if (r.bug) lines.push('', `PREDICTED BUG: ${r.bug.message}`, `  ${r.bug.condition} in ${r.bug.function} (${r.bug.where}) at ${r.bug.t.toFixed(3)} s`);
  for (const a of u?.assumed ?? []) lines.push(`assumed: ${a.knob}=${a.nominal}${a.lo !== a.hi ? ` (over ${a.lo}..${a.hi})` : ''} — ${a.detail}`);
  for (const x of u?.uncertain ?? []) lines.push(`uncertain: ${x}`);
  lines.push('', formatDeltaTable(r.phases, r.deltas));
  if (r.movePages) lines.push('', `move_pages: ret ${r.movePages.ret}, ${r.movePages.addresses} addresses, status ${Object.entries(r.movePages.status).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  if (withTrace) {
    lines.push('', 'migrate:mm_migrate_pages');
    for (const t of r.trace) lines.push(`  ${JSON.stringify(t)}`);
  }
  return lines.join('\n');
}
