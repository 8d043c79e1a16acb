import { commandLine } from '../../../../shared/commandLine';
import { parseDistanceRows } from '../../../../shared/sim/distance';
import { diffBehaviours, presetBehaviours, type BehaviourOverrides, type Behaviours, type PresetName } from '../../../../shared/sim/behaviours';

/**
 * "Copy as CLI": the `numa-lab sim` line that predicts what the Simulator form predicts — one
 * line per kernel (the CLI predicts one model at a time; the form may hold two side by side).
 * Environment-free (no DOM, no React), so a test runs the line through a real shell and compares
 * its --json with the LabApi result of the same form. A saved variant is given as its base and
 * switches (`--kernel base --behaviour k=v`): the same model; only its name is the CLI's own.
 */
/** A model as the form holds it (VariantChoice): a preset, switches over it, the saved name it came from. */
export interface FormKernel {
  base: PresetName;
  behaviours: BehaviourOverrides;
  saved?: string;
}

export interface SimCliForm {
  nodes: number;
  cpusPerNode: number;
  memPerNodeMiB: number;
  distance: string;
  kernelA: FormKernel;
  kernelB: FormKernel;
  sideBySide: boolean;
  workload: string;
  params: Record<string, string>;
  thpEnabled: string;
  numaBalancing: string;
}

/** Only the switches that differ from the base preset (what the form sends, and --behaviour takes). */
function changedSwitches(k: FormKernel): BehaviourOverrides {
  return diffBehaviours(presetBehaviours(k.base), { ...presetBehaviours(k.base), ...k.behaviours } as Behaviours);
}

/** The sim.run spec of one kernel of the form (the Simulator sends this; the line above is its CLI twin). */
export function simFormSpec(form: SimCliForm, kernel: FormKernel) {
  const behaviours = changedSwitches(kernel);
  const distance = form.distance.trim() ? (parseDistanceRows(form.distance) as number[][] | null) : null;
  return {
    kernel: kernel.base,
    ...(Object.keys(behaviours).length || kernel.saved ? { variant: { behaviours, ...(kernel.saved ? { name: kernel.saved } : {}) } } : {}),
    workload: form.workload,
    params: form.params,
    knobs: { 'thp.enabled': form.thpEnabled, 'numa.balancing': form.numaBalancing },
    topology: {
      nodes: Array.from({ length: form.nodes }, (_, id) => ({
        id,
        cpus: Array.from({ length: form.cpusPerNode }, (_, c) => id * form.cpusPerNode + c),
        memMiB: form.memPerNodeMiB,
      })),
      ...(distance ? { distance } : {}),
    },
  };
}

/** The words of one line (for tests and for a shell-free exec). */
export function simCommandWords(form: SimCliForm, kernel: SimCliForm['kernelA']): string[] {
  const words = ['numa-lab', 'sim', '--kernel', kernel.base];
  const changed = changedSwitches(kernel);
  for (const [k, v] of Object.entries(changed)) words.push('--behaviour', `${k}=${v}`);
  words.push('--workload', form.workload);
  for (const [k, v] of Object.entries(form.params)) words.push('--param', `${k}=${v}`);
  words.push('--knob', `thp.enabled=${form.thpEnabled}`, '--knob', `numa.balancing=${form.numaBalancing}`);
  words.push('--nodes', String(form.nodes), '--cpus-per-node', String(form.cpusPerNode), '--mem-per-node', `${form.memPerNodeMiB}M`);
  if (form.distance.trim()) words.push('--distance', form.distance.trim());
  return words;
}

/** One shell line per kernel of the form: A, then B when it is predicted side by side. */
export function simCommandLines(form: SimCliForm): string[] {
  const kernels = form.sideBySide ? [form.kernelA, form.kernelB] : [form.kernelA];
  return kernels.map((k) => commandLine(simCommandWords(form, k)));
}
