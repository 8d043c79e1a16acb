import { useCallback, useEffect, useState } from 'react';
import type { LabResult } from '../../../shared/api/labApi';
import type { PanelProps } from './registry';
import { ExperimentForm, INITIAL_EXPERIMENT, parseKnobText } from './experiments/ExperimentForm';
import { PerRunTable } from './experiments/PerRunTable';
import { VerdictTable } from './experiments/VerdictTable';
import { OverlayCharts } from './experiments/OverlayCharts';
import { CompareView } from './experiments/CompareView';
import { AbView } from './experiments/AbView';
import { Headline, verdictTone } from './experiments/Headline';
import { ForecastPanel } from './experiments/ForecastPanel';
import { MeasuredTable } from './experiments/MeasuredTable';
import { MovePagesTable } from './experiments/MovePagesTable';
import { TracePanel } from './experiments/TracePanel';
import { ExperimentPhaseSchema, type Forecast } from '../../../shared/experiments/api';
import { overrideWords, type VariantDefinition } from '../../../shared/sim/behaviours';
import { choiceSpec } from '../components/VariantEditor';

type Detail = LabResult<'experiments.get'>;
type Summary = LabResult<'experiments.list'>[number];
const PHASES = ExperimentPhaseSchema.options;

/** The lab's main job: run a workload on the host, predict the same spec, compare per counter. */
export function ExperimentsPanel({ lab, target, facts }: PanelProps) {
  const [form, setForm] = useState(INITIAL_EXPERIMENT);
  const [running, setRunning] = useState<number | undefined>();
  const [progress, setProgress] = useState<{ phase: string; message: string; repetition: number; of: number } | undefined>();
  const [list, setList] = useState<Summary[]>([]);
  const [detail, setDetail] = useState<Detail | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [saved, setSaved] = useState<VariantDefinition[]>([]);
  /** The running experiment's forecast, shown while it runs. */
  const [liveForecast, setLiveForecast] = useState<{ experimentId: number; forecast: Forecast } | undefined>();

  const refresh = useCallback(() => lab.invoke('experiments.list', {}).then(setList, () => {}), [lab]);
  const open = useCallback((id: number) => lab.invoke('experiments.get', { experimentId: id }).then(setDetail, (e: Error) => setError(e.message)), [lab]);

  useEffect(() => {
    void refresh();
    lab.invoke('sim.savedVariants', {}).then(setSaved, () => {});
    const offP = lab.on('experiments.progress', (p) => setProgress(p));
    const offF = lab.on('experiments.forecast', (f) => setLiveForecast(f));
    const offC = lab.on('experiments.changed', (c) => {
      void refresh();
      if (c.status !== 'running') {
        setRunning((r) => (r === c.experimentId ? undefined : r));
        setProgress(undefined);
        void open(c.experimentId);
      }
    });
    return () => {
      offP();
      offF();
      offC();
    };
  }, [lab, refresh, open]);

  const start = async () => {
    setError(undefined);
    setDetail(undefined);
    setLiveForecast(undefined);
    try {
      const { experimentId } = await lab.invoke('experiments.start', {
        request: { target, workload: form.workload, params: form.params, knobs: parseKnobText(form.knobs), repeat: form.repeat, rateHz: form.rateHz, ...(form.modelChosen ? choiceSpec(form.model) : {}) },
      });
      setRunning(experimentId);
    } catch (e) {
      setError((e as Error).message);
    }
  };

  const outcome = detail?.outcome;
  const phaseIndex = progress ? PHASES.indexOf(progress.phase as (typeof PHASES)[number]) : -1;
  return (
    <div className="sim-panel" data-testid="experiments">
      <section className="panel">
        <h2>
          Experiment on <span className="accent">{target}</span>
          {facts && (
            <span className="muted">
              {' '}
              · {facts.kernelRelease} · {facts.nodes.length} node{facts.nodes.length === 1 ? '' : 's'}
            </span>
          )}
        </h2>
        <ExperimentForm state={form} saved={saved} onChange={setForm} />
        <div className="actions">
          <button className="action" data-testid="exp-run" onClick={start} disabled={running !== undefined}>
            Run
          </button>
          {running !== undefined && (
            <button className="action" data-testid="exp-stop" onClick={() => void lab.invoke('experiments.stop', { experimentId: running })}>
              Stop
            </button>
          )}
          {progress && (
            <div className="progress" data-testid="exp-progress">
              <div className="bar" style={{ width: `${((phaseIndex + 1) / PHASES.length) * 100}%` }} />
              <span>
                {progress.repetition}/{progress.of} · {progress.phase}: {progress.message}
              </span>
            </div>
          )}
        </div>
        {error && (
          <p className="error" role="alert" data-testid="exp-error">
            {error}
          </p>
        )}
        {/* The open experiment's verdict (and a predicted BUG or a crash) is the view's headline: above the fold. */}
        {detail && outcome && (
          <div className="headline-top">
            <span className="muted">experiment {detail.id}:</span>
            <Headline outcome={outcome} />
          </div>
        )}
      </section>
      {running !== undefined && liveForecast?.experimentId === running && (
        <section className="panel" data-testid="exp-live">
          <ForecastPanel forecast={liveForecast.forecast} running />
        </section>
      )}
      {detail && (
        <section className="panel" data-testid="exp-result">
          <h2>
            Experiment {detail.id} · {detail.status}
            {detail.error ? ` — ${detail.error}` : ''}
          </h2>
          {outcome && (
            <>
              <p className="muted">
                measured on {outcome.measured[0]?.kernel ?? '—'} ·{' '}
                {outcome.model
                  ? `predicted with ${outcome.model.name} (${outcome.model.title})`
                  : outcome.predicted
                    ? `replayed with ${outcome.predicted.variant.name} (${outcome.predicted.variant.title})`
                    : outcome.forecast
                      ? `forecast with ${outcome.forecast.kernel}`
                      : 'a custom command: measured, not simulated'}
                {outcome.model && Object.keys(outcome.model.overrides).length > 0 && (
                  <span className="changed-switches" data-testid="exp-model-switches">
                    {' '}
                    — switches over {outcome.model.base}: {overrideWords(outcome.model.overrides).join(' ')}
                  </span>
                )}{' '}
                · knobs{' '}
                {Object.entries(outcome.spec.knobs)
                  .filter(([k]) => !k.startsWith('sim.'))
                  .map(([k, v]) => `${k}=${v}`)
                  .join(' ') || "(the host's own)"}
              </p>
              <OverlayCharts lab={lab} runId={outcome.measured[0]?.runId ?? null} predicted={(outcome.predicted?.series as never) ?? null} bug={outcome.predicted?.bug ?? null} />
              {outcome.predicted || outcome.verdicts.length ? (
                <div className="sim-events-row verdict-row">
                  {Object.entries(outcome.verdictsByPhase).map(([phase, vs]) => (
                    <VerdictTable key={phase} title={`phase ${phase}: each repetition against its replay`} verdicts={vs} testId={`verdicts-${phase}`} />
                  ))}
                  <VerdictTable title="whole run" verdicts={outcome.verdicts} testId="verdicts-total" />
                </div>
              ) : (
                <MeasuredTable measured={outcome.measured} />
              )}
              <MovePagesTable measured={outcome.measured.map((m) => m.movePages)} predicted={outcome.predicted?.movePages} />
              <TracePanel key={detail.id} lab={lab} outcome={outcome} />
              <PerRunTable outcome={outcome} />
              {outcome.forecast && <ForecastPanel forecast={outcome.forecast} />}
            </>
          )}
        </section>
      )}
      <section className="panel">
        <h2>Experiments</h2>
        <table className="deltas" data-testid="exp-list">
          <thead>
            <tr>
              <th>id</th>
              <th>target</th>
              <th>kernel</th>
              <th>workload</th>
              <th>knobs</th>
              <th>status</th>
              <th>verdict</th>
            </tr>
          </thead>
          <tbody>
            {list.map((x) => (
              <tr key={x.id} className="clickable" data-testid={`exp-row-${x.id}`} onClick={() => void open(x.id)}>
                <td>{x.id}</td>
                <td>{x.target}</td>
                <td>{x.kernel ?? '—'}</td>
                <td>
                  {x.workload} {Object.entries(x.params).map(([k, v]) => `${k}=${v}`).join(' ')}
                </td>
                <td>{Object.entries(x.knobs ?? {}).map(([k, v]) => `${k}=${v}`).join(' ') || '—'}</td>
                <td>{x.status}</td>
                <td className={`tone-${verdictTone(x.verdict)}`}>{x.verdict ?? (x.diverged === null ? '—' : x.diverged ? 'diverged' : 'compared')}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <CompareView lab={lab} experiments={list} />
        <AbView lab={lab} form={form} />
      </section>
    </div>
  );
}
