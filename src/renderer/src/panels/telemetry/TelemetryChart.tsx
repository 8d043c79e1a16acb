import { CartesianGrid, Line, LineChart, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import type { RunEvent } from '../../../../shared/telemetry/api';
import { describeCounter } from '../../../../shared/telemetry/catalog';
import type { ChartGroup } from '../../../../shared/telemetry/charts';
import { formatNumber, formatSeconds, formatValue, unitText, type ValueMode } from '../../../../shared/telemetry/format';
import type { Row } from './chartData';
import { EVENT_COLORS, placeMarkers } from './markers';
import { CallTicks } from './CallTicks';
import { SavePng } from '../../components/SavePng';
import type { MigrateCall } from '../../../../shared/trace/migrateCalls';

export const SERIES_COLORS = ['#6cb6ff', '#f69d50', '#8ddb8c', '#dcbdfb', '#f47067', '#e0c25c', '#96d0ff', '#c6e6ff', '#ff938a', '#b4f1b4'];
const WIDTH = 380;
const HEIGHT = 200;
const Y_AXIS = 64;
const MARGIN = { top: 36, right: 10, left: 4, bottom: 4 };

export interface TelemetryChartProps {
  group: ChartGroup;
  rows: Row[];
  /** What the counters are plotted as ('value' for levels). */
  mode: ValueMode;
  intervalS?: number;
  domain: [number, number];
  events: RunEvent[];
  hidden: ReadonlySet<string>;
  onToggle: (name: string) => void;
  onRemove?: () => void;
  /** The run's traced migrate_pages() calls, drawn as ticks under this chart (the migration chart). */
  calls?: readonly MigrateCall[];
}

/** One chart: one unit, one kind; its unit in the title, the axis and every tooltip value. */
export function TelemetryChart({ group: g, rows, mode, intervalS, domain, events, hidden, onToggle, onRemove, calls }: TelemetryChartProps) {
  const unit = unitText(g.unit, mode, intervalS);
  const markers = placeMarkers(events, domain, WIDTH - Y_AXIS - MARGIN.left - MARGIN.right, { lanes: 3 });
  const empty = rows.length === 0;
  // Rates, counts and levels are never negative (a reset counts from 0): the axis starts at 0;
  // a flat 0 still gets an axis (0 … 1) rather than a collapsed one.
  let top = 0;
  for (const r of rows) for (const n of g.names) if (!hidden.has(n) && typeof r[n] === 'number') top = Math.max(top, r[n] as number);
  return (
    <div className="panel telemetry-chart" data-testid={`telemetry-chart-${g.key}`} data-unit={unit} data-kind={g.kind}>
      <h3>
        <span className="telemetry-chart-title">{g.title}</span> <span className="muted" data-testid="chart-unit">{g.kind === 'gauge' ? `level, ${unit}` : unit}</span>
        {onRemove && (
          <button className="telemetry-chart-remove" title="remove this chart" aria-label={`remove chart ${g.title}`} data-testid={`chart-remove-${g.key}`} onClick={onRemove}>
            ×
          </button>
        )}
      </h3>
      <SavePng
        title={g.title}
        subtitle={g.kind === 'gauge' ? `level, ${unit}` : unit}
        legend={g.names.flatMap((n, i) => (hidden.has(n) ? [] : [{ label: g.labels[n] ?? n, color: SERIES_COLORS[i % SERIES_COLORS.length]! }]))}
        testId={`chart-png-${g.key}`}
      >
        <LineChart width={WIDTH} height={HEIGHT} data={rows} margin={MARGIN}>
          <CartesianGrid stroke="#2d333b" />
          <XAxis dataKey="t" type="number" domain={domain} allowDataOverflow tickFormatter={(t: number) => formatSeconds(t)} stroke="#768390" fontSize={11} />
          <YAxis
            stroke="#768390"
            width={Y_AXIS}
            fontSize={11}
            allowDecimals={mode === 'rate'}
            domain={top > 0 ? [(min: number) => Math.min(0, min), 'auto'] : [0, 1]}
            tickFormatter={(v: number) => formatNumber(v, { compact: true })}
            label={{ value: unit, angle: -90, position: 'insideLeft', fill: '#768390', fontSize: 10, dy: 40 }}
          />
          <Tooltip
            contentStyle={{ background: '#22272e', border: '1px solid #444c56', fontSize: 12 }}
            labelFormatter={(t) => formatSeconds(Number(t))}
            formatter={(v) => formatValue(typeof v === 'number' ? v : null, g.unit, mode, intervalS)}
          />
          {g.names.map((n, i) => (
            <Line key={n} dataKey={n} name={g.labels[n] ?? n} dot={false} isAnimationActive={false} stroke={SERIES_COLORS[i % SERIES_COLORS.length]} strokeWidth={1.5} connectNulls hide={hidden.has(n)} />
          ))}
          {markers.map((m) => (
            <ReferenceLine
              key={m.event.id}
              x={m.event.t}
              stroke={EVENT_COLORS[m.event.kind] ?? '#adbac7'}
              strokeDasharray="3 3"
              ifOverflow="hidden"
              label={
                m.lane === null
                  ? undefined
                  : (p: { viewBox?: { x?: number; y?: number } }) => (
                      <text
                        className="telemetry-marker-label"
                        x={(p.viewBox?.x ?? 0) + (m.anchor === 'end' ? -3 : 3)}
                        y={MARGIN.top - 26 + m.lane! * 11}
                        textAnchor={m.anchor}
                        fill={EVENT_COLORS[m.event.kind] ?? '#adbac7'}
                        fontSize={10}
                      >
                        <title>{m.fullLabel}</title>
                        {m.label}
                      </text>
                    )
              }
            />
          ))}
        </LineChart>
        {calls && <CallTicks calls={calls} domain={domain} left={MARGIN.left + Y_AXIS} width={WIDTH - Y_AXIS - MARGIN.left - MARGIN.right} total={calls.length} />}
        {empty && <p className="muted small">no samples in this window</p>}
      </SavePng>
      <ul className="legend" aria-label="series">
        {g.names.map((n, i) => (
          <li key={n}>
            <button
              className="legend-item"
              aria-pressed={!hidden.has(n)}
              title={`${n}: ${describeCounter(n).meaning} — click to ${hidden.has(n) ? 'show' : 'hide'}`}
              data-testid={`legend-${g.key}-${n}`}
              onClick={() => onToggle(n)}
            >
              <span style={{ color: SERIES_COLORS[i % SERIES_COLORS.length] }}>{hidden.has(n) ? '□' : '■'}</span> {g.labels[n] ?? n}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
