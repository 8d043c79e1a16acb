import { WORKLOADS, WORKLOAD_NAMES, type ParamSpec } from '../../../../shared/workloads';
import type { VariantDefinition } from '../../../../shared/sim/behaviours';
import { VariantEditor, type VariantChoice } from '../../components/VariantEditor';

/** The experiment spec as the form holds it: everything a string, as the CLI's --param takes it. */
export interface SimFormState {
  nodes: number;
  cpusPerNode: number;
  memPerNodeMiB: number;
  /** node_distance() rows as `10,20;20,10`; empty: 10 local, 20 remote. */
  distance: string;
  kernelA: VariantChoice;
  kernelB: VariantChoice;
  /** Whether B is predicted beside A. */
  sideBySide: boolean;
  workload: string;
  params: Record<string, string>;
  thpEnabled: string;
  numaBalancing: string;
}

export const SIMULATED_WORKLOADS = WORKLOAD_NAMES.filter((w) => WORKLOADS[w].simulated);

export function defaultParams(workload: string): Record<string, string> {
  const spec = WORKLOADS[workload as keyof typeof WORKLOADS];
  return Object.fromEntries(spec.params.filter((p) => p.default !== null).map((p) => [p.name, String(p.default)]));
}

export function ParamField({ p, value, onChange }: { p: ParamSpec; value: string; onChange: (v: string) => void }) {
  const id = `sim-param-${p.name}`;
  const input =
    p.type === 'enum' ? (
      <select id={id} data-testid={id} value={value} onChange={(e) => onChange(e.target.value)}>
        {p.values.map((v) => (
          <option key={v}>{v}</option>
        ))}
      </select>
    ) : p.type === 'flag' ? (
      <select id={id} data-testid={id} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="1">1</option>
        <option value="0">0</option>
      </select>
    ) : (
      <input id={id} data-testid={id} value={value} onChange={(e) => onChange(e.target.value)} size={8} />
    );
  return (
    <label className="field" title={p.meaning}>
      <span>{p.name}</span>
      {input}
    </label>
  );
}

/**
 * A workload and its parameters, as the catalog defines them (shared by the Simulator and
 * Experiments views). Picking another workload resets the parameters to its defaults.
 */
export function WorkloadFieldset(props: {
  testId: string;
  workloads: readonly string[];
  workload: string;
  params: Record<string, string>;
  onChange: (workload: string, params: Record<string, string>) => void;
}) {
  const spec = WORKLOADS[props.workload as keyof typeof WORKLOADS];
  return (
    <fieldset>
      <legend>Workload</legend>
      <label className="field">
        <span>workload</span>
        <select data-testid={props.testId} value={props.workload} onChange={(e) => props.onChange(e.target.value, defaultParams(e.target.value))}>
          {props.workloads.map((w) => (
            <option key={w}>{w}</option>
          ))}
        </select>
      </label>
      {spec.params.map((p) => (
        <ParamField key={p.name} p={p} value={props.params[p.name] ?? ''} onChange={(v) => props.onChange(props.workload, { ...props.params, [p.name]: v })} />
      ))}
      <p className="muted small">{spec.summary}</p>
    </fieldset>
  );
}

export function SimForm({ state, saved, onChange, onSave }: { state: SimFormState; saved: VariantDefinition[]; onChange: (s: SimFormState) => void; onSave: (v: VariantDefinition) => Promise<void> }) {
  const set = (patch: Partial<SimFormState>) => onChange({ ...state, ...patch });
  return (
    <div className="sim-form">
      <fieldset>
        <legend>Topology</legend>
        <label className="field">
          <span>nodes</span>
          <input data-testid="sim-nodes" value={state.nodes} size={3} onChange={(e) => set({ nodes: Number(e.target.value) || 1 })} />
        </label>
        <label className="field">
          <span>CPUs/node</span>
          <input value={state.cpusPerNode} size={3} onChange={(e) => set({ cpusPerNode: Number(e.target.value) || 1 })} />
        </label>
        <label className="field">
          <span>MiB/node</span>
          <input value={state.memPerNodeMiB} size={6} onChange={(e) => set({ memPerNodeMiB: Number(e.target.value) || 64 })} />
        </label>
        <label className="field" title="node_distance() as /sys/devices/system/node/node<N>/distance prints it, one row per node: rows separated by ';', entries by ','. Empty: 10 local, 20 remote. Placement weighs it where the kernel does (task_numa_placement on machines whose nodes are not all one hop apart).">
          <span>distances</span>
          <input data-testid="sim-distance" value={state.distance} size={18} placeholder="10,20;20,10" onChange={(e) => set({ distance: e.target.value })} />
        </label>
      </fieldset>
      <fieldset>
        <legend>Kernel</legend>
        <VariantEditor testId="sim-kernel-a" label="model" value={state.kernelA} saved={saved} onChange={(kernelA) => set({ kernelA })} onSave={onSave} />
        <VariantEditor
          testId="sim-kernel-b"
          label="side by side with"
          value={state.kernelB}
          saved={saved}
          optional
          enabled={state.sideBySide}
          onEnabled={(sideBySide) => set({ sideBySide })}
          onChange={(kernelB) => set({ kernelB })}
          onSave={onSave}
        />
      </fieldset>
      <fieldset>
        <legend>Knobs</legend>
        <label className="field">
          <span>thp.enabled</span>
          <select data-testid="sim-thp" value={state.thpEnabled} onChange={(e) => set({ thpEnabled: e.target.value })}>
            {['always', 'madvise', 'never'].map((v) => (
              <option key={v}>{v}</option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>numa.balancing</span>
          <select data-testid="sim-numa-balancing" value={state.numaBalancing} onChange={(e) => set({ numaBalancing: e.target.value })}>
            {['0', '1', '2', '3'].map((v) => (
              <option key={v}>{v}</option>
            ))}
          </select>
        </label>
      </fieldset>
      <WorkloadFieldset
        testId="sim-workload"
        workloads={SIMULATED_WORKLOADS}
        workload={state.workload}
        params={state.params}
        onChange={(workload, params) =>
          // A workload that moves memory only through NUMA balancing turns the knob on when picked.
          set(workload === state.workload ? { params } : { workload, params, numaBalancing: WORKLOADS[workload as keyof typeof WORKLOADS].mechanism === 'numa-balancing' ? '1' : '0' })
        }
      />
    </div>
  );
}
