import type { z } from 'zod';
import type { ExperimentOutcomeSchema } from '../../../../shared/experiments/api';

type Outcome = z.output<typeof ExperimentOutcomeSchema>;

const COUNTERS = ['numa_pte_updates', 'numa_huge_pte_updates', 'numa_hint_faults', 'numa_hint_faults_local', 'numa_pages_migrated'];

/**
 * NUMA-balancing runs: per repetition, measured beside the model calibrated by that repetition's
 * own CPU clocks (a scan near the window's end is in or out by milliseconds of CPU time).
 */
export function PerRunTable({ outcome }: { outcome: Outcome }) {
  const rows = outcome.predictedPerRun ?? [];
  if (!rows.length) return null;
  return (
    <div className="verdicts">
      <h3>per repetition (migrate phase): measured / predicted for that run's CPU clocks</h3>
      <table className="deltas" data-testid="per-run">
        <thead>
          <tr>
            <th>rep</th>
            {COUNTERS.map((c) => (
              <th key={c}>{c}</th>
            ))}
            <th>model inputs</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((p) => {
            const m = outcome.measured[p.repetition - 1]?.phases.migrate ?? {};
            return (
              <tr key={p.repetition} data-testid={`per-run-${p.repetition}`}>
                <td>{p.repetition}</td>
                {COUNTERS.map((c) => {
                  const got = m[c] ?? 0;
                  const want = p.phases.migrate?.[c] ?? 0;
                  return (
                    <td key={c} className={`num ${got === want ? 'v-exact' : ''}`}>
                      {got.toLocaleString('en-US')} / {want.toLocaleString('en-US')}
                    </td>
                  );
                })}
                <td>{Object.entries(p.knobs).map(([k, v]) => `${k.replace(/^sim\./, '')}=${v}`).join(' ')}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
