import type { CounterVerdict } from '../../../../shared/experiments/api';
import { shownVerdicts } from '../../../../shared/experiments/verdict';
import { SCAN_BOUNDARY_CPU_MS } from '../../../../shared/experiments/scanBoundary';
import { formatNumber } from '../../../../shared/format';

const BOUNDARY_TITLE = `a NUMA-balancing scan is predicted within ${SCAN_BOUNDARY_CPU_MS} ms of CPU time of the window's end: the kernel may see it late, so the model gives both answers`;

/**
 * Measured delta (the mean over the repetitions), predicted delta, difference and verdict per
 * counter; the verdict is the worst repetition's against its own prediction. A key counter of the
 * workload is shown even at 0 on both sides.
 */
export function VerdictTable({ title, verdicts, testId }: { title: string; verdicts: CounterVerdict[]; testId?: string }) {
  const shown = shownVerdicts(verdicts);
  return (
    <div className="verdicts">
      <h3>{title}</h3>
      <table className="deltas" data-testid={testId}>
        <thead>
          <tr>
            <th>counter</th>
            <th>measured</th>
            <th>predicted</th>
            <th>difference</th>
            <th>verdict</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((v) => (
            <tr key={v.counter} data-testid={testId ? `${testId}-${v.counter}` : undefined} className={v.key ? 'key' : undefined}>
              <td>{v.counter}</td>
              <td className="num">{formatNumber(v.measured)}</td>
              <td className="num" title={v.boundary ? BOUNDARY_TITLE : undefined}>
                {formatNumber(v.predicted)}
                {v.boundary ? (
                  <span className="boundary" data-testid={testId ? `${testId}-${v.counter}-boundary` : undefined}>
                    scan boundary: <span className="range">{`${formatNumber(v.boundary.lo)}–${formatNumber(v.boundary.hi)}`}</span>
                  </span>
                ) : null}
              </td>
              <td className="num">{formatNumber(v.difference)}</td>
              <td className={`verdict v-${v.verdict.replace(/\s+/g, '-')}`} title={v.reason}>
                {v.verdict}
                {v.verdict === 'within tolerance' ? ` (±${formatNumber(v.allowed)})` : ''}
                {v.reason && (v.verdict === 'diverged' || v.verdict === 'undecided') ? (
                  <span className="reason" data-testid={testId ? `${testId}-${v.counter}-reason` : undefined}>
                    {v.reason}
                  </span>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
