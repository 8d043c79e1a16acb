import { useState } from 'react';
import { alignCalls, CALL_FIELDS, totalsByReason, type MigrateCall } from '../../../../shared/trace/migrateCalls';
import { formatNumber } from '../../../../shared/format';

/** Rows shown before "show all": a NUMA-balancing phase can make thousands of calls. */
const FIRST_ROWS = 50;
const fmt = (v: unknown) => (typeof v === 'number' ? formatNumber(v) : v === undefined ? '(absent)' : String(v));

/**
 * One phase of one repetition: the kernel's migrate_pages() calls beside the model's, the n-th
 * against the n-th, every compared field in one cell (one value where they agree, "measured /
 * predicted" highlighted where they do not; a call one side did not make is marked as such).
 * `inOrder`: the order is the workload's own (thp-move, mbind-move), so a call-by-call difference
 * is the verdict; otherwise (NUMA balancing) the scheduler orders the calls and the per-reason
 * totals are what is judged, the calls listed for reading.
 */
export function TraceCalls({ phase, measured, predicted, measuredStart, predictedStart, inOrder, testId }: {
  phase: string;
  measured: readonly MigrateCall[];
  predicted: readonly MigrateCall[] | null;
  /** When the phase began on each side's clock, to show each call's time into its phase. */
  measuredStart: number | undefined;
  predictedStart: number | undefined;
  inOrder: boolean;
  testId: string;
}) {
  const [all, setAll] = useState(false);
  const aligned = alignCalls(measured, predicted ?? []);
  const fields = CALL_FIELDS.filter((f) => aligned.some((a) => (a.measured && f in a.measured) || (a.predicted && f in a.predicted)));
  const differing = predicted ? aligned.filter((a) => a.differs.length).length : 0;
  const shown = all ? aligned : aligned.slice(0, FIRST_ROWS);
  const into = (c: MigrateCall | null, start: number | undefined) => (c && start !== undefined ? `${(c.t - start).toFixed(3)}` : '—');
  const summary = !predicted
    ? `${measured.length} measured (no prediction for this repetition)`
    : aligned.length === 0
      ? 'no call made, none predicted'
      : differing === 0
      ? `${measured.length} measured, ${predicted.length} predicted — ${inOrder ? 'every call equal, field by field' : 'the same calls'}`
      : `${measured.length} measured, ${predicted.length} predicted — ${differing} of ${aligned.length} positions differ`;
  // Green only where calls were made and compared: an empty phase agreed on nothing.
  const tone = !predicted || aligned.length === 0 ? 'tone-neutral' : differing === 0 ? 'tone-good' : inOrder ? 'tone-bad' : 'tone-neutral';
  return (
    <div className="trace-phase" data-testid={testId}>
      <h4>
        phase {phase}: <span className={tone} data-testid={`${testId}-summary`}>{summary}</span>
      </h4>
      {aligned.length > 0 && <ReasonTotals measured={measured} predicted={predicted} testId={`${testId}-reasons`} />}
      {aligned.length > 0 && (
        <details open={inOrder}>
          <summary>{!predicted ? 'the calls in order' : inOrder ? 'call by call (the n-th call against the n-th predicted)' : 'the calls in order (the scheduler decides the order: judged per reason above)'}</summary>
          <div className="trace-scroll">
            <table className="deltas trace-calls">
              <thead>
                <tr>
                  <th>#</th>
                  <th title="seconds since the phase began: measured / predicted">t in phase (s)</th>
                  {fields.map((f) => (
                    <th key={f}>{f}</th>
                  ))}
                  <th>task</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((a) => {
                  const only = !a.measured ? 'not made by the kernel' : !a.predicted && predicted ? 'not predicted' : null;
                  return (
                    <tr key={a.index} data-testid={`${testId}-call-${a.index + 1}`} className={only ? 'call-missing' : a.differs.length && predicted ? 'call-differs' : undefined} title={only ?? undefined}>
                      <td>{a.index + 1}</td>
                      <td className="num">
                        {into(a.measured, measuredStart)} / {into(a.predicted, predictedStart)}
                      </td>
                      {fields.map((f) => {
                        const m = a.measured?.[f];
                        const p = a.predicted?.[f];
                        if (!predicted || !a.measured || !a.predicted || m === p) return <td key={f} className={`num${only ? ' differs' : ''}`}>{fmt(a.measured ? m : p)}</td>;
                        return (
                          <td key={f} className="num differs" data-differs={f} title={`measured ${fmt(m)}, predicted ${fmt(p)}`}>
                            {fmt(m)} / {fmt(p)}
                          </td>
                        );
                      })}
                      <td className="muted">{only ?? (a.measured ? `${a.measured.comm ?? ''} ${a.measured.tgid ?? a.measured.pid ?? ''}`.trim() : '')}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          {aligned.length > FIRST_ROWS && (
            <button className="action small-button" data-testid={`${testId}-all`} onClick={() => setAll((x) => !x)}>
              {all ? `show the first ${FIRST_ROWS}` : `show all ${formatNumber(aligned.length)} calls`}
            </button>
          )}
        </details>
      )}
    </div>
  );
}

/** Per reason: calls and the pages they moved and failed to move, measured / predicted. */
function ReasonTotals({ measured, predicted, testId }: { measured: readonly MigrateCall[]; predicted: readonly MigrateCall[] | null; testId: string }) {
  const m = totalsByReason(measured);
  const p = predicted ? totalsByReason(predicted) : {};
  const reasons = [...new Set([...Object.keys(m), ...Object.keys(p)])].sort();
  const cell = (a: number | undefined, b: number | undefined) => {
    const x = a ?? 0;
    if (!predicted) return <td className="num">{fmt(x)}</td>;
    const y = b ?? 0;
    return <td className={x === y ? 'num' : 'num differs'}>{x === y ? fmt(x) : `${fmt(x)} / ${fmt(y)}`}</td>;
  };
  return (
    <table className="deltas" data-testid={testId}>
      <caption className="muted small trace-caption">per reason{predicted ? ': one number where the kernel and the model agree, measured / predicted where they differ' : ''}</caption>
      <thead>
        <tr>
          <th>reason</th>
          <th>calls</th>
          <th>pages migrated</th>
          <th>pages failed</th>
          <th>THPs migrated whole</th>
        </tr>
      </thead>
      <tbody>
        {reasons.map((r) => (
          <tr key={r} data-testid={`${testId}-${r}`}>
            <td>{r}</td>
            {cell(m[r]?.calls, p[r]?.calls)}
            {cell(m[r]?.succeeded, p[r]?.succeeded)}
            {cell(m[r]?.failed, p[r]?.failed)}
            {cell(m[r]?.thp_succeeded, p[r]?.thp_succeeded)}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
