import { useCallback, useEffect, useRef, useState } from 'react';
import { LabApiError, type LabResult } from '../../../shared/api/labApi';
import type { PanelProps } from './registry';
import { ExperimentForm, INITIAL_EXPERIMENT, parseKnobText, type ExperimentFormState } from './experiments/ExperimentForm';
import { PerRunTable } from './experiments/PerRunTable';
import { VerdictTable } from './experiments/VerdictTable';
import { OverlayCharts } from './experiments/OverlayCharts';
import { CompareView } from './experiments/CompareView';
import { AbView } from './experiments/AbView';
import { Headline } from './experiments/Headline';
import { ForecastPanel } from './experiments/ForecastPanel';
import { MeasuredTable } from './experiments/MeasuredTable';
import { MovePagesTable } from './experiments/MovePagesTable';
import { TracePanel } from './experiments/TracePanel';
import { ExperimentList } from './experiments/ExperimentList';
import { WorkloadOutput } from './experiments/WorkloadOutput';
import { FieldNote } from './experiments/FieldNote';
import { CopyAsCli } from './sim/CopyAsCli';
import { ExperimentPhaseSchema, type ExperimentRequest, type Forecast } from '../../../shared/experiments/api';
import { runCommandLine, runLineProblem } from '../../../shared/experiments/runCommandLine';
import { fieldErrorOf, nodeShortfall, refusedBeforeRun, type FieldError } from '../../../shared/experiments/requestErrors';
import { specWords } from '../../../shared/experiments/specDiff';
import { overrideWords, type VariantDefinition } from '../../../shared/sim/behaviours';
import { choiceSpec } from '../components/VariantEditor';
import { useViewParams } from '../route';

type Detail = LabResult<'experiments.get'>;
type Summary = LabResult<'experiments.list'>[number];
const PHASES = ExperimentPhaseSchema.options;

/** A positive whole number from the URL, else undefined (a hand-edited link may hold anything). */
const idParam = (v: string | undefined) => (v && /^\d+$/.test(v) && Number(v) > 0 ? Number(v) : undefined);

/** The request experiments.start gets from the form: the same object "Copy as CLI" writes as a `numa-lab run` line. */
export function requestOf(form: ExperimentFormState, target: string): ExperimentRequest {
  return {
    target,
    workload: form.workload,
    params: form.params,
    knobs: parseKnobText(form.knobs),
    repeat: form.repeat,
    rateHz: form.rateHz,
    ...(form.modelChosen ? choiceSpec(form.model) : {}),
    baselineS: form.baselineS,
    cooldownS: form.cooldownS,
  };
}

/**
 * The lab's main job: run a workload on the host, predict the same spec, compare per counter.
 * The open experiment and the compared pair live in the URL (`#/experiments?id=12`, `a`, `b`), so
 * a run made by `numa-lab run` opens here by its id and a comparison reopens after a reload.
 */
