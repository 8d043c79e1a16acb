import { WORKLOADS, WORKLOAD_NAMES } from '../../../../shared/workloads';
import { WorkloadFieldset, defaultParams } from '../sim/SimForm';
import type { VariantDefinition } from '../../../../shared/sim/behaviours';
import { VariantEditor, presetChoice, type VariantChoice } from '../../components/VariantEditor';

export interface ExperimentFormState {
  workload: string;
  params: Record<string, string>;
  knobs: string;
  repeat: number;
  rateHz: number;
  /** The model to predict with; off: the host's kernel's (or its box's declared model). */
  model: VariantChoice;
  modelChosen: boolean;
}

export const INITIAL_EXPERIMENT: ExperimentFormState = {
  workload: 'thp-move',
  params: { ...defaultParams('thp-move') },
  knobs: 'thp.enabled=always',
  repeat: 1,
  rateHz: 10,
  model: presetChoice('linux-6.12+'),
  modelChosen: false,
};

/** `thp.enabled=always numa.balancing=1` → a map; the lab validates names and values. */
export function parseKnobText(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const eq = word.indexOf('=');
    if (eq > 0) out[word.slice(0, eq)] = word.slice(eq + 1);
  }
  return out;
}

export function ExperimentForm({ state, saved, onChange }: { state: ExperimentFormState; saved: VariantDefinition[]; onChange: (s: ExperimentFormState) => void }) {
  const set = (patch: Partial<ExperimentFormState>) => onChange({ ...state, ...patch });
  return (
    <div className="sim-form">
      <WorkloadFieldset testId="exp-workload" workloads={WORKLOAD_NAMES} workload={state.workload} params={state.params} onChange={(workload, params) => set({ workload, params })} />
      <fieldset>
        <legend>Model</legend>
        <VariantEditor
          testId="exp-model"
          label="predict with (none: the host's kernel)"
          value={state.model}
          saved={saved}
          optional
          enabled={state.modelChosen}
          onEnabled={(modelChosen) => set({ modelChosen })}
          onChange={(model) => set({ model })}
        />
      </fieldset>
      <fieldset>
        <legend>Run</legend>
        <label className="field">
          <span>knobs (name=value …)</span>
          <input data-testid="exp-knobs" value={state.knobs} size={36} onChange={(e) => set({ knobs: e.target.value })} />
        </label>
        {(WORKLOADS[state.workload as keyof typeof WORKLOADS]?.needs ?? []).map((n) => (
          <p key={n.knob} className="muted small" data-testid={`exp-needs-${n.knob}`}>
            The lab sets {n.knob}={n.value} for {state.workload} unless you give it: {n.why}.
          </p>
        ))}
        <label className="field">
          <span>repeat</span>
          <input data-testid="exp-repeat" value={state.repeat} size={3} onChange={(e) => set({ repeat: Math.max(1, Number(e.target.value) || 1) })} />
        </label>
        <label className="field">
          <span>sample Hz</span>
          <input value={state.rateHz} size={3} onChange={(e) => set({ rateHz: Math.min(100, Math.max(1, Number(e.target.value) || 10)) })} />
        </label>
      </fieldset>
    </div>
  );
}
