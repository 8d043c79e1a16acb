/**
 * simulate(spec, opts): the pure entry point (JSON in, JSON out) a worker thread or web worker
 * calls. Builds the machine from the topology and knobs, picks the kernel variant from the
 * release or preset name with the spec's behaviour switches over it, runs the workload driver and returns the predicted deltas per phase
 * and in total, the events (splits, BUG), the mm_migrate_pages trace, the move_pages status
 * summary and, when asked, the cumulative counter series at the sample times.
 */
import type { CounterDeltas, ExperimentEvent } from '../shared/experiment';
import { distanceMatrixProblem } from '../shared/sim/distance';
import { minNodes, normalizeWorkloadParams, workloadSpec } from '../shared/workloads';
import type { DriverCtx } from './drivers/context';
import { runAutonuma } from './drivers/autonuma';
import { runNumaTouch } from './drivers/numa_touch';
import { runThpMove } from './drivers/thp_move';
import { Kernel, KernelBug } from './kernel';
import { normalizeKnobs } from './knobs';
import { Sampler } from './sampler';
import { auditMemory } from './audit';
import type { SimBug, SimOptions, SimResult, SimSpec } from './spec';
import { describeVariant, resolveVariant } from './variants';
import { diffSnapshots } from './vmstat';

function validateTopology(spec: SimSpec): void {
  const nodes = spec.topology?.nodes;
  if (!Array.isArray(nodes) || nodes.length === 0) throw new Error('topology.nodes: given none; allowed: at least one node {id, cpus, memMiB}');
  const ids = new Set<number>();
  const cpus = new Set<number>();
  for (const n of nodes) {
    if (!Number.isInteger(n.id) || n.id < 0 || n.id > 1023) throw new Error(`topology node id: given ${JSON.stringify(n.id)}; allowed: an integer 0..1023`);
    if (ids.has(n.id)) throw new Error(`topology node id ${n.id} given twice; allowed: distinct ids`);
    ids.add(n.id);
    if (!(Number.isFinite(n.memMiB) && n.memMiB > 0)) throw new Error(`topology node ${n.id} memMiB: given ${JSON.stringify(n.memMiB)}; allowed: a positive number`);
    if (!Array.isArray(n.cpus)) throw new Error(`topology node ${n.id} cpus: given ${JSON.stringify(n.cpus)}; allowed: an array of CPU numbers`);
    for (const c of n.cpus) {
      if (!Number.isInteger(c) || c < 0 || c >= 4096 || cpus.has(c)) throw new Error(`topology node ${n.id} cpu ${JSON.stringify(c)}: allowed distinct integers 0..4095`);
      cpus.add(c);
    }
  }
  if (spec.topology.distance !== undefined) {
    const problem = distanceMatrixProblem(spec.topology.distance, nodes.map((n) => n.id));
    if (problem) throw new Error(problem);
  }
}

export function simulate(spec: SimSpec, opts: SimOptions = {}): SimResult {
  validateTopology(spec);
  const variant = resolveVariant(spec.kernel, spec.variant);
  const wl = workloadSpec(spec.workload);
  if (!wl.simulated) throw new Error(`workload ${wl.name}: measured only, not simulated; allowed for simulation: thp-move, mbind-move, migrate-pages, numa-touch, numa01, numa02`);
  const params = normalizeWorkloadParams(wl.name, spec.params ?? {});
  const need = minNodes(wl.name, params);
  const ids = new Set(spec.topology.nodes.map((n) => n.id));
  if (ids.size < need) throw new Error(`workload ${wl.name} needs ${need} NUMA nodes; the topology has ${ids.size}`);
  // With migrate=0 nothing moves, so `to` is unused (a one-node host can still fault THPs).
  for (const key of params.migrate === 0 ? ['from'] : ['from', 'to']) {
    if (key in params && !ids.has(Number(params[key]))) {
      throw new Error(`workload ${wl.name}: parameter "${key}" given ${params[key]}; allowed: a node of the topology (${[...ids].join(', ')})`);
    }
  }
  // A workload that moves memory only through NUMA balancing gets it on unless the knobs say otherwise.
  const knobs = normalizeKnobs(spec.knobs, { numaBalancing: wl.mechanism === 'numa-balancing' ? 1 : 0 });
  for (const n of Object.values(knobs.imageNodes ?? {})) {
    if (!ids.has(n)) throw new Error(`knob sim.image_nodes: given node ${n}; allowed: nodes of the topology (${[...ids].join(', ')})`);
  }
  const k = new Kernel(variant, knobs, spec.topology.nodes, spec.topology.distance);
  if (opts.traceLimit !== undefined) k.traceLimit = opts.traceLimit;
  const sampler = new Sampler(k, opts.sampleTimes);
  const slowNodes = new Set(spec.topology.nodes.filter((n) => n.slow).map((n) => n.id));

  const phaseStarts: { name: string; snap: Record<string, number> }[] = [];
  const ctx: DriverCtx = {
    k,
    params,
    sampler,
    opts,
    slowNodes,
    movePages: null,
    mms: [],
    phase(name) {
      sampler.advanceTo(k.now);
      phaseStarts.push({ name, snap: k.vmstat.snapshot() });
      k.event('phase', `${name} starts`, { phase: name });
    },
  };

  let bug: SimBug | null = null;
  try {
    switch (wl.name) {
      case 'thp-move':
      case 'mbind-move':
      case 'migrate-pages':
        runThpMove(ctx, wl.name);
        break;
      case 'numa-touch':
        runNumaTouch(ctx);
        break;
      case 'numa01':
      case 'numa02':
        runAutonuma(ctx, wl.name);
        break;
      case 'custom':
        break;
    }
  } catch (e) {
    if (!(e instanceof KernelBug)) throw e;
    bug = { message: e.message, where: e.where, condition: e.condition, function: e.reason, t: k.now / 1000 };
    k.event('bug', e.message, { where: e.where, condition: e.condition, function: e.reason });
  }
  if (opts.audit && !bug) {
    const a = auditMemory(k, ctx.mms);
    if (JSON.stringify(a.found) !== JSON.stringify(a.booked)) {
      throw new Error(`audit: pages per node in page tables ${JSON.stringify(a.found)} != allocator ${JSON.stringify(a.booked)}`);
    }
    for (const mm of ctx.mms) if (mm.rss() !== mm.recountRss()) throw new Error(`audit: mm ${mm.id} rss ${mm.rss()} != ${mm.recountRss()}`);
  }
  const end = k.vmstat.snapshot();
  const phases: Record<string, CounterDeltas> = {};
  phaseStarts.forEach((p, i) => {
    const next = phaseStarts[i + 1]?.snap ?? end;
    phases[p.name] = diffSnapshots(p.snap, next);
  });
  const series = opts.sampleTimes ? sampler.finish() : null;
  const events: ExperimentEvent[] = k.events.map((e) => ({ t: e.t, kind: e.kind, message: e.message, ...(e.data ? { data: e.data } : {}) }));
  opts.onProgress?.({ phase: 'done', fraction: 1 });
  return {
    kernel: variant.name,
    requestedKernel: spec.kernel,
    workload: wl.name,
    params,
    phases,
    // From the first phase on: what a process did at exec (its image) precedes the lab's baseline.
    deltas: diffSnapshots(phaseStarts[0]?.snap ?? {}, end),
    events,
    movePages: ctx.movePages,
    variant: describeVariant(variant),
    trace: k.trace,
    traceDropped: k.traceDropped,
    series,
    bug,
    simulatedSeconds: k.now / 1000,
  };
}