export function ExperimentsPanel({ lab, target, facts, active }: PanelProps) {
  const [params, setParams] = useViewParams('experiments');
  const openId = idParam(params.id);
  const pair = { a: idParam(params.a), b: idParam(params.b) };
  const [form, setForm] = useState(INITIAL_EXPERIMENT);
  const [running, setRunning] = useState<number | undefined>();
  /** experiments.start is checking the request on the host (probe, parameters, knobs): nothing stored yet. */
  const [starting, setStarting] = useState(false);
  const runningRef = useRef<number | undefined>(undefined);
  /** Experiments seen to end (a quick run may end before experiments.start's reply is read). */
  const endedRef = useRef(new Set<number>());
  const [progress, setProgress] = useState<{ phase: string; message: string; repetition: number; of: number } | undefined>();
  const [list, setList] = useState<Summary[]>([]);
  const [detail, setDetail] = useState<Detail | undefined>();
  const [openError, setOpenError] = useState<string | undefined>();
  const [startError, setStartError] = useState<FieldError | undefined>();
  const [saved, setSaved] = useState<VariantDefinition[]>([]);
  /** Bumped when the open experiment changed in the store (it finished), so it is read again. */
  const [version, setVersion] = useState(0);
  /** The running experiment's forecast, shown while it runs. */
  const [liveForecast, setLiveForecast] = useState<{ experimentId: number; forecast: Forecast } | undefined>();

  const refresh = useCallback(() => lab.invoke('experiments.list', {}).then(setList, () => {}), [lab]);
  /** The user opens an experiment: a history entry, so back returns to what was shown. */
  const open = useCallback((id: number) => setParams({ id: String(id) }, { push: true }), [setParams]);

  // The open experiment follows the URL (a link, a reload, back/forward).
  useEffect(() => {
    if (openId === undefined) {
      setDetail(undefined);
      setOpenError(undefined);
      return;
    }
    let live = true;
    lab.invoke('experiments.get', { experimentId: openId }).then(
      (d) => {
        if (!live) return;
        setDetail(d);
        setOpenError(undefined);
      },
      (e: Error) => {
        if (!live) return;
        setDetail(undefined);
        setOpenError(e instanceof LabApiError && e.code === 'not-found' ? `There is no experiment ${openId} in this lab's store.` : e.message);
      },
    );
    return () => {
      live = false;
    };
  }, [lab, openId, version]);

  useEffect(() => {
    void refresh();
    lab.invoke('sim.savedVariants', {}).then(setSaved, () => {});
    const offP = lab.on('experiments.progress', (p) => setProgress(p));
    const offF = lab.on('experiments.forecast', (f) => setLiveForecast(f));
    const offC = lab.on('experiments.changed', (c) => {
      void refresh();
      if (c.status === 'running') return;
      endedRef.current.add(c.experimentId);
      setProgress(undefined);
      if (runningRef.current === c.experimentId) {
        // The run started here ended: its result is what the user is waiting for.
        runningRef.current = undefined;
        setRunning(undefined);
        open(c.experimentId);
      }
      setVersion((v) => v + 1);
    });
    return () => {
      offP();
      offF();
      offC();
    };
  }, [lab, refresh, open]);

  // Runs made elsewhere (`numa-lab run` in a terminal, another lab) send this view no event: read
  // the list again whenever the view is shown.
  useEffect(() => {
    if (active) void refresh();
  }, [active, refresh]);

  const request = requestOf(form, target);
  // Experiments that ran (an older lab stored refused requests as failed ones).
  const experiments = list.filter((x) => !refusedBeforeRun(x));
  const start = async () => {
    setStartError(undefined);
    setLiveForecast(undefined);
    setStarting(true);
    try {
      const { experimentId } = await lab.invoke('experiments.start', { request });
      if (endedRef.current.has(experimentId)) open(experimentId);
      else {
        runningRef.current = experimentId;
        setRunning(experimentId);
      }
    } catch (e) {
      // Refused before anything ran (nothing stored): said beside the field it is about.
      const code = e instanceof LabApiError ? e.code : 'failed';
      setStartError(fieldErrorOf(request, code, e instanceof Error ? e.message : String(e)));
    } finally {
      setStarting(false);
    }
  };
  const edit = (next: ExperimentFormState) => {
    setForm(next);
    setStartError(undefined);
  };

  const hint = facts ? nodeShortfall(request, facts.nodes.length) : undefined;
  const lineProblem = runLineProblem(request);
  const outcome = detail?.outcome;
  const phaseIndex = progress ? PHASES.indexOf(progress.phase as (typeof PHASES)[number]) : -1;
  return (
    <div className="sim-panel" data-testid="experiments">
      <section className="panel">
        <h2>
          Experiment on <span className="accent">{target}</span>
          {facts && (
            <span className="muted as-written">
              {' '}
              · {facts.kernelRelease} · {facts.nodes.length} node{facts.nodes.length === 1 ? '' : 's'}
            </span>
          )}
        </h2>
        {startError?.field === 'target' && <FieldNote note={startError} testId="exp-field-error-target" kind="error" />}
        <ExperimentForm state={form} saved={saved} onChange={edit} notes={{ error: startError, hint }} />
        <div className="actions">
          <button className="action" data-testid="exp-run" onClick={start} disabled={running !== undefined || starting} title={starting ? `checking the request on ${target}` : undefined}>
            Run
          </button>
          {running !== undefined && (
            <button className="action" data-testid="exp-stop" onClick={() => void lab.invoke('experiments.stop', { experimentId: running })}>
              Stop
            </button>
          )}
          {lineProblem ? <span className="muted small-inline">{lineProblem}</span> : <CopyAsCli lines={[runCommandLine(request)]} testId="exp-copy-cli" title="the numa-lab run command line that starts this experiment" />}
          {progress && (
            <div className="progress" data-testid="exp-progress">
              <div className="bar" style={{ width: `${((phaseIndex + 1) / PHASES.length) * 100}%` }} />
              <span>
                {progress.repetition}/{progress.of} · {progress.phase}: {progress.message}
              </span>
            </div>
          )}
        </div>
        {startError && startError.field === null && (
          <p className="error" role="alert" data-testid="exp-error">
            {startError.text}
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
      {openError && (
        <section className="panel">
          <p className="error" role="alert" data-testid="exp-open-error">
            {openError}
          </p>
        </section>
      )}
      {detail && (
        <section className="panel" data-testid="exp-result">
          <h2>
            Experiment {detail.id} · {detail.status}
          </h2>
          {detail.error && (
            <p className="error" data-testid="exp-result-error">
              {detail.error}
            </p>
          )}
          <SpecLine detail={detail} />
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
                · knobs during the run{' '}
                {Object.entries(outcome.spec.knobs)
                  .filter(([k]) => !k.startsWith('sim.'))
                  .map(([k, v]) => `${k}=${v}`)
                  .join(' ') || "(the host's own)"}
              </p>
              {outcome.spec.workload === 'custom' && <WorkloadOutput measured={outcome.measured} />}
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
        <ExperimentList list={experiments} openId={openId} pair={pair} onOpen={open} />
        <CompareView lab={lab} experiments={experiments} pair={pair} onCompare={(a, b) => setParams({ a: String(a), b: String(b) }, { push: true })} />
        <AbView lab={lab} form={form} />
      </section>
    </div>
  );
}

/** What the open experiment asked for, as the list shows it: the spec a comparison would differ by. */
function SpecLine({ detail }: { detail: Detail }) {
  const w = specWords(detail);
  return (
    <p className="spec-line" data-testid="exp-spec">
      <span className="muted">spec</span> {detail.workload} {w.params} · on {detail.target} ({detail.kernel ?? 'kernel not reached'})
      {detail.model ? ` · model ${detail.model}` : ''}
      {w.behaviours ? <span className="changed-switches"> {w.behaviours}</span> : null} · knobs asked for {w.knobs || '(none: the host’s own)'} · repeat {detail.repeat}
      {detail.rateHz ? ` · ${detail.rateHz} Hz` : ''}
    </p>
  );
}
