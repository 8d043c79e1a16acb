import type { z } from 'zod';
import type { ExperimentOutcomeSchema } from '../../../../shared/experiments/api';
import { PER_RUN_COUNTERS, perRunRows } from '../../../../shared/experiments/perRun';

type Outcome = z.output<typeof ExperimentOutcomeSchema>;

/**
 * NUMA-balancing runs: per repetition, measured beside the model calibrated by that repetition's
 * own CPU clocks (a scan near the window's end is in or out by milliseconds of CPU time).
 */
export function PerRunTable({ outcome }: { outcome: Outcome }) {
  const rows = perRunRows(outcome);
  if (!rows.length) return null;
  return (
    <div className="verdicts">
      <h3>per repetition (migrate phase): measured / predicted for that run's CPU clocks</h3>
      <table className="deltas" data-testid="per-run">
        <thead>
          <tr>
            <th>rep</th>
            {PER_RUN_COUNTERS.map((c) => (
              <th key={c}>{c}</th>
            ))}
            <th>model inputs</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.repetition} data-testid={`per-run-${r.repetition}`}>
              <td>{r.repetition}</td>
              {r.cells.map((c) => (
                <td key={c.counter} className={`num ${c.measured === c.predicted ? 'v-exact' : ''}`}>
                  {c.measured.toLocaleString('en-US')} / {c.predicted.toLocaleString('en-US')}
                </td>
              ))}
              <td>{Object.entries(r.knobs).map(([k, v]) => `${k.replace(/^sim\./, '')}=${v}`).join(' ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
