import type { z } from 'zod';
import type { CounterVerdictSchema } from '../../../../shared/experiments/api';
import { SCAN_BOUNDARY_CPU_MS } from '../../../../shared/experiments/scanBoundary';

type Verdict = z.output<typeof CounterVerdictSchema>;

const BOUNDARY_TITLE = `a NUMA-balancing scan is predicted within ${SCAN_BOUNDARY_CPU_MS} ms of CPU time of the window's edge: the measured value is judged against the predictions with that time shifted either way`;

/** Measured delta, predicted delta, difference and verdict per counter (zeros on both sides hidden). */
export function VerdictTable({ title, verdicts, testId }: { title: string; verdicts: Verdict[]; testId?: string }) {
  const shown = verdicts.filter((v) => v.measured !== 0 || v.predicted !== 0 || v.verdict === 'diverged');
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
            <tr key={v.counter} data-testid={testId ? `${testId}-${v.counter}` : undefined}>
              <td>{v.counter}</td>
              <td className="num">{v.measured.toLocaleString('en-US')}</td>
              <td className="num" title={v.boundary ? BOUNDARY_TITLE : undefined}>
                {v.predicted.toLocaleString('en-US')}
                {v.boundary ? (
                  <span className="boundary" data-testid={testId ? `${testId}-${v.counter}-boundary` : undefined}>
                    scan boundary: <span className="range">{`${v.boundary.lo.toLocaleString('en-US')}–${v.boundary.hi.toLocaleString('en-US')}`}</span>
                  </span>
                ) : null}
              </td>
              <td className="num">{v.difference.toLocaleString('en-US')}</td>
              <td className={`verdict v-${v.verdict.replace(/\s+/g, '-')}`}>
                {v.verdict}
                {v.verdict === 'within tolerance' ? ` (±${Number.isInteger(v.allowed) ? v.allowed : v.allowed.toFixed(1)})` : ''}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
