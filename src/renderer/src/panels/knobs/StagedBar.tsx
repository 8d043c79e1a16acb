import { PathWithBreaks } from './KnobRow';
import type { DiffRow } from './staging';

/**
 * The staged changes before they reach the host: per knob its file, current → staged and what
 * the kernel allows; a knob changed underneath since it was staged shows both values and asks
 * whether to keep the staged one or drop it. Apply sends all of them in one knobs.set call.
 */
export function StagedBar(p: {
  rows: DiffRow[];
  busy: boolean;
  blocked: string | null;
  onApply: () => void;
  onDiscard: () => void;
  onKeep: (id: string) => void;
  onDrop: (id: string) => void;
}) {
  if (!p.rows.length) return null;
  return (
    <div className="knobs-staged" data-testid="knobs-diff" role="region" aria-label="staged knob changes">
      <div className="knobs-staged-head">
        <strong>
          {p.rows.length} staged change{p.rows.length > 1 ? 's' : ''}
        </strong>
        <span className="muted">nothing is written until Apply</span>
        <span className="spacer" />
        <button className="action" data-testid="knobs-apply" disabled={p.busy || p.blocked !== null} title={p.blocked ?? 'write every staged value in one request'} onClick={p.onApply}>
          {p.busy ? 'Applying…' : `Apply ${p.rows.length}`}
        </button>
        <button className="action danger" data-testid="knobs-discard" disabled={p.busy} onClick={p.onDiscard}>
          Discard
        </button>
      </div>
      <table className="knobs-diff-table">
        <thead>
          <tr>
            <th>knob</th>
            <th>file</th>
            <th>current → staged</th>
            <th>the kernel allows</th>
          </tr>
        </thead>
        <tbody>
          {p.rows.map((r) => (
            <tr key={r.id} data-testid={`knobs-diff-row-${r.id}`} className={r.conflict && !p.busy ? 'conflict' : r.problem ? 'problem' : ''}>
              <td className="knob-id">{r.id}</td>
              <td className="knob-path">
                <PathWithBreaks path={r.path} />
              </td>
              <td className="knob-change">
                <span className="old">{r.current ?? '?'}</span> → <span className="new">{r.staged === '' ? '(empty)' : r.staged}</span>
                {r.unit ? <span className="muted"> {r.unit}</span> : null}
                {r.conflict && !p.busy && (
                  <div className="knob-conflict" data-testid={`knobs-conflict-${r.id}`} role="alert">
                    changed underneath{r.conflict.by ? ` by ${originWords(r.conflict.by)}` : ''} after you staged: it was {r.base}, it is now <strong>{r.conflict.now ?? 'unreadable'}</strong>.{' '}
                    <button className="action small-button" data-testid={`knobs-keep-${r.id}`} onClick={() => p.onKeep(r.id)} disabled={r.conflict.now === null}>
                      Keep {r.staged}
                    </button>{' '}
                    <button className="action small-button" data-testid={`knobs-drop-${r.id}`} onClick={() => p.onDrop(r.id)}>
                      Drop mine
                    </button>
                  </div>
                )}
                {r.problem && (
                  <div className="error knob-problem" data-testid={`knobs-problem-${r.id}`}>
                    {r.problem}
                  </div>
                )}
              </td>
              <td className="muted knob-allowed">{r.allowed}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function originWords(o: string): string {
  switch (o) {
    case 'cli':
      return 'the CLI (numa-lab knobs set)';
    case 'experiment':
      return 'an experiment';
    case 'restore':
      return 'a restore';
    case 'recovery':
      return "the lab's start-up recovery";
    case 'ui':
      return 'a lab window';
    default:
      return o;
  }
}
