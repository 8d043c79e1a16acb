import { WORKLOADS, WORKLOAD_NAMES } from '../../../../shared/workloads';
import { ParamField, defaultParams } from '../sim/SimForm';

export interface ExperimentFormState {
  workload: string;
  params: Record<string, string>;
  knobs: string;
  repeat: number;
  rateHz: number;
}

export const INITIAL_EXPERIMENT: ExperimentFormState = {
  workload: 'thp-move',
  params: { ...defaultParams('thp-move') },
  knobs: 'thp.enabled=always',
  repeat: 1,
  rateHz: 10,
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

export function ExperimentForm({ state, onChange }: { state: ExperimentFormState; onChange: (s: ExperimentFormState) => void }) {
  const spec = WORKLOADS[state.workload as keyof typeof WORKLOADS];
  const set = (patch: Partial<ExperimentFormState>) => onChange({ ...state, ...patch });
  return (
    <div className="sim-form">
      <fieldset>
        <legend>Workload</legend>
        <label className="field">
          <span>workload</span>
          <select data-testid="exp-workload" value={state.workload} onChange={(e) => set({ workload: e.target.value, params: defaultParams(e.target.value) })}>
            {WORKLOAD_NAMES.map((w) => (
              <option key={w}>{w}</option>
            ))}
          </select>
        </label>
        {spec.params.map((p) => (
          <ParamField key={p.name} p={p} value={state.params[p.name] ?? ''} onChange={(v) => set({ params: { ...state.params, [p.name]: v } })} />
        ))}
        <p className="muted small">{spec.summary}</p>
      </fieldset>
      <fieldset>
        <legend>Run</legend>
        <label className="field">
          <span>knobs (name=value …)</span>
          <input data-testid="exp-knobs" value={state.knobs} size={36} onChange={(e) => set({ knobs: e.target.value })} />
        </label>
        <label className="field">
          <span>repeat</span>
          <input data-testid="exp-repeat" value={state.repeat} size={3} onChange={(e) => set({ repeat: Math.max(1, Number(e.target.value) || 1) })} />
        </label>
        <label className="field">
          <span>sample Hz</span>
          <input value={state.rateHz} size={3} onChange={(e) => set({ rateHz: Math.min(50, Math.max(1, Number(e.target.value) || 10)) })} />
        </label>
      </fieldset>
    </div>
  );
}
