import { useEffect, useMemo, useState } from 'react';
import { useViewParams } from '../route';
import { downloadText } from '../components/download';
import type { Series } from '../../../shared/telemetry/api';
import { chartGroups, familyOfChoice, type ChartGroup } from '../../../shared/telemetry/charts';
import { formatDuration, formatSeconds, type ValueMode } from '../../../shared/telemetry/format';
import { slowEvery, type SeriesMode } from '../../../shared/telemetry/series';
import type { PanelProps } from './registry';
import { livePlot, mergeRows, storedMoved, storedPlot, type PlotData, type Row } from './telemetry/chartData';
import { Controls } from './telemetry/Controls';
import { CounterPicker } from './telemetry/CounterPicker';
import { EventsList } from './telemetry/EventsList';
import { useChartChoice, useRunsAndLive, useStoredRun } from './telemetry/hooks';
import { RunsTable } from './telemetry/RunsTable';
import { TelemetryChart } from './telemetry/TelemetryChart';
import { TimelineBrush } from './telemetry/TimelineBrush';

/**
 * Telemetry: sampling the current host live, or a stored run. Charts follow the host's chart
 * choice (families, picked counters, per-node keys; see shared/telemetry/charts.ts): one unit and
 * one kind per axis, events as rates, per-interval counts or since-start, levels as levels. A
 * time line with the whole run's sparkline picks the window; follow-live keeps the newest data
 * in view, a zoom stays put while data arrives.
 */

const CHART_POINTS = 400;

interface ChartView {
  group: ChartGroup;
  rows: Row[];
  mode: ValueMode;
  intervalS?: number;
}

