import type { ModelInput } from '../../../../shared/experiments/api';

/** What the model was given, each input with where it came from (host, user, workload, measured, assumed). */
export function ModelInputs({ inputs, testId, hideHost = false }: { inputs: readonly ModelInput[]; testId?: string; hideHost?: boolean }) {
  const shown = hideHost ? inputs.filter((i) => i.source !== 'host') : inputs;
  if (!shown.length) return null;
  return (
    <table className="deltas inputs" data-testid={testId}>
      <thead>
        <tr>
          <th>input</th>
          <th>value</th>
          <th>source</th>
          <th>where it came from</th>
        </tr>
      </thead>
      <tbody>
        {shown.map((i) => (
          <tr key={i.knob} data-testid={testId ? `${testId}-${i.knob}` : undefined}>
            <td>{i.knob}</td>
            <td className="num">
              {i.value}
              {i.range ? <span className="boundary">over {i.range.lo}–{i.range.hi}</span> : null}
            </td>
            <td className={`source s-${i.source}`}>{i.source}</td>
            <td className="detail">{i.detail}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
