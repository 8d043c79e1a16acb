import { useCallback, useEffect, useState } from 'react';
import type { LabResult } from '../../../shared/api/labApi';
import type { PanelProps } from './registry';
import { ExperimentForm, INITIAL_EXPERIMENT, parseKnobText } from './experiments/ExperimentForm';
import { PerRunTable } from './experiments/PerRunTable';
import { VerdictTable } from './experiments/VerdictTable';
import { OverlayCharts } from './experiments/OverlayCharts';
import { CompareView } from './experiments/CompareView';

type Detail = LabResult<'experiments.get'>;
type Summary = LabResult<'experiments.list'>[number];
const PHASES = ['prepare', 'baseline', 'setup', 'migrate', 'cooldown', 'restore', 'simulate', 'done'];

/** The lab's main job: run a workload on the host, predict the same spec, compare per counter. */
export function ExperimentsPanel({ lab, target, facts }: PanelProps) {
  const [form, setForm] = useState(INITIAL_EXPERIMENT);
  const [running, setRunning] = useState<number | undefined>();
  const [progress, setProgress] = useState<{ phase: string; message: string; repetition: number; of: number } | undefined>();
  const [list, setList] = useState<Summary[]>([]);
  const [detail, setDetail] = useState<Detail | undefined>();
  const [error, setError] = useState<string | undefined>();

  const refresh = useCallback(() => lab.invoke('experiments.list', {}).then(setList, () => {}), [lab]);
  const open = useCallback((id: number) => lab.invoke('experiments.get', { experimentId: id }).then(setDetail, (e: Error) => setError(e.message)), [lab]);

  useEffect(() => {
    void refresh();
    const offP = lab.on('experiments.progress', (p) => setProgress(p));
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
      offC();
    };
  }, [lab, refresh, open]);

  const start = async () => {
    setError(undefined);
    setDetail(undefined);
    try {
      const { experimentId } = await lab.invoke('experiments.start', {
        request: { target, workload: form.workload, params: form.params, knobs: parseKnobText(form.knobs), repeat: form.repeat, rateHz: form.rateHz },
      });
      setRunning(experimentId);
    } catch (e) {
      setError((e as Error).message);
    }
  };

  const outcome = detail?.outcome;
  const phaseIndex = progress ? PHASES.indexOf(progress.phase) : -1;
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
        <ExperimentForm state={form} onChange={setForm} />
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
      </section>
      {detail && (
        <section className="panel" data-testid="exp-result">
          <h2>
            Experiment {detail.id} · {detail.status}
            {detail.error ? ` — ${detail.error}` : ''}
          </h2>
          {outcome && (
            <>
              <p className="muted">
                measured on {outcome.measured[0]?.kernel} ·{' '}
                {outcome.predicted ? `predicted with ${outcome.predicted.variant.name} (${outcome.predicted.variant.title})` : 'a custom command: measured, not simulated'} ·{' '}
                <strong className={outcome.diverged ? 'bad' : 'good'} data-testid="exp-overall">
                  {outcome.verdicts.length === 0 ? 'nothing compared' : outcome.diverged ? 'diverged' : 'agrees with the prediction'}
                </strong>
              </p>
              <OverlayCharts lab={lab} runId={outcome.measured[0]?.runId ?? null} predicted={(outcome.predicted?.series as never) ?? null} />
              <div className="sim-events-row verdict-row">
                {Object.entries(outcome.verdictsByPhase).map(([phase, vs]) => (
                  <VerdictTable key={phase} title={`phase ${phase}`} verdicts={vs} testId={`verdicts-${phase}`} />
                ))}
                <VerdictTable title="whole run" verdicts={outcome.verdicts} testId="verdicts-total" />
              </div>
              <PerRunTable outcome={outcome} />
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
                <td>{x.status}</td>
                <td>{x.diverged === null ? '—' : x.diverged ? 'diverged' : 'agrees'}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <CompareView lab={lab} experiments={list} />
      </section>
    </div>
  );
}
