import type { ModelInput } from '../../shared/experiments/api';
import { isModelledKnob } from '../../sim/knobs';
import type { ExperimentPlan } from './plan';

/**
 * The host knobs the model reads, each with where its value came from: the user's --knob or the
 * workload's need (the plan's), otherwise the host's own value (`detail` says when it was read).
 */
export function hostKnobInputs(plan: ExperimentPlan, knobValues: Readonly<Record<string, string>>, detail: string): ModelInput[] {
  const planned = new Map(plan.knobInputs.map((i) => [i.knob, i]));
  const ids = [...new Set([...Object.keys(knobValues), ...planned.keys()])].filter(isModelledKnob).sort();
  return ids.map((knob) => {
    const p = planned.get(knob);
    const value = knobValues[knob] ?? p?.value ?? '';
    return p ? { ...p, value } : { knob, value, source: 'host', detail };
  });
}

/** The user's `sim.*` knobs as model inputs. */
export function userModelInputs(plan: ExperimentPlan): ModelInput[] {
  return Object.entries(plan.modelKnobs).map(([knob, value]) => ({ knob, value, source: 'user', detail: '--knob, given to the model only' }));
}
