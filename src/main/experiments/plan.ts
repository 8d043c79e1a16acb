import type { HostFacts } from '../../shared/hostFacts';
import type { ExperimentRequest, ModelInput } from '../../shared/experiments/api';
import { unmodelledKnobWarnings } from '../../shared/experiments/coverage';
import { minNodes, parseWorkloadParams, WORKLOADS, type WorkloadParams, type WorkloadSpec } from '../../shared/workloads';
import { LabApiError } from '../../shared/api/labApi';
import type { SimSpec } from '../../sim';
import { isModelKnob, MODEL_KNOBS, normalizeKnobs } from '../../sim/knobs';
import { releaseCoverage, resolveVariant, variantForKernelRelease, type KernelVariant } from '../../sim/variants';
import { diffBehaviours, overrideWords, type VariantOverrides } from '../../shared/sim/behaviours';

/**
 * What one experiment will do, decided before anything is written to the host: the workload and
 * its parameters, the knobs to set (the user's, and those the workload's mechanism needs), the
 * kernel model, and what the comparison will not cover.
 */
export interface ExperimentPlan {
  req: ExperimentRequest;
  facts: HostFacts;
  workload: WorkloadSpec;
  params: WorkloadParams;
  topology: SimSpec['topology'];
  nrCpus: number;
  /** Host knobs to push for each repetition (never `sim.*`). */
  hostKnobs: Record<string, string>;
  /** Where each pushed knob comes from: the user's --knob, or the workload's need. */
  knobInputs: ModelInput[];
  /** The user's `sim.*` knobs: the model's inputs, never written to the host. */
  modelKnobs: Record<string, string>;
  /** The SimSpec fields of the model: its kernel (a release or a preset name) and the behaviour switches over it. */
  modelSpec: { kernel: string; variant?: VariantOverrides };
  /** The model's variant; none for a custom command (measured, never simulated). */
  model?: KernelVariant;
  /** Set when a knob the user gave turns the workload's mechanism off: why there is nothing to compare. */
  mechanismOff?: string;
  warnings: string[];
}

/**
 * Refuses a spec the host cannot run, before anything is written or started, and decides the
 * knobs: a workload that moves memory only through NUMA balancing gets numa.balancing=1 unless
 * the user gave the knob (a value that turns it off is kept, with a warning and a neutral verdict).
 */
export function planExperiment(req: ExperimentRequest, facts: HostFacts, currentKnobs: Record<string, string>): ExperimentPlan {
  const params = checkRunnable(req, facts);
  const workload = WORKLOADS[req.workload as keyof typeof WORKLOADS];
  const userHost = Object.fromEntries(Object.entries(req.knobs).filter(([k]) => !isModelKnob(k)));
  const modelKnobs = Object.fromEntries(Object.entries(req.knobs).filter(([k]) => isModelKnob(k)));
  const hostKnobs: Record<string, string> = { ...userHost };
  const knobInputs: ModelInput[] = Object.entries(userHost).map(([knob, value]) => ({ knob, value, source: 'user', detail: '--knob, set on the host for the run' }));
  // What the probe could not use (e.g. a malformed distance file) and what the model assumes instead.
  const warnings: string[] = [...(facts.warnings ?? [])];
  let mechanismOff: string | undefined;
  for (const need of workload.needs) {
    const given = userHost[need.knob];
    if (given === undefined) {
      hostKnobs[need.knob] = need.value;
      knobInputs.push({ knob: need.knob, value: need.value, source: 'workload', detail: `set by the lab: ${workload.name} needs it (${need.why})` });
    } else if (!need.on(given)) {
      mechanismOff = `${need.knob}=${given} turns the mechanism off: ${workload.name} needs ${need.knob}=${need.value} (${need.why}), so its counters have nothing to compare`;
      warnings.push(mechanismOff);
    }
  }
  const modelKernel = req.kernel ?? facts.kernelRelease;
  const modelSpec = { kernel: modelKernel, ...(req.variant ? { variant: req.variant } : {}) };
  let model: KernelVariant | undefined;
  // What the model cannot cover (a custom command is not modelled at all).
  if (workload.simulated) {
    try {
      model = resolveVariant(modelKernel, req.variant);
    } catch (e) {
      throw new LabApiError(e instanceof Error ? e.message : String(e), 'bad-request');
    }
    const coverage = releaseCoverage(modelKernel);
    if (coverage) warnings.push(`model ${coverage}`);
    const changed = overrideWords(diffBehaviours(variantForKernelRelease(modelKernel).behaviours, model.behaviours));
    if (changed.length) warnings.push(`model ${model.name}: behaviour switches over ${model.base} (${overrideWords(model.overrides).join(' ')}) not verified on a running kernel unless this host runs such a kernel`);
    for (const note of model.ignored) warnings.push(`model: ${note}`);
    if (req.kernel && variantForKernelRelease(req.kernel).name !== variantForKernelRelease(facts.kernelRelease).name) {
      warnings.push(`the model (${variantForKernelRelease(req.kernel).name}) is not the host's kernel (${facts.kernelRelease} → ${variantForKernelRelease(facts.kernelRelease).name}): the run asks whether the host behaves like that model`);
    }
    warnings.push(...unmodelledKnobWarnings({ ...currentKnobs, ...hostKnobs }));
  }
  return {
    req,
    facts,
    workload,
    params,
    topology: hostTopology(facts),
    nrCpus: facts.nodes.reduce((n, x) => n + x.cpus.length, 0),
    hostKnobs,
    knobInputs,
    modelKnobs,
    modelSpec,
    ...(model ? { model } : {}),
    ...(mechanismOff ? { mechanismOff } : {}),
    warnings,
  };
}

