import { Area, CartesianGrid, ComposedChart, Legend, Line, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { reasonColor } from '../../../../shared/trace/callTicks';
import { successByReasonOver, type MigrateCall } from '../../../../shared/trace/migrateCalls';
import type { PhaseMarker } from '../../../../shared/experiments/phaseMarkers';
import { formatNumber } from '../../../../shared/format';

const POINTS = 240;

/**
 * pgmigrate_success split by what called migrate_pages(): the cumulative pages each reason's
 * calls moved, stacked, on the run's time axis. Beside it the counter itself (/proc/vmstat,
 * dotted): where the stack falls short of it, pages moved that the trace did not see (a call
 * before the trace began or after it ended, or records the ring buffer lost).
 */
export function MigrationByReason({ title, calls, counter, end, markers, testId }: {
  title: string;
  calls: readonly MigrateCall[];
  /** pgmigrate_success since the run started, from the sampler (measured side only). */
  counter?: { t: number[]; y: Array<number | null> } | null;
  end: number;
  markers: readonly PhaseMarker[];
  testId: string;
}) {
  const last = Math.max(end, calls.at(-1)?.t ?? 0, counter?.t.at(-1) ?? 0);
  const times = Array.from({ length: POINTS + 1 }, (_, i) => (last * i) / POINTS);
  const { reasons, rows } = successByReasonOver(calls, times);
  let j = 0;
  let value: number | null = null;
  const data = rows.map((r) => {
    if (counter) {
      while (j < counter.t.length && counter.t[j]! <= r.t) value = counter.y[j++] ?? value;
    }
    return counter ? { ...r, pgmigrate_success: value } : r;
  });
  const traced = calls.reduce((n, c) => n + c.succeeded, 0);
  const counted = counter ? (counter.y.filter((y): y is number => y !== null).at(-1) ?? 0) : null;
  return (
    <div className="chart" data-testid={testId} data-traced={traced} data-counted={counted ?? ''}>
      <div className="chart-title">
        {title} <span className="muted">pages since run start</span>
      </div>
      <ResponsiveContainer width="100%" height={190}>
        <ComposedChart data={data} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid stroke="#223042" />
          <XAxis dataKey="t" type="number" domain={[0, last || 1]} tickFormatter={(v: number) => `${v.toFixed(1)}s`} stroke="#8494a7" />
          <YAxis stroke="#8494a7" width={60} />
          <Tooltip contentStyle={{ background: '#111821', border: '1px solid #223042' }} labelFormatter={(t) => `${Number(t).toFixed(2)} s`} />
          <Legend />
          {markers.map((p) => (
            <ReferenceLine key={p.t} x={p.t} stroke="#3d5166" strokeDasharray="2 2" label={{ value: p.label, fill: '#8494a7', fontSize: 10, position: 'insideTopLeft' }} />
          ))}
          {reasons.map((r) => (
            <Area key={r} dataKey={r} name={r} stackId="reasons" type="stepAfter" stroke={reasonColor(r)} fill={reasonColor(r)} fillOpacity={0.35} isAnimationActive={false} />
          ))}
          {counter && <Line dataKey="pgmigrate_success" name="pgmigrate_success (vmstat)" type="stepAfter" stroke="#d7dee8" strokeDasharray="2 3" dot={false} connectNulls isAnimationActive={false} />}
        </ComposedChart>
      </ResponsiveContainer>
      <p className="muted small" data-testid={`${testId}-words`}>
        {reasons.length === 0
          ? 'no page migrated by any migrate_pages() call'
          : counted !== null
            ? `the calls traced moved ${formatNumber(traced)} pages; pgmigrate_success counted ${formatNumber(counted)}${counted === traced ? ' — every page accounted for by its reason' : ''}`
            : `the model's calls moved ${formatNumber(traced)} pages`}
      </p>
    </div>
  );
}
