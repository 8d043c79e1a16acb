import { useState } from 'react';
import {
  BEHAVIOUR_KEYS,
  BEHAVIOURS,
  behaviourValues,
  diffBehaviours,
  PRESET_NAMES,
  presetBehaviours,
  refusedCombination,
  type BehaviourOverrides,
  type Behaviours,
  type PresetName,
  type VariantDefinition,
} from '../../../shared/sim/behaviours';

/** A model as the Simulator and Experiments forms hold it: a base preset, switches over it, and the saved name it came from. */
export interface VariantChoice {
  base: PresetName;
  behaviours: BehaviourOverrides;
  /** The saved variant it was picked as (cleared when a switch changes). */
  saved?: string;
}

export const presetChoice = (base: PresetName): VariantChoice => ({ base, behaviours: {} });

/** Every switch of the choice: the base preset's, with the chosen ones over them. */
function choiceBehaviours(v: VariantChoice): Behaviours {
  return { ...presetBehaviours(v.base), ...v.behaviours } as Behaviours;
}

/** The switches that differ from the base preset. */
export function changedSwitches(v: VariantChoice): BehaviourOverrides {
  return diffBehaviours(presetBehaviours(v.base), choiceBehaviours(v));
}

/** The SimSpec fields of a choice (kernel + variant switches), as sim.run and experiments.start take them. */
export function choiceSpec(v: VariantChoice, notes?: string): { kernel: string; variant?: { name?: string; behaviours: BehaviourOverrides; notes?: string } } {
  const behaviours = changedSwitches(v);
  if (!Object.keys(behaviours).length && !v.saved) return { kernel: v.base };
  return { kernel: v.base, variant: { behaviours, ...(v.saved ? { name: v.saved } : {}), ...(notes ? { notes } : {}) } };
}

/** Why the model refuses this combination, or undefined. */
export function choiceProblem(v: VariantChoice): string | undefined {
  return refusedCombination(choiceBehaviours(v));
}

/**
 * A model picker: a preset or a saved variant, then every behaviour switch as a toggle over that
 * base (those changed from the base highlighted; each titled with what it decides and what the
 * value follows), and "Save as" to keep the set by name in the store.
 */
export function VariantEditor(props: {
  testId: string;
  label: string;
  value: VariantChoice;
  saved: VariantDefinition[];
  onChange: (v: VariantChoice) => void;
  onSave?: (v: VariantDefinition) => Promise<void>;
  /** Offer "none" (a side that is off). */
  optional?: boolean;
  enabled?: boolean;
  onEnabled?: (on: boolean) => void;
}) {
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [saveError, setSaveError] = useState<string | undefined>();
  const v = props.value;
  const effective = choiceBehaviours(v);
  const preset = presetBehaviours(v.base);
  const changed = Object.keys(changedSwitches(v));
  const problem = choiceProblem(v);
  const pick = (key: string) => {
    if (key === '') return props.onEnabled?.(false);
    props.onEnabled?.(true);
    if (key.startsWith('saved:')) {
      const s = props.saved.find((x) => x.name === key.slice(6));
      if (s) props.onChange({ base: s.base, behaviours: { ...s.behaviours }, saved: s.name });
    } else props.onChange(presetChoice(key.slice(7) as PresetName));
  };
  const selected = props.enabled === false ? '' : v.saved ? `saved:${v.saved}` : `preset:${v.base}`;
  return (
    <div className="variant-editor" data-testid={props.testId}>
      <label className="field">
        <span>{props.label}</span>
        <select data-testid={`${props.testId}-model`} value={selected} onChange={(e) => pick(e.target.value)}>
          {props.optional && <option value="">(none)</option>}
          <optgroup label="presets">
            {PRESET_NAMES.map((p) => (
              <option key={p} value={`preset:${p}`}>
                {p}
              </option>
            ))}
          </optgroup>
          {props.saved.length > 0 && (
            <optgroup label="saved variants">
              {props.saved.map((s) => (
                <option key={s.name} value={`saved:${s.name}`}>
                  {s.name} ({s.base} + {Object.keys(s.behaviours).length})
                </option>
              ))}
            </optgroup>
          )}
        </select>
      </label>
      {props.enabled !== false && (
        <button type="button" className="action small" data-testid={`${props.testId}-toggle`} onClick={() => setOpen(!open)} aria-expanded={open}>
          switches{changed.length ? ` (${changed.length} changed)` : ''}
        </button>
      )}
      {props.enabled !== false && open && (
        <div className="switch-row" data-testid={`${props.testId}-switches`}>
          {BEHAVIOUR_KEYS.map((k) => {
            const d = BEHAVIOURS[k];
            const value = effective[k];
            const isChanged = value !== preset[k];
            return (
              <label key={k} className={`switch${isChanged ? ' changed' : ''}`} title={`${d.summary}\n${value}: ${(d.sources as Record<string, string>)[value]}\nin ${d.functions.join('; ')}`}>
                <span>{k}</span>
                <select
                  data-testid={`${props.testId}-switch-${k}`}
                  value={value}
                  onChange={(e) => props.onChange({ base: v.base, behaviours: { ...v.behaviours, [k]: e.target.value } })}
                >
                  {behaviourValues(k).map((x) => (
                    <option key={x} value={x}>
                      {x}
                      {x === preset[k] ? ` (${v.base})` : ''}
                    </option>
                  ))}
                </select>
              </label>
            );
          })}
          {props.onSave && (
            <div className="switch-save">
              <input data-testid={`${props.testId}-name`} placeholder="variant name" value={name} size={18} onChange={(e) => setName(e.target.value)} />
              <button
                type="button"
                className="action small"
                data-testid={`${props.testId}-save`}
                disabled={!name.trim() || problem !== undefined}
                onClick={() => {
                  setSaveError(undefined);
                  const def: VariantDefinition = { name: name.trim(), base: v.base, behaviours: changedSwitches(v), notes: '' };
                  props.onSave!(def).then(
                    () => props.onChange({ base: def.base, behaviours: { ...def.behaviours }, saved: def.name }),
                    (e: Error) => setSaveError(e.message),
                  );
                }}
              >
                Save variant
              </button>
            </div>
          )}
        </div>
      )}
      {props.enabled !== false && problem && (
        <p className="error small" role="alert" data-testid={`${props.testId}-problem`}>
          {problem}
        </p>
      )}
      {saveError && (
        <p className="error small" role="alert">
          {saveError}
        </p>
      )}
    </div>
  );
}