/**
 * The host as the model's machine: its nodes with their CPUs and memory, and its node_distance()
 * matrix when the probe read one (the model takes 10 local, 20 remote otherwise), so zonelist
 * fallback and the scheduler's NUMA topology type are the host's.
 */
export function hostTopology(facts: HostFacts): SimSpec['topology'] {
  return {
    nodes: facts.nodes.map((n) => ({ id: n.id, cpus: n.cpus, memMiB: n.memTotalMiB })),
    ...(facts.distance ? { distance: facts.distance } : {}),
  };
}

export function checkRunnable(req: ExperimentRequest, facts: HostFacts): WorkloadParams {
  if (!(req.workload in WORKLOADS)) throw new LabApiError(`unknown workload ${JSON.stringify(req.workload)}; allowed: ${Object.keys(WORKLOADS).join(', ')}`, 'bad-request');
  let params: WorkloadParams;
  try {
    params = parseWorkloadParams(req.workload, req.params);
  } catch (e) {
    throw new LabApiError(e instanceof Error ? e.message : String(e), 'bad-request');
  }
  const need = minNodes(req.workload, params);
  if (facts.nodes.length < need) {
    throw new LabApiError(
      `${req.workload} with these parameters needs ${need} NUMA nodes, and ${facts.target} has ${facts.nodes.length}. ` +
        `Nothing was run. Boot a virtual NUMA box (numa-lab testbox up --kernel 6.12 --nodes 2) and run against its testbox:<name> target` +
        (req.workload === 'thp-move' ? ', or pass --param migrate=0 to measure the faults alone' : ''),
      'needs-nodes',
    );
  }
  // `to` only matters when something moves: thp-move with migrate=0 runs on a one-node host.
  const keys = params.migrate === 0 ? ['from'] : ['from', 'to'];
  for (const key of keys) {
    const n = params[key];
    if (typeof n === 'number' && !facts.nodes.some((x) => x.id === n)) {
      throw new LabApiError(`--param ${key}=${n}: ${facts.target} has no node ${n} (nodes: ${facts.nodes.map((x) => x.id).join(', ')})`, 'bad-request');
    }
  }
  checkModelKnobs(req.knobs);
  return params;
}

/**
 * `sim.*` knobs are the model's inputs (they override what the runs calibrate), never written to
 * the host: refused up front if unknown or out of range, like a host knob.
 */
function checkModelKnobs(knobs: Record<string, string>): void {
  const model = Object.entries(knobs).filter(([k]) => isModelKnob(k));
  for (const [k] of model) {
    if (!MODEL_KNOBS.includes(k)) throw new LabApiError(`unknown model knob ${JSON.stringify(k)}; allowed: ${MODEL_KNOBS.join(', ')}`, 'bad-value');
  }
  try {
    normalizeKnobs(Object.fromEntries(model));
  } catch (e) {
    throw new LabApiError(e instanceof Error ? e.message : String(e), 'bad-value');
  }
}
