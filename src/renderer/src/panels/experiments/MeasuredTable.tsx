import type { MeasuredRun } from '../../../../shared/experiments/api';
import { shownDeltas } from '../../../../shared/experiments/measuredDeltas';
import { formatNumber } from '../../../../shared/format';

/**
 * What was measured when nothing is predicted (a custom command): the deltas of every counter
 * that moved, per repetition (the command's own output and exit status: WorkloadOutput).
 */
export function MeasuredTable({ measured }: { measured: readonly MeasuredRun[] }) {
  const counters = shownDeltas(measured.map((m) => m.deltas));
  return (
    <div className="verdicts" data-testid="exp-measured">
      <h3>measured, not compared</h3>
      <table className="deltas">
        <thead>
          <tr>
            <th>counter</th>
            {measured.map((m, i) => (
              <th key={i}>rep {i + 1}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {counters.map((c) => (
            <tr key={c} data-testid={`exp-measured-${c}`}>
              <td>{c}</td>
              {measured.map((m, i) => (
                <td key={i} className="num">
                  {formatNumber(m.deltas[c] ?? 0)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
