import { useEffect, useState } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { LabApi } from '../../../../shared/api/labApi';
import { phaseMarkers } from '../../../../shared/experiments/phaseMarkers';

/** Counters overlaid measured (solid) vs predicted (dashed); one chart each, never summed across units. */
const OVERLAY = ['pgmigrate_success', 'thp_migration_success', 'thp_migration_split', 'thp_fault_alloc', 'numa_pages_migrated', 'numa_hint_faults', 'numa_pte_updates'];

interface PredictedSeries {
  t: number[];
  counters: Record<string, number[]>;
}

export function OverlayCharts({ lab, runId, predicted, bug = null }: { lab: LabApi; runId: number | null; predicted: PredictedSeries | null; bug?: { t: number; message: string } | null }) {
  const [measured, setMeasured] = useState<Record<string, { t: number[]; y: Array<number | null>; unit: string }>>({});
  const [phases, setPhases] = useState<Array<{ t: number; text: string }>>([]);
  const [error, setError] = useState<string | undefined>();

  useEffect(() => {
    if (runId === null) return;
    lab
      .invoke('runs.series', { runId, counters: OVERLAY, maxPoints: 400, mode: 'delta' })
      .then((r) => setMeasured(Object.fromEntries(r.series.map((s) => [s.name, { t: s.t, y: s.y, unit: s.unit }]))), (e: Error) => setError(e.message));
    lab.invoke('runs.events', { runId }).then((evs) => setPhases(evs.filter((e) => e.kind === 'phase').map((e) => ({ t: e.t, text: e.text }))), () => {});
  }, [lab, runId]);

  // The prediction starts when the workload's setup began on the measured time axis.
  const offset = phases.find((p) => /setup begins/.test(p.text))?.t ?? 0;
  const charts = OVERLAY.filter((c) => (measured[c]?.y.some((v) => (v ?? 0) !== 0) ?? false) || (predicted?.counters[c]?.some((v) => v !== 0) ?? false));
  if (error) return <p className="error">{error}</p>;
  return (
    <div className="small-multiples" data-testid="exp-overlay">
      {charts.map((c) => {
        const m = measured[c];
        const rows: Array<{ t: number; measured?: number | null; predicted?: number }> = [];
        m?.t.forEach((t, i) => rows.push({ t, measured: m.y[i] }));
        // A predicted BUG ends the prediction: its series stops there.
        predicted?.t.forEach((t, i) => {
          if (!bug || t <= bug.t) rows.push({ t: t + offset, predicted: predicted.counters[c]?.[i] ?? 0 });
        });
        rows.sort((a, b) => a.t - b.t);
        const markers = phaseMarkers(phases, rows.length ? rows.at(-1)!.t - rows[0]!.t : 0);
        return (
          <div className="chart" key={c}>
            <div className="chart-title">
              {c} <span className="muted">cumulative since run start, {m?.unit ?? 'count'}</span>
            </div>
            <ResponsiveContainer width="100%" height={170}>
              <LineChart data={rows} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
                <CartesianGrid stroke="#223042" />
                <XAxis dataKey="t" type="number" domain={['dataMin', 'dataMax']} tickFormatter={(v: number) => `${v.toFixed(1)}s`} stroke="#8494a7" />
                <YAxis stroke="#8494a7" width={60} />
                <Tooltip contentStyle={{ background: '#111821', border: '1px solid #223042' }} />
                <Legend />
                {markers.map((p) => (
                  <ReferenceLine key={p.t} x={p.t} stroke="#3d5166" strokeDasharray="2 2" label={{ value: p.label, fill: '#8494a7', fontSize: 10, position: 'insideTopLeft' }} />
                ))}
                {bug && <ReferenceLine x={bug.t + offset} stroke="#ff7b72" strokeWidth={2} label={{ value: 'predicted BUG', fill: '#ff7b72', fontSize: 11, position: 'insideBottomRight' }} />}
                <Line dataKey="measured" name="measured" stroke="#5fb3ff" dot={false} connectNulls isAnimationActive={false} />
                <Line dataKey="predicted" name="predicted" stroke="#ffb45f" strokeDasharray="6 3" dot={false} connectNulls isAnimationActive={false} />
              </LineChart>
            </ResponsiveContainer>
          </div>
        );
      })}
    </div>
  );
}
