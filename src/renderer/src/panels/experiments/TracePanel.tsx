import { useEffect, useState } from 'react';
import type { LabApi } from '../../../../shared/api/labApi';
import type { ExperimentOutcome } from '../../../../shared/experiments/api';
import { phaseMarkers } from '../../../../shared/experiments/phaseMarkers';
import { markerPhaseStarts, onRunClock, phaseStarts, type MigrateCall } from '../../../../shared/trace/migrateCalls';
import { MigrationByReason } from './MigrationByReason';
import { TraceCalls } from './TraceCalls';
import { formatNumber } from '../../../../shared/format';

interface RunSide {
  runId: number;
  /** Every task's calls over the whole run (what pgmigrate_success counts). */
  calls: MigrateCall[];
  counter: { t: number[]; y: Array<number | null> } | null;
  starts: Record<string, number>;
  markers: Array<{ t: number; text: string }>;
  end: number;
}

/**
 * The kernel's migrate_pages() calls (migrate:mm_migrate_pages) beside the model's, for one
 * repetition at a time: how the capture went, each phase's calls aligned with the replay's, and
 * pgmigrate_success stacked by reason over the run, measured and predicted.
 */
export function TracePanel({ lab, outcome }: { lab: LabApi; outcome: ExperimentOutcome }) {
  const traced = outcome.measured.map((m, i) => ({ m, repetition: i + 1 })).filter((x) => x.m.trace);
  const [repetition, setRepetition] = useState(traced.find((x) => x.m.trace?.status === 'captured')?.repetition ?? traced[0]?.repetition ?? 1);
  const [side, setSide] = useState<RunSide | undefined>();
  const [error, setError] = useState<string | undefined>();
  const m = outcome.measured[repetition - 1];
  const runId = m?.trace?.status === 'captured' ? (m.trace.runId ?? m.runId) : null;

  useEffect(() => {
    setSide(undefined);
    if (runId === null) return;
    let gone = false;
    Promise.all([
      lab.invoke('runs.migrateCalls', { runId }),
      lab.invoke('runs.series', { runId, counters: ['pgmigrate_success'], maxPoints: 600, mode: 'delta' }),
      lab.invoke('runs.events', { runId }),
      lab.invoke('runs.get', { runId }),
    ]).then(
      ([calls, series, events, detail]) => {
        if (gone) return;
        const s = series.series[0];
        const phases = events.filter((e) => e.kind === 'phase').map((e) => ({ t: e.t, kind: e.kind, text: e.text }));
        // The phase markers in the trace are on the calls' own clock; the run's phase events (stamped by the lab as it saw them) fill in the rest.
        setSide({ runId, calls: calls.calls, counter: s ? { t: s.t, y: s.y } : null, starts: { ...phaseStarts(phases), ...markerPhaseStarts(calls.markers) }, markers: phases, end: detail.lastT ?? 0 });
      },
      (e: Error) => !gone && setError(e.message),
    );
    return () => {
      gone = true;
    };
  }, [lab, runId]);

  if (!traced.length) return null;
  const replay = outcome.replays?.find((r) => r.repetition === repetition);
  const predicted = replay?.migrateCalls ?? null;
  const modelStarts = outcome.predicted ? phaseStarts(outcome.predicted.events.map((e) => ({ t: e.t, kind: e.kind, data: e.data as Record<string, unknown> | undefined }))) : {};
  const inOrder = Object.values(outcome.verdictsByPhase).some((vs) => vs.some((v) => v.counter === 'trace:calls'));
  const phases = Object.keys(m?.migrateCalls ?? predicted ?? {});
  const span = side ? side.end : 0;
  const markers = side ? phaseMarkers(side.markers, span) : [];
  return (
    <div className="trace-panel" data-testid="exp-trace">
      <h3>the kernel's migrate_pages() calls (migrate:mm_migrate_pages) beside the model's</h3>
      {traced.length > 1 && (
        <span className="seg" role="group" aria-label="repetition">
          {traced.map((x) => (
            <button key={x.repetition} className="action small-button" aria-pressed={x.repetition === repetition} data-testid={`exp-trace-rep-${x.repetition}`} onClick={() => setRepetition(x.repetition)}>
              repetition {x.repetition}
            </button>
          ))}
        </span>
      )}
      <CaptureLine outcome={outcome} repetition={repetition} replayed={!!predicted} />
      {error && <p className="error">{error}</p>}
      {m?.trace?.status === 'captured' && (
        <>
          <div className="small-multiples trace-charts">
            {side && <MigrationByReason title="pgmigrate_success by reason — the kernel (every task)" calls={side.calls} counter={side.counter} end={side.end} markers={markers} testId="exp-trace-by-reason" />}
            {side && predicted && (
              <MigrationByReason
                title={`pgmigrate_success by reason — the model (replay of repetition ${repetition})`}
                calls={onRunClock(predicted, modelStarts, side.starts)}
                end={side.end}
                markers={markers}
                testId="exp-trace-by-reason-predicted"
              />
            )}
          </div>
          {phases.map((p) => (
            <TraceCalls
              key={`${repetition}-${p}`}
              phase={p}
              measured={m.migrateCalls?.[p] ?? []}
              predicted={predicted ? (predicted[p] ?? []) : null}
              measuredStart={side?.starts[p]}
              predictedStart={modelStarts[p]}
              inOrder={inOrder}
              testId={`exp-trace-${p}`}
            />
          ))}
        </>
      )}
    </div>
  );
}

/** How the selected repetition's capture went: calls read, compared, lost; or why there is none. */
function CaptureLine({ outcome, repetition, replayed }: { outcome: ExperimentOutcome; repetition: number; replayed: boolean }) {
  const t = outcome.measured[repetition - 1]?.trace;
  if (!t) return <p className="muted small">repetition {repetition} was not traced</p>;
  if (t.status !== 'captured')
    return (
      <p className="tone-warn small" data-testid="exp-trace-capture">
        kernel trace missing: {t.reason}
      </p>
    );
  const lost = t.overrun + t.dropped;
  return (
    <p className={`small ${lost ? 'tone-warn' : 'muted'}`} data-testid="exp-trace-capture">
      {t.events.join(', ')}: {formatNumber(t.calls)} call{t.calls === 1 ? '' : 's'} traced (every task), {formatNumber(t.kept)} compared · ring buffer overrun {t.overrun}, dropped {t.dropped}
      {t.malformed ? ` · ${t.malformed} malformed lines` : ''}
      {t.reason ? ` · ${t.reason}` : ''}
      {!replayed ? ' · no replay for this repetition: the calls are measured only' : ''}
    </p>
  );
}
