import type { MeasuredRun } from '../../../../shared/experiments/api';

/**
 * A custom command's own result, per repetition: its exit status, what it printed on stdout and
 * on stderr. Open by default: for a command the lab does not model, this is half the result.
 */
export function WorkloadOutput({ measured }: { measured: readonly MeasuredRun[] }) {
  const runs = measured.map((m, i) => ({ m, repetition: i + 1 })).filter((x) => x.m.exitCode !== undefined);
  if (!runs.length) return null;
  return (
    <div className="workload-output" data-testid="exp-output">
      <h3>the command&apos;s output</h3>
      {runs.map(({ m, repetition }) => (
        <details key={repetition} open data-testid={`exp-output-${repetition}`}>
          <summary>
            repetition {repetition}:{' '}
            <span className={m.exitCode === 0 ? 'tone-good' : 'tone-bad'} data-testid={`exp-output-${repetition}-status`}>
              exit status {m.exitCode ?? 'unknown (it did not end)'}
            </span>
          </summary>
          <div className="output-stream">
            <span className="muted small">stdout</span>
            <pre className="log" data-testid={`exp-output-${repetition}-stdout`}>
              {m.output || '(nothing)'}
            </pre>
          </div>
          <div className="output-stream">
            <span className="muted small">stderr</span>
            <pre className="log stderr" data-testid={`exp-output-${repetition}-stderr`}>
              {m.stderr || '(nothing)'}
            </pre>
          </div>
        </details>
      ))}
    </div>
  );
}
