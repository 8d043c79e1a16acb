import type { KnobWriteResult } from '../../../../shared/knobs/api';
import { PathWithBreaks } from './KnobRow';
import { resultText } from './staging';

export interface LastApply {
  at: string;
  results: KnobWriteResult[];
  /** What the kernel allowed for each knob when it was applied (a refusal says it). */
  allowed: Record<string, string>;
}

/** What the last Apply did, per knob; stays until the next Apply so a refusal is not missed. */
export function ApplyResults({ last, onClose }: { last: LastApply; onClose: () => void }) {
  const refused = last.results.filter((r) => !r.ok).length;
  return (
    <div className={`knobs-results ${refused ? 'tone-bad' : ''}`} data-testid="knobs-results" role="status">
      <div className="knobs-staged-head">
        <strong>
          Applied at {new Date(last.at).toLocaleTimeString()}: {last.results.length - refused} written{refused ? `, ${refused} refused by the kernel` : ''}
        </strong>
        <span className="spacer" />
        <button className="action small-button" data-testid="knobs-results-close" onClick={onClose}>
          Dismiss
        </button>
      </div>
      <table className="knobs-diff-table">
        <tbody>
          {last.results.map((r) => (
            <tr key={r.id} data-testid={`knobs-result-${r.id}`} className={r.ok ? 'ok' : 'refused'}>
              <td className="knob-id">{r.id}</td>
              <td className="knob-path">
                <PathWithBreaks path={r.path} />
              </td>
              <td className={r.ok ? 'tone-good' : 'error'}>{resultText(r, last.allowed[r.id] ?? '')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
