import { WORKLOADS, WORKLOAD_NAMES } from '../../../../shared/workloads';
import { WorkloadFieldset, defaultParams } from '../sim/SimForm';
import type { VariantDefinition } from '../../../../shared/sim/behaviours';
import { VariantEditor, presetChoice, type VariantChoice } from '../../components/VariantEditor';
import type { FieldError, FormField } from '../../../../shared/experiments/requestErrors';
import { FieldNote } from './FieldNote';

export interface ExperimentFormState {
  workload: string;
  params: Record<string, string>;
  knobs: string;
  repeat: number;
  rateHz: number;
  /** Seconds sampled before the workload starts and after it ends (the CLI's --baseline, --cooldown). */
  baselineS: number;
  cooldownS: number;
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
  baselineS: 1,
  cooldownS: 1,
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

/** Whole seconds, 0..600 (what the CLI's --baseline and --cooldown take). */
const seconds = (text: string) => Math.min(600, Math.max(0, Math.round(Number(text)) || 0));

/** Words of the knob field that are not name=value (parseKnobText would drop them): said beside the field, not ignored. */
export function knobTextProblem(text: string): string | undefined {
  const bad = text.split(/\s+/).filter((w) => w && w.indexOf('=') <= 0);
  return bad.length ? `${bad.map((w) => JSON.stringify(w)).join(', ')}: write each knob as name=value, e.g. thp.enabled=always` : undefined;
}

/** The form's notes by field: the lab's refusal of the last Run, else what is known before it (a hint). */
export interface FormNotes {
  error?: FieldError;
  hint?: FieldError;
}

function noteFor(notes: FormNotes, match: (f: FormField | null) => boolean, testId: string) {
  if (notes.error && match(notes.error.field)) return <FieldNote note={notes.error} testId={`exp-field-error-${testId}`} kind="error" />;
  if (notes.hint && match(notes.hint.field)) return <FieldNote note={notes.hint} testId={`exp-field-hint-${testId}`} kind="hint" />;
  return null;
}

export function ExperimentForm({ state, saved, onChange, notes = {} }: { state: ExperimentFormState; saved: VariantDefinition[]; onChange: (s: ExperimentFormState) => void; notes?: FormNotes }) {
  const set = (patch: Partial<ExperimentFormState>) => onChange({ ...state, ...patch });
  const workloadNote = noteFor(notes, (f) => f === 'workload' || (f?.startsWith('param:') ?? false), 'workload');
  const knobProblem = knobTextProblem(state.knobs);
  return (
    <div className="sim-form">
      <div className={`field-group${workloadNote ? ' has-note' : ''}`}>
        <WorkloadFieldset testId="exp-workload" workloads={WORKLOAD_NAMES} workload={state.workload} params={state.params} onChange={(workload, params) => set({ workload, params })} />
        {workloadNote}
      </div>
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
        {noteFor(notes, (f) => f === 'model', 'model')}
      </fieldset>
      <fieldset>
        <legend>Run</legend>
        <label className="field">
          <span>knobs (name=value …)</span>
          <input data-testid="exp-knobs" value={state.knobs} size={36} aria-invalid={notes.error?.field === 'knobs' || knobProblem !== undefined} onChange={(e) => set({ knobs: e.target.value })} />
        </label>
        {noteFor(notes, (f) => f === 'knobs', 'knobs') ?? (knobProblem && <FieldNote note={{ field: 'knobs', text: knobProblem }} testId="exp-field-hint-knobs" kind="hint" />)}
        {(WORKLOADS[state.workload as keyof typeof WORKLOADS]?.needs ?? []).map((n) => (
          <p key={n.knob} className="muted small" data-testid={`exp-needs-${n.knob}`}>
            The lab sets {n.knob}={n.value} for {state.workload} unless you give it: {n.why}.
          </p>
        ))}
        <label className="field">
          <span>repeat</span>
          <input data-testid="exp-repeat" value={state.repeat} size={3} onChange={(e) => set({ repeat: Math.min(50, Math.max(1, Math.round(Number(e.target.value)) || 1)) })} />
        </label>
        {noteFor(notes, (f) => f === 'repeat', 'repeat')}
        <label className="field">
          <span>sample Hz</span>
          <input data-testid="exp-rate" value={state.rateHz} size={3} onChange={(e) => set({ rateHz: Math.min(100, Math.max(1, Math.round(Number(e.target.value)) || 10)) })} />
        </label>
        {noteFor(notes, (f) => f === 'rate', 'rate')}
        <label className="field" title="seconds sampled before the workload starts">
          <span>baseline s</span>
          <input data-testid="exp-baseline" value={state.baselineS} size={3} onChange={(e) => set({ baselineS: seconds(e.target.value) })} />
        </label>
        <label className="field" title="seconds sampled after the workload ends">
          <span>cooldown s</span>
          <input data-testid="exp-cooldown" value={state.cooldownS} size={3} onChange={(e) => set({ cooldownS: seconds(e.target.value) })} />
        </label>
      </fieldset>
    </div>
  );
}
