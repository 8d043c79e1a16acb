import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { SimResultView } from './SimResults';
import { SavePng } from '../../components/SavePng';

/** Counters worth watching over time for a NUMA-balancing prediction, each with its own unit (never summed). */
const SERIES: Array<{ counter: string; unit: string }> = [
  { counter: 'numa_pte_updates', unit: 'PTEs (a PMD counts 512)' },
  { counter: 'numa_hint_faults', unit: 'faults' },
  { counter: 'numa_pages_migrated', unit: 'base pages' },
  { counter: 'pgmigrate_success', unit: 'base pages' },
];
const COLORS = ['#5fb3ff', '#ffb45f'];

interface Series {
  t: number[];
  counters: Record<string, number[]>;
}

export function SimSeries({ results }: { results: SimResultView[] }) {
  const withSeries = results.filter((r) => r.series && (r.series as Series).t.length > 1);
  if (!withSeries.length) return null;
  return (
    <div className="small-multiples" data-testid="sim-series">
      {SERIES.map(({ counter, unit }) => {
        const base = withSeries[0].series as Series;
        // A variant with a predicted BUG stops there: its series ends at the BUG, marked on the chart.
        const data = base.t.map((t, i) => {
          const row: Record<string, number | null> = { t };
          withSeries.forEach((r, j) => (row[`v${j}`] = r.bug && t > r.bug.t ? null : ((r.series as Series).counters[counter]?.[i] ?? 0)));
          return row;
        });
        return (
          <SavePng
            key={counter}
            className="chart"
            title={counter}
            subtitle={`predicted, cumulative, ${unit}`}
            legend={withSeries.map((r, j) => ({ label: r.variant.name, color: COLORS[j % COLORS.length]!, dashed: true }))}
            testId={`sim-series-png-${counter}`}
          >
            <div className="chart-title">
              {counter} <span className="muted">cumulative, {unit}</span>
            </div>
            <ResponsiveContainer width="100%" height={160}>
              <LineChart data={data} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
                <CartesianGrid stroke="#223042" />
                <XAxis dataKey="t" type="number" domain={['dataMin', 'dataMax']} tickFormatter={(v: number) => `${v.toFixed(0)}s`} stroke="#8494a7" />
                <YAxis stroke="#8494a7" width={60} />
                <Tooltip contentStyle={{ background: '#111821', border: '1px solid #223042' }} />
                <Legend />
                {withSeries.map((r, j) =>
                  r.bug ? <ReferenceLine key={`bug-${j}`} x={r.bug.t} stroke="#ff7b72" strokeWidth={2} label={{ value: `${r.variant.name}: BUG`, fill: '#ff7b72', fontSize: 11, position: 'insideBottomRight' }} /> : null,
                )}
                {withSeries.map((r, j) => (
                  <Line key={j} dataKey={`v${j}`} name={r.variant.name} stroke={COLORS[j % COLORS.length]} dot={false} strokeDasharray="5 3" isAnimationActive={false} />
                ))}
              </LineChart>
            </ResponsiveContainer>
          </SavePng>
        );
      })}
    </div>
  );
}
