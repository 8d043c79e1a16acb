import type { Forecast } from '../../../../shared/experiments/api';
import { BugBanner } from '../../components/BugBanner';
import { ModelInputs } from './ModelInputs';
import { VerdictTable } from './VerdictTable';

/**
 * The forecast: what the model said before the workload ran, from the spec alone, with what it
 * assumed and the counters it could not decide; once the runs are in, how often the kernel did
 * what it said.
 */
export function ForecastPanel({ forecast, running }: { forecast: Forecast; running?: boolean }) {
  const a = forecast.asForecast;
  return (
    <div className="forecast" data-testid="exp-forecast">
      <h3>
        Forecast <span className="muted">— the model ({forecast.kernel}) on the spec alone, before the run{running ? ' (the run is in progress)' : ''}</span>
      </h3>
      {forecast.bug && <BugBanner bug={forecast.bug} label="Forecast: kernel BUG" testId="exp-forecast-bug" />}
      {forecast.uncertain.length ? (
        <ul className="uncertain" data-testid="exp-forecast-uncertain">
          {forecast.uncertain.map((u) => (
            <li key={u}>{u}</li>
          ))}
        </ul>
      ) : (
        <p className="muted small">No counter of the forecast changes over what the run will measure.</p>
      )}
      {forecast.judgement && (
        <p data-testid="exp-forecast-summary">
          Against the runs: <strong>{forecast.judgement.verdict}</strong>
          {a ? ` — ${a.runs} of ${a.of} repetition${a.of === 1 ? '' : 's'} as forecast${a.withinUncertainty ? ` (${a.withinUncertainty} only within its uncertainty)` : ''}` : ''}
        </p>
      )}
      <details>
        <summary>what the forecast assumed and was given</summary>
        <ModelInputs inputs={forecast.inputs} testId="exp-forecast-inputs" />
      </details>
      {forecast.verdicts && (
        <details>
          <summary>the runs against the forecast, per counter</summary>
          <VerdictTable title="whole run vs forecast" verdicts={forecast.verdicts} testId="forecast-verdicts-total" />
        </details>
      )}
    </div>
  );
}
