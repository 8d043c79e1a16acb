import { useEffect, useState } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { LabApi } from '../../../../shared/api/labApi';
import { phaseMarkers } from '../../../../shared/experiments/phaseMarkers';
import { layoutLabels } from '../telemetry/markers';
import { SavePng } from '../../components/SavePng';

const Y_AXIS = 60;
const MARGIN_RIGHT = 8;
/** Rows the phase labels may take above the plot (each 11 px): short phases stagger instead of overprinting. */
const LABEL_LANES = 2;
const MARGIN = { top: 4 + LABEL_LANES * 11, right: MARGIN_RIGHT, bottom: 0, left: 0 };

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
  // The charts' width (all the same in the grid): where each phase label can go without overlapping.
  const [width, setWidth] = useState(320);

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
        const t0 = rows[0]?.t ?? 0;
        const span = rows.length ? rows.at(-1)!.t - t0 : 0;
        const markers = phaseMarkers(phases, span);
        const plotW = Math.max(40, width - Y_AXIS - MARGIN_RIGHT);
        const labels = layoutLabels(
          markers.map((p) => ({ x: span > 0 ? ((p.t - t0) / span) * plotW : 0, text: p.label })),
          plotW,
          { lanes: LABEL_LANES, charPx: 6, gapPx: 4 },
        );
        return (
          <SavePng
            key={c}
            className="chart"
            title={c}
            subtitle={`cumulative since run start, ${m?.unit ?? 'count'}`}
            legend={[
              { label: 'measured', color: '#5fb3ff' },
              { label: 'predicted', color: '#ffb45f', dashed: true },
            ]}
            testId={`exp-overlay-png-${c}`}
          >
            <div className="chart-title">
              {c} <span className="muted">cumulative since run start, {m?.unit ?? 'count'}</span>
            </div>
            <ResponsiveContainer width="100%" height={170 + MARGIN.top - 4} onResize={(w) => w > 0 && w !== width && setWidth(w)}>
              <LineChart data={rows} margin={MARGIN}>
                <CartesianGrid stroke="#223042" />
                <XAxis dataKey="t" type="number" domain={['dataMin', 'dataMax']} tickFormatter={(v: number) => `${v.toFixed(1)}s`} stroke="#8494a7" />
                <YAxis stroke="#8494a7" width={Y_AXIS} />
                <Tooltip contentStyle={{ background: '#111821', border: '1px solid #223042' }} />
                <Legend />
                {markers.map((p, i) => {
                  const l = labels[i]!;
                  return (
                    <ReferenceLine
                      key={p.t}
                      x={p.t}
                      stroke="#3d5166"
                      strokeDasharray="2 2"
                      label={
                        l.lane === null
                          ? undefined
                          : (v: { viewBox?: { x?: number } }) => (
                              <text className="phase-label" x={(v.viewBox?.x ?? 0) + (l.anchor === 'end' ? -3 : 3)} y={12 + l.lane! * 11} textAnchor={l.anchor} fill="#8494a7" fontSize={10}>
                                <title>{l.text}</title>
                                {l.shown}
                              </text>
                            )
                      }
                    />
                  );
                })}
                {bug && <ReferenceLine x={bug.t + offset} stroke="#ff7b72" strokeWidth={2} label={{ value: 'predicted BUG', fill: '#ff7b72', fontSize: 11, position: 'insideBottomRight' }} />}
                <Line dataKey="measured" name="measured" stroke="#5fb3ff" dot={false} connectNulls isAnimationActive={false} />
                <Line dataKey="predicted" name="predicted" stroke="#ffb45f" strokeDasharray="6 3" dot={false} connectNulls isAnimationActive={false} />
              </LineChart>
            </ResponsiveContainer>
          </SavePng>
        );
      })}
    </div>
  );
}
