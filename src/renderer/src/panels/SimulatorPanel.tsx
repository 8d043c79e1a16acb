import { useEffect, useRef, useState } from 'react';
import type { PanelProps } from './registry';
import { SimForm, defaultParams, type SimFormState } from './sim/SimForm';
import { DeltaComparison, SimEvents, type SimResultView } from './sim/SimResults';
import { SimSeries } from './sim/SimSeries';
import { BugBanner } from '../components/BugBanner';
import { choiceProblem, presetChoice } from '../components/VariantEditor';
import { overrideWords, type VariantDefinition } from '../../../shared/sim/behaviours';
import { distanceMatrixProblem, parseDistanceRows } from '../../../shared/sim/distance';
import { simCommandLines, simFormSpec } from './sim/simCommandLine';
import { CopyAsCli } from './sim/CopyAsCli';
import { predictionCsv, predictionJson, predictionSeriesCsv } from './sim/simExport';
import { downloadText } from '../components/download';

const INITIAL: SimFormState = {
  nodes: 2,
  cpusPerNode: 1,
  memPerNodeMiB: 1024,
  distance: '',
  kernelA: presetChoice('linux-6.1'),
  kernelB: presetChoice('linux-6.12+'),
  sideBySide: true,
  workload: 'thp-move',
  params: { ...defaultParams('thp-move'), unmap: '0.5' },
  thpEnabled: 'always',
  numaBalancing: '0',
};

/** How long the run lasts, to ask for predicted series at ~200 points over it. */
function sampleTimesFor(s: SimFormState): number[] | undefined {
  const secs = Number(s.params.secs ?? (s.workload === 'numa01' || s.workload === 'numa02' ? 60 : 0));
  if (!(secs > 0)) return undefined;
  const end = secs + 2;
  return Array.from({ length: 201 }, (_, i) => (end * i) / 200);
}

/**
 * The Simulator: predictions with no host at all (the first thing a newcomer without a NUMA box
 * can use). Two kernel variants side by side show what a behaviour change does to the counters.
 */
export function SimulatorPanel({ lab }: PanelProps) {
  const [saved, setSaved] = useState<VariantDefinition[]>([]);
  const [state, setState] = useState(INITIAL);
  const [results, setResults] = useState<SimResultView[]>([]);
  // The form the shown results were predicted from (the exports name it, not later edits).
  const [ranWith, setRanWith] = useState<SimFormState>(INITIAL);
  const [error, setError] = useState<string | undefined>();
  const [progress, setProgress] = useState<string | undefined>();
  const running = useRef<string[]>([]);

  useEffect(() => {
    lab.invoke('sim.savedVariants', {}).then(setSaved, (e: Error) => setError(e.message));
    return lab.on('sim.progress', (p) => {
      if (running.current.includes(p.requestId)) setProgress(`${p.phase} ${(p.fraction * 100).toFixed(0)}%`);
    });
  }, [lab]);

  const run = async () => {
    setError(undefined);
    setResults([]);
    const kernels = state.sideBySide ? [state.kernelA, state.kernelB] : [state.kernelA];
    const problem = kernels.map(choiceProblem).find(Boolean);
    if (problem) return setError(problem);
    const typed = parseDistanceRows(state.distance);
    const wrong = typed && distanceMatrixProblem(typed, Array.from({ length: state.nodes }, (_, id) => id), 'distances');
    if (wrong) return setError(wrong);
    const ids = kernels.map((_, i) => `sim-${Date.now().toString(36)}-${i}`);
    running.current = ids;
    setProgress('starting…');
    try {
      const rs = await Promise.all(
        kernels.map((kernel, i) =>
          lab.invoke('sim.run', {
            requestId: ids[i],
            // The same spec as the "Copy as CLI" line (simFormSpec beside simCommandWords); the distances were checked above.
            spec: simFormSpec(state, kernel),
            sampleTimes: sampleTimesFor(state),
          }),
        ),
      );
      setResults(rs);
      setRanWith(state);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setProgress(undefined);
      running.current = [];
    }
  };

  const cliLines = simCommandLines(state);
  const seriesCsv = predictionSeriesCsv(results);
  const fileBase = `numa-lab-prediction-${ranWith.workload}`;

  const cancel = () => running.current.forEach((requestId) => void lab.invoke('sim.cancel', { requestId }));

  return (
    <div className="sim-panel" data-testid="simulator">
      <section className="panel">
        <h2>Simulator — predicted /proc/vmstat deltas, no host needed</h2>
        <SimForm
          state={state}
          saved={saved}
          onChange={setState}
          onSave={async (v) => {
            await lab.invoke('sim.saveVariant', { variant: v });
            setSaved(await lab.invoke('sim.savedVariants', {}));
          }}
        />
        <div className="actions">
          <button className="action" data-testid="sim-run" onClick={run} disabled={progress !== undefined}>
            Predict
          </button>
          {progress !== undefined && (
            <>
              <span className="muted">{progress}</span>
              <button className="action" onClick={cancel}>
                Cancel
              </button>
            </>
          )}
          <CopyAsCli lines={cliLines} testId="sim-copy-cli" />
        </div>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        {/* A predicted BUG is the prediction's headline: here, above the fold, not under the tables. */}
        {results.map((r, i) => (r.bug ? <BugBanner key={i} bug={r.bug} label={`${r.variant.name}: predicted kernel BUG`} testId="sim-bug" /> : null))}
      </section>
      {results.length > 0 && (
        <section className="panel">
          <h2>Prediction</h2>
          <div className="actions">
            <button className="action" data-testid="sim-export-csv" title="the predicted counters per phase and in total, one row per model, phase and counter" onClick={() => downloadText(`${fileBase}.csv`, 'text/csv', predictionCsv(results))}>
              Export CSV
            </button>
            {seriesCsv && (
              <button className="action" data-testid="sim-export-series-csv" title="the predicted time series, one column per model and counter" onClick={() => downloadText(`${fileBase}-series.csv`, 'text/csv', seriesCsv)}>
                Export series CSV
              </button>
            )}
            <button className="action" data-testid="sim-export-json" title="the whole prediction (every model's result) with the form and its command lines" onClick={() => downloadText(`${fileBase}.json`, 'application/json', predictionJson(results, ranWith, simCommandLines(ranWith)))}>
              Export JSON
            </button>
          </div>
          <ul className="model-list" data-testid="sim-models">
            {results.map((r, i) => (
              <li key={i}>
                <strong>{r.variant.name}</strong>
                {r.variant.overrides && Object.keys(r.variant.overrides).length > 0 && (
                  <span className="changed-switches"> — over {r.variant.base}: {overrideWords(r.variant.overrides).join(' ')}</span>
                )}
                {(r.variant.ignored ?? []).map((n) => (
                  <div key={n} className="muted small">
                    ignored: {n}
                  </div>
                ))}
              </li>
            ))}
          </ul>
          <DeltaComparison results={results} />
          <SimSeries results={results} />
          <div className="sim-events-row">
            {results.map((r, i) => (
              <SimEvents key={i} result={r} />
            ))}
          </div>
        </section>
      )}
    </div>
  );
}
