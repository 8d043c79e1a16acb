import type { ExperimentOutcome } from '../../../../shared/experiments/api';
import { PER_RUN_COUNTERS, perRunRows } from '../../../../shared/experiments/perRun';
import { ModelInputs } from './ModelInputs';
import { formatNumber } from '../../../../shared/format';

/**
 * NUMA-balancing runs: per repetition, measured beside its replay (the model given that
 * repetition's own CPU clocks and layout), and what each replay was given.
 */
export function PerRunTable({ outcome }: { outcome: ExperimentOutcome }) {
  const rows = perRunRows(outcome);
  const replays = outcome.replays ?? [];
  if (!rows.length && !replays.length) return null;
  return (
    <div className="verdicts">
      {rows.length > 0 && (
        <>
          <h3>per repetition (migrate phase): measured / replayed from that run's own measurements</h3>
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
                      {formatNumber(c.measured)} / {formatNumber(c.predicted)}
                    </td>
                  ))}
                  <td>{Object.entries(r.knobs).map(([k, v]) => `${k.replace(/^sim\./, '')}=${v}`).join(' ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {replays.map((r) => (
        <details key={r.repetition} data-testid={`replay-${r.repetition}`}>
          <summary>replay of repetition {r.repetition}: what the model was given</summary>
          <ModelInputs inputs={r.inputs} testId={`replay-${r.repetition}-inputs`} />
        </details>
      ))}
    </div>
  );
}