export function TelemetryPanel({ lab, target }: PanelProps) {
  const live = useRunsAndLive(lab, target);
  const { runs, active, selected, store } = live;
  // The run shown is in the URL (`#/telemetry?run=N`): a link reopens it, back returns to the previous one.
  const [params, setParams] = useViewParams('telemetry');
  const linkedRun = /^[1-9]\d{0,15}$/.test(params.run ?? '') ? Number(params.run) : undefined;
  useEffect(() => {
    if (linkedRun !== undefined && linkedRun !== selected) live.setSelected(linkedRun);
  }, [linkedRun]); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => {
    if (selected !== undefined && selected !== linkedRun) setParams({ run: String(selected) });
  }, [selected]); // eslint-disable-line react-hooks/exhaustive-deps
  const openRun = (id: number) => {
    setParams({ run: String(id) }, { push: true });
    live.setSelected(id);
    setZoom(undefined);
  };
  const [rate, setRate] = useState(10);
  const [trace, setTrace] = useState(false);
  const [mode, setMode] = useState<SeriesMode>('rate');
  const [zoom, setZoom] = useState<[number, number] | undefined>();
  const [followWindow, setFollowWindow] = useState(0);
  const [hidden, setHidden] = useState<Set<string>>(new Set());
  const [picking, setPicking] = useState(false);

  const isLive = active !== undefined && selected === active;
  const selectedRun = runs.find((r) => r.id === selected);
  // The header, the picker and the chart choice are the selected run's host, not the globally selected one.
  const host = selectedRun?.target ?? target;
  const choice = useChartChoice(lab, host);
  const stored = useStoredRun(lab, selected, isLive, mode, choice.charts);

  const names = useMemo(() => (isLive ? store.names() : (stored.detail?.counters.map((c) => c.name) ?? [])), [isLive, store, store.version, stored.detail]); // eslint-disable-line react-hooks/exhaustive-deps
  const moved = (n: string) => (isLive ? store.moved(n) : storedMoved(stored.series.get(n)));
  const groups = useMemo(() => chartGroups(choice.charts, names, moved), [choice.charts, names, isLive ? store.version : stored.series]); // eslint-disable-line react-hooks/exhaustive-deps

  const spanEnd = isLive ? (store.lastT ?? 0) : (stored.detail?.lastT ?? maxT(stored.series));
  const span: [number, number] = [0, Math.max(spanEnd, 0.001)];
  const following = zoom === undefined;
  const domain: [number, number] = zoom ?? [followWindow > 0 ? Math.max(0, span[1] - followWindow) : 0, span[1]];
  const events = isLive ? live.liveEvents : stored.events;
  const calls = isLive ? live.liveCalls : stored.trace?.calls;
  // The calls' ticks go under the first migration chart (pages migrated: what the calls count).
  const callsChart = calls ? (groups.find((g) => g.family === 'migration' && g.unit === 'pages') ?? groups.find((g) => g.family === 'migration'))?.key : undefined;
  const traceMissing = !isLive && stored.trace?.capture?.status === 'missing' ? stored.trace.capture.reason : null;
  const sampleInterval = 1 / (selectedRun?.rateHz ?? rate);

  const views: ChartView[] = useMemo(
    () =>
      groups.map((g) => {
        const plots: PlotData[] = g.names.map((n) => {
          if (isLive) return livePlot(store, n, mode, domain, CHART_POINTS, slowEvery(selectedRun?.rateHz ?? rate));
          const s = stored.series.get(n);
          return s ? storedPlot(s, domain) : { name: n, mode: g.kind === 'gauge' ? 'value' : mode, t: [], y: [] };
        });
        const intervalS = plots.find((p) => p.intervalS)?.intervalS ?? (mode === 'interval' ? sampleInterval : undefined);
        return { group: g, rows: mergeRows(plots), mode: g.kind === 'gauge' ? 'value' : mode, intervalS };
      }),
    [groups, isLive, store.version, stored.series, mode, domain[0], domain[1], sampleInterval], // eslint-disable-line react-hooks/exhaustive-deps
  );

  // The time line's sparkline: the first chart's first shown series over the whole run.
  const sparkGroup = groups[0];
  const sparkName = sparkGroup?.names.find((n) => !hidden.has(`${sparkGroup.key}/${n}`));
  const spark = useMemo(() => {
    if (!sparkName) return undefined;
    if (isLive) return livePlot(store, sparkName, mode, span, 300, slowEvery(selectedRun?.rateHz ?? rate));
    const s = stored.series.get(sparkName);
    return s ? storedPlot(s, undefined) : undefined;
  }, [sparkName, isLive, store.version, stored.series, mode, span[1]]); // eslint-disable-line react-hooks/exhaustive-deps

  const toggle = (g: ChartGroup, n: string) =>
    setHidden((h) => {
      const next = new Set(h);
      const k = `${g.key}/${n}`;
      if (next.has(k)) next.delete(k);
      else next.add(k);
      return next;
    });
  const exportAs = async (runId: number, format: 'csv' | 'json') => {
    const f = await lab.invoke('runs.export', { runId, format });
    downloadText(f.filename, f.mime, f.content);
  };
  const status = isLive
    ? `run ${active} on ${host}: ${store.samples} samples live`
    : selected !== undefined
      ? `run ${selected} on ${host}${stored.detail ? ` · ${stored.detail.status} · ${stored.detail.samples} samples` : ''}`
      : 'no run selected';
  const error = live.error ?? stored.error ?? choice.error;

  return (
    <div className="telemetry">
      <section className="panel telemetry-controls">
        <h2>
          Telemetry <span className="muted telemetry-host" data-testid="telemetry-host">{host}</span>
          {selected !== undefined && host !== target && <span className="muted"> (run {selected}; the selected host is {target})</span>}
        </h2>
        <Controls
          rate={rate}
          setRate={setRate}
          trace={trace}
          setTrace={setTrace}
          sampling={active !== undefined}
          activeRun={active}
          onStart={() => {
            setZoom(undefined);
            void live.start(rate, trace);
          }}
          onStop={() => void live.stop()}
          mode={mode}
          setMode={setMode}
          intervalLabel={formatDuration(sampleInterval)}
          live={isLive}
          following={following}
          followWindow={followWindow}
          setFollowWindow={(s) => {
            setFollowWindow(s);
            setZoom(undefined);
          }}
          onFollow={() => setZoom(undefined)}
          onPick={() => setPicking((x) => !x)}
          status={status}
        />
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        {traceMissing && (
          <p className="tone-warn small" data-testid="telemetry-trace-missing">
            no kernel trace for this run: {traceMissing}
          </p>
        )}
        {calls && !callsChart && calls.length > 0 && (
          <p className="muted small" data-testid="telemetry-calls-unplaced">
            {calls.length.toLocaleString('en-US')} migrate_pages() calls traced; their ticks show under the migration chart once one is drawn (add family:migration with Choose counters…)
          </p>
        )}
      </section>

      {picking && <CounterPicker lab={lab} host={host} charts={choice.charts} onChange={choice.save} onClose={() => setPicking(false)} />}

      {selected !== undefined && (
        <section className="panel telemetry-timeline">
          <TimelineBrush span={span} window={domain} spark={spark} sparkLabel={sparkName ?? 'none'} onZoom={setZoom} />
          <span className="muted small" data-testid="telemetry-window">
            showing {formatSeconds(domain[0])} – {formatSeconds(domain[1])} of {formatSeconds(span[1])}
            {following ? (isLive ? ' · following live' : '') : ' · zoomed'}
            {sparkName ? ` · time line: ${sparkName}` : ''}
          </span>
        </section>
      )}

      <section className="telemetry-grid" data-testid="telemetry-charts" data-domain={`${domain[0].toFixed(3)},${domain[1].toFixed(3)}`} data-following={String(following)}>
        {views.length === 0 && (
          <p className="muted">{selected === undefined ? 'Start sampling to see the NUMA, migration, THP and compaction counters, or choose counters to chart.' : 'waiting for counters to move… (picked counters always chart)'}</p>
        )}
        {views.map((v) => (
          <TelemetryChart
            key={v.group.key}
            group={v.group}
            rows={v.rows}
            mode={v.mode}
            intervalS={v.intervalS}
            domain={domain}
            events={events}
            hidden={new Set(v.group.names.filter((n) => hidden.has(`${v.group.key}/${n}`)))}
            onToggle={(n) => toggle(v.group, n)}
            onRemove={familyOfChoice(v.group.choice) ? undefined : () => choice.save(choice.charts.filter((c) => c !== v.group.choice))}
            calls={v.group.key === callsChart ? calls : undefined}
          />
        ))}
      </section>

      <EventsList events={events} />

      <section className="panel">
        <h3>Runs</h3>
        <RunsTable runs={runs} selected={selected} onSelect={openRun} onExport={exportAs} />
      </section>
    </div>
  );
}

function maxT(series: Map<string, Series>): number {
  let m = 0;
  for (const s of series.values()) if (s.t.length) m = Math.max(m, s.t[s.t.length - 1]);
  return m;
}
