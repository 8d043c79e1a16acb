import type { MovePagesSummary } from '../../../../shared/experiment';

/** move_pages(2)'s per-address status counts, measured per repetition beside the prediction. */
export function MovePagesTable({ measured, predicted }: { measured: ReadonlyArray<MovePagesSummary | null | undefined>; predicted: MovePagesSummary | null | undefined }) {
  if (!predicted && !measured.some(Boolean)) return null;
  const keys = [...new Set([...Object.keys(predicted?.status ?? {}), ...measured.flatMap((m) => Object.keys(m?.status ?? {}))])].sort();
  const cell = (m: MovePagesSummary | null | undefined, k: string) => (m ? String(m.status[k] ?? 0) : '—');
  return (
    <div className="verdicts" data-testid="exp-move-pages">
      <h3>move_pages status</h3>
      <table className="deltas">
        <thead>
          <tr>
            <th>status</th>
            {measured.map((_, i) => (
              <th key={i}>rep {i + 1}</th>
            ))}
            <th>predicted</th>
          </tr>
        </thead>
        <tbody>
          {keys.map((k) => (
            <tr key={k} data-testid={`exp-move-pages-${k}`}>
              <td>{k}</td>
              {measured.map((m, i) => (
                <td key={i} className={`num ${m && predicted && (m.status[k] ?? 0) === (predicted.status[k] ?? 0) ? 'v-exact' : 'differs'}`}>
                  {cell(m, k)}
                </td>
              ))}
              <td className="num">{cell(predicted, k)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
