import type { ExperimentOutcome, ExperimentVerdict } from '../../../../shared/experiments/api';
import { BugBanner } from '../../components/BugBanner';

/** How a verdict looks: green only for agreement; red for disagreement; amber undecided; grey for nothing compared. */
const TONE: Record<ExperimentVerdict, 'good' | 'bad' | 'warn' | 'neutral'> = {
  agrees: 'good',
  diverged: 'bad',
  'unexpected crash': 'bad',
  'predicted crash did not happen': 'bad',
  undecided: 'warn',
  'crash as predicted': 'warn',
  vacuous: 'neutral',
  'nothing to compare': 'neutral',
  'not compared': 'neutral',
  'no repetition completed': 'neutral',
};

export function verdictTone(v: ExperimentVerdict | null | undefined): string {
  return v ? TONE[v] : 'neutral';
}

/**
 * The experiment's verdict, why, and what the comparison does not cover; a predicted BUG and a
 * crash of the host come first, above everything else.
 */
export function Headline({ outcome }: { outcome: ExperimentOutcome }) {
  const j = outcome.judgement;
  const bug = outcome.predicted?.bug ?? outcome.forecast?.bug ?? null;
  const crashes = outcome.measured.map((m, i) => ({ m, rep: i + 1 })).filter((x) => x.m.crash);
  return (
    <div className="headline-block">
      {bug && <BugBanner bug={bug} testId="exp-bug" />}
      {crashes.map(({ m, rep }) => (
        <div key={rep} className="bug bug-headline" role="alert" data-testid={`exp-crash-${rep}`}>
          <strong>The kernel crashed</strong> in repetition {rep}: {m.crash!.message}
          <pre className="crash-text">{m.crash!.text}</pre>
        </div>
      ))}
      {j ? (
        <div className={`headline tone-${verdictTone(j.verdict)}`} data-testid="exp-headline">
          <strong data-testid="exp-overall">{j.verdict}</strong>
          <span data-testid="exp-reason"> — {j.reason}</span>
          <span className="muted counts"> {Object.entries(j.counts).map(([k, n]) => `${n} ${k}`).join(' · ')}</span>
        </div>
      ) : (
        <div className="headline tone-neutral" data-testid="exp-headline">
          <strong data-testid="exp-overall">{outcome.verdicts.length === 0 ? 'nothing compared' : outcome.diverged ? 'diverged' : 'compared'}</strong>
          <span className="muted"> (stored before experiments had named verdicts)</span>
        </div>
      )}
      {outcome.warnings?.length ? (
        <ul className="warnings" data-testid="exp-warnings">
          {outcome.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
