import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { downloadText } from '../components/download';
import { Brush, CartesianGrid, Line, LineChart, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import type { LabApi } from '../../../shared/api/labApi';
import type { LivePoint, RunDetail, RunEvent, RunSummary } from '../../../shared/telemetry/api';
import { CHARTED_FAMILIES, describeCounter, unitLabel, type CounterFamily, type CounterUnit } from '../../../shared/telemetry/catalog';
import type { PanelProps } from './registry';

/**
 * Telemetry: start/stop sampling the current host, small multiples per family (one chart per
 * family AND unit: counters of different units never share an axis), rate or cumulative delta,
 * a shared zoomable time axis, event markers, runs list and exports.
 */

type Mode = 'rate' | 'delta';
/** One chart row: t plus one value per counter. */
type Row = { t: number } & Record<string, number | null>;
const FAMILY_TITLE: Record<string, string> = { numa: 'NUMA', migration: 'Migration', thp: 'THP', compaction: 'Compaction' };
const COLORS = ['#6cb6ff', '#f69d50', '#8ddb8c', '#dcbdfb', '#f47067', '#e0c25c', '#96d0ff', '#c6e6ff', '#ff938a', '#b4f1b4'];
const EVENT_COLOR: Record<string, string> = { 'kernel-log': '#f47067', reset: '#e0c25c', knob: '#6cb6ff', phase: '#8ddb8c', note: '#adbac7', sampler: '#e0c25c' };
const MAX_POINTS = 600;
const LIVE_KEEP = 6000;

/** Live points (cumulative deltas or gauge levels, only what changed) → full rows, carried forward. */
function liveRows(points: LivePoint[]): Row[] {
  const cur: Record<string, number> = {};
  return points.map((p) => {
    Object.assign(cur, p.v);
    return { t: p.t, ...cur };
  });
}

/** Rate from cumulative rows (per second over each interval); gauges stay levels. */
function toMode(rows: Row[], names: string[], mode: Mode): Row[] {
  if (mode === 'delta') return rows;
  return rows.map((r, i) => {
    const out: Row = { t: r.t };
    for (const n of names) {
      if (describeCounter(n).kind === 'gauge') out[n] = r[n] ?? null;
      else {
        const prev = rows[i - 1];
        const dt = prev ? r.t - prev.t : 0;
        out[n] = prev && dt > 0 && r[n] != null && prev[n] != null ? ((r[n] as number) - (prev[n] as number)) / dt : null;
      }
    }
    return out;
  });
}

function thin(rows: Row[], max: number): Row[] {
  if (rows.length <= max) return rows;
  const step = rows.length / max;
  const out: Row[] = [];
  for (let i = 0; i < max; i++) out.push(rows[Math.floor(i * step)]);
  out.push(rows[rows.length - 1]);
  return out;
}

interface ChartGroup {
  key: string;
  family: CounterFamily;
  unit: CounterUnit;
  names: string[];
}

/** Families × units, only counters that moved (a flat line of 40 zeros helps nobody). */
function groupsOf(rows: Row[], names: string[]): ChartGroup[] {
  const moved = names.filter((n) => {
    let lo = Infinity;
    let hi = -Infinity;
    for (const r of rows) {
      const v = r[n];
      if (v == null) continue;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    return hi > lo || (describeCounter(n).kind === 'counter' && hi > 0);
  });
  const groups = new Map<string, ChartGroup>();
  for (const n of moved) {
    const c = describeCounter(n);
    if (!CHARTED_FAMILIES.includes(c.family)) continue;
    const key = `${c.family}-${c.unit}`;
    if (!groups.has(key)) groups.set(key, { key, family: c.family, unit: c.unit, names: [] });
    groups.get(key)!.names.push(n);
  }
  return [...groups.values()].sort((a, b) => CHARTED_FAMILIES.indexOf(a.family) - CHARTED_FAMILIES.indexOf(b.family) || a.unit.localeCompare(b.unit));
}

export function TelemetryPanel({ lab, target }: PanelProps) {
  const [runs, setRuns] = useState<RunSummary[]>([]);
  const [selected, setSelected] = useState<number | undefined>();
  const [active, setActive] = useState<number | undefined>();
  const [rate, setRate] = useState(10);
  const [mode, setMode] = useState<Mode>('rate');
  const [detail, setDetail] = useState<RunDetail | undefined>();
  const [stored, setStored] = useState<Row[]>([]);
  const [events, setEvents] = useState<RunEvent[]>([]);
  const [zoom, setZoom] = useState<[number, number] | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [tick, setTick] = useState(0);
  const live = useRef<LivePoint[]>([]);
  const liveEvents = useRef<RunEvent[]>([]);

  const refreshRuns = useCallback(() => {
    lab.invoke('runs.list', { limit: 50 }).then(setRuns, (e: Error) => setError(e.message));
  }, [lab]);

  useEffect(() => {
    refreshRuns();
    lab.invoke('telemetry.active', {}).then((a) => {
      const mine = a.find((x) => x.target === target);
      if (mine) {
        setActive(mine.runId);
        setSelected(mine.runId);
      }
    }, () => {});
    const offSamples = lab.on('telemetry.samples', (p) => {
      if (p.runId !== activeRef.current) return;
      live.current.push(...p.points);
      if (live.current.length > LIVE_KEEP) live.current.splice(0, live.current.length - LIVE_KEEP);
      liveEvents.current.push(...p.events);
      setTick((x) => x + 1);
    });
    const offChanged = lab.on('runs.changed', (p) => {
      refreshRuns();
      if (p.status !== 'running' && p.runId === activeRef.current) {
        setActive(undefined);
        setSelected(p.runId);
      }
    });
    return () => {
      offSamples();
      offChanged();
    };
  }, [lab, target, refreshRuns]);

  const activeRef = useRef<number | undefined>(undefined);
  activeRef.current = active;

  // A finished run: its stored series, downsampled by the lab to what the charts can show.
  useEffect(() => {
    if (selected === undefined || selected === active) return;
    let cancelled = false;
    (async () => {
      const d = await lab.invoke('runs.get', { runId: selected });
      const names = d.counters.filter((c) => CHARTED_FAMILIES.includes(c.family)).map((c) => c.name);
      const byT = new Map<number, Row>();
      for (let i = 0; i < names.length; i += 64) {
        const r = await lab.invoke('runs.series', { runId: selected, counters: names.slice(i, i + 64), maxPoints: MAX_POINTS, mode: 'delta' });
        for (const s of r.series)
          s.t.forEach((t, j) => {
            const row = byT.get(t) ?? ({ t } as Row);
            row[s.name] = s.y[j];
            byT.set(t, row);
          });
      }
      const ev = await lab.invoke('runs.events', { runId: selected });
      if (cancelled) return;
      setDetail(d);
      setStored([...byT.values()].sort((a, b) => a.t - b.t));
      setEvents(ev);
      setZoom(undefined);
    })().catch((e: Error) => !cancelled && setError(e.message));
    return () => {
      cancelled = true;
    };
  }, [lab, selected, active]);

  const start = async () => {
    setError(undefined);
    try {
      live.current = [];
      liveEvents.current = [];
      setZoom(undefined);
      const { runId } = await lab.invoke('telemetry.start', { target, rateHz: rate });
      setActive(runId);
      setSelected(runId);
      refreshRuns();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const stop = async () => {
    if (active === undefined) return;
    try {
      await lab.invoke('telemetry.stop', { runId: active });
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const exportAs = async (runId: number, format: 'csv' | 'json') => {
    const f = await lab.invoke('runs.export', { runId, format });
    downloadText(f.filename, f.mime, f.content);
  };

  const isLive = active !== undefined && selected === active;
  const baseRows = useMemo(() => (isLive ? thin(liveRows(live.current), 2000) : stored), [isLive, stored, tick]); // eslint-disable-line react-hooks/exhaustive-deps
  const names = useMemo(() => [...new Set(baseRows.flatMap((r) => Object.keys(r).filter((k) => k !== 't')))].sort(), [baseRows]);
  const rows = useMemo(() => thin(toMode(baseRows, names, mode), MAX_POINTS), [baseRows, names, mode]);
  const groups = useMemo(() => groupsOf(baseRows, names), [baseRows, names]);
  const allEvents = isLive ? liveEvents.current : events;
  const domain: [number, number] | undefined = zoom ?? (rows.length ? [rows[0].t, rows[rows.length - 1].t] : undefined);
  const shown = rows.filter((r) => !domain || (r.t >= domain[0] && r.t <= domain[1]));

  return (
    <div className="telemetry">
      <section className="panel telemetry-controls">
        <h2>
          Telemetry <span className="muted">{target}</span>
        </h2>
        <div className="row">
          <label>
            rate{' '}
            <select data-testid="telemetry-rate" value={rate} onChange={(e) => setRate(Number(e.target.value))} disabled={active !== undefined}>
              {[1, 2, 5, 10, 20, 50].map((r) => (
                <option key={r} value={r}>
                  {r} Hz
                </option>
              ))}
            </select>
          </label>
          {active === undefined ? (
            <button data-testid="telemetry-start" onClick={start}>
              Start sampling
            </button>
          ) : (
            <button data-testid="telemetry-stop" onClick={stop}>
              Stop run {active}
            </button>
          )}
          <span className="seg" role="group">
            <button aria-pressed={mode === 'rate'} data-testid="telemetry-mode-rate" onClick={() => setMode('rate')}>
              per second
            </button>
            <button aria-pressed={mode === 'delta'} data-testid="telemetry-mode-delta" onClick={() => setMode('delta')}>
              delta since start
            </button>
          </span>
          {zoom && (
            <button data-testid="telemetry-unzoom" onClick={() => setZoom(undefined)}>
              reset zoom
            </button>
          )}
          <span className="muted" data-testid="telemetry-status">
            {isLive ? `run ${active}: ${live.current.length} samples live` : selected !== undefined ? `run ${selected}${detail ? ` · ${detail.status} · ${detail.samples} samples` : ''}` : 'no run selected'}
          </span>
        </div>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
      </section>

      {rows.length > 1 && (
        <section className="panel telemetry-timeline">
          <LineChart width={1200} height={70} data={rows} data-testid="telemetry-brush">
            <XAxis dataKey="t" type="number" domain={['dataMin', 'dataMax']} tickFormatter={(t: number) => `${+t.toFixed(1)} s`} stroke="#768390" />
            <Brush
              dataKey="t"
              height={24}
              stroke="#6cb6ff"
              fill="#1c2128"
              tickFormatter={(t: number) => `${Number(t).toFixed(1)} s`}
              onChange={(r: { startIndex?: number; endIndex?: number }) => {
                if (r.startIndex === undefined || r.endIndex === undefined) return;
                const a = rows[r.startIndex]?.t;
                const b = rows[r.endIndex]?.t;
                if (a !== undefined && b !== undefined && b > a) setZoom([a, b]);
              }}
            />
          </LineChart>
        </section>
      )}

      <section className="telemetry-grid" data-testid="telemetry-charts">
        {groups.length === 0 && <p className="muted">{selected === undefined ? 'Start sampling to see the NUMA, migration, THP and compaction counters.' : 'waiting for counters to move…'}</p>}
        {groups.map((g) => (
          <div className="panel telemetry-chart" key={g.key} data-testid={`telemetry-chart-${g.family}-${g.unit}`}>
            <h3>
              {FAMILY_TITLE[g.family] ?? g.family} <span className="muted">{unitLabel(g.unit, mode === 'rate' ? 'rate' : 'delta')}</span>
            </h3>
            <LineChart width={380} height={190} data={shown} margin={{ top: 4, right: 8, left: 8, bottom: 4 }}>
              <CartesianGrid stroke="#2d333b" />
              <XAxis dataKey="t" type="number" domain={domain ?? ['dataMin', 'dataMax']} allowDataOverflow tickFormatter={(t: number) => `${+t.toFixed(1)}s`} stroke="#768390" />
              <YAxis
                stroke="#768390"
                width={64}
                tickFormatter={(v: number) => (Math.abs(v) >= 1e6 ? `${(v / 1e6).toFixed(1)}M` : Math.abs(v) >= 1e3 ? `${(v / 1e3).toFixed(1)}k` : `${+v.toFixed(2)}`)}
                label={{ value: g.names.every((n) => describeCounter(n).kind === 'gauge') ? g.unit : unitLabel(g.unit, mode), angle: -90, position: 'insideLeft', fill: '#768390', fontSize: 11 }}
              />
              <Tooltip contentStyle={{ background: '#22272e', border: '1px solid #444c56' }} labelFormatter={(t) => `${Number(t).toFixed(2)} s`} />
              {g.names.map((n, i) => (
                <Line key={n} dataKey={n} dot={false} isAnimationActive={false} stroke={COLORS[i % COLORS.length]} strokeWidth={1.5} connectNulls />
              ))}
              {allEvents.map((e) => (
                <ReferenceLine key={e.id} x={e.t} stroke={EVENT_COLOR[e.kind] ?? '#adbac7'} strokeDasharray="3 3" />
              ))}
            </LineChart>
            <ul className="legend">
              {g.names.map((n, i) => (
                <li key={n} title={describeCounter(n).meaning}>
                  <span style={{ color: COLORS[i % COLORS.length] }}>■</span> {n}
                </li>
              ))}
            </ul>
          </div>
        ))}
      </section>

      {allEvents.length > 0 && (
        <section className="panel">
          <h3>Events</h3>
          <ul className="telemetry-events" data-testid="telemetry-events">
            {allEvents.map((e) => (
              <li key={e.id}>
                <span style={{ color: EVENT_COLOR[e.kind] }}>{e.kind}</span> {e.t.toFixed(2)} s {e.severity ? `[${e.severity}] ` : ''}
                {e.text}
              </li>
            ))}
          </ul>
        </section>
      )}

      <section className="panel">
        <h3>Runs</h3>
        <table className="telemetry-runs" data-testid="telemetry-runs">
          <thead>
            <tr>
              <th>id</th>
              <th>host</th>
              <th>status</th>
              <th>samples</th>
              <th>length</th>
              <th>rate</th>
              <th>started</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {runs.map((r) => (
              <tr key={r.id} className={r.id === selected ? 'selected' : ''} data-testid={`run-${r.id}`}>
                <td>
                  <button className="link" onClick={() => setSelected(r.id)}>
                    {r.id}
                  </button>
                </td>
                <td>{r.target}</td>
                <td title={r.statusReason ?? ''}>{r.status}</td>
                <td>{r.samples}</td>
                <td>{r.lastT === null ? '–' : `${r.lastT.toFixed(1)} s`}</td>
                <td>{r.rateHz} Hz</td>
                <td>{new Date(r.startedAt).toLocaleString()}</td>
                <td>
                  <button onClick={() => exportAs(r.id, 'csv')} data-testid={`export-csv-${r.id}`}>
                    CSV
                  </button>{' '}
                  <button onClick={() => exportAs(r.id, 'json')} data-testid={`export-json-${r.id}`}>
                    JSON
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
