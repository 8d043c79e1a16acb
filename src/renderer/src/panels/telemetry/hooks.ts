import { useCallback, useEffect, useRef, useState } from 'react';
import type { LabApi } from '../../../../shared/api/labApi';
import type { RunDetail, RunEvent, RunSummary, Series } from '../../../../shared/telemetry/api';
import type { MigrateCall, TraceCapture } from '../../../../shared/trace/migrateCalls';
import { DEFAULT_CHARTS, expandChoice, type ChartChoice } from '../../../../shared/telemetry/charts';
import type { SeriesMode } from '../../../../shared/telemetry/series';
import { LiveStore } from './liveStore';

/** migrate_pages() calls kept in the live view (older ones are dropped by halves; the store keeps every one). */
const LIVE_CALLS_KEEP = 200_000;
/** Re-list runs at most this often while a run is live (its sample count and length move). */
const LIVE_REFRESH_MS = 1000;

/**
 * The runs list and the live run of `target`: runs re-listed on runs.changed and, while a run
 * is live, at most once a second; live points kept in a LiveStore.
 */
export function useRunsAndLive(lab: LabApi, target: string) {
  const [runs, setRuns] = useState<RunSummary[]>([]);
  const [active, setActive] = useState<number | undefined>();
  const [selected, setSelected] = useState<number | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [, setTick] = useState(0);
  const store = useRef(new LiveStore());
  const liveEvents = useRef<RunEvent[]>([]);
  /** The live run's traced migrate_pages() calls (collected on the host every second). */
  const liveCalls = useRef<MigrateCall[]>([]);
  const [liveTraced, setLiveTraced] = useState(false);
  const activeRef = useRef<number | undefined>(undefined);
  activeRef.current = active;
  const lastList = useRef(0);
  const pendingList = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const refreshRuns = useCallback(() => {
    lastList.current = Date.now();
    lab.invoke('runs.list', { limit: 50 }).then(setRuns, (e: Error) => setError(e.message));
  }, [lab]);

  useEffect(() => {
    refreshRuns();
    lab.invoke('telemetry.active', {}).then((a) => {
      const mine = a.find((x) => x.target === target);
      if (mine) {
        setActive(mine.runId);
        // A run the view was opened on (a link) stays selected; otherwise the live one is shown.
        setSelected((s) => s ?? mine.runId);
        // A run started elsewhere (the CLI, another window) shows its calls from here on if it traces.
        lab.invoke('runs.migrateCalls', { runId: mine.runId }).then((r) => {
          setLiveTraced(r.capture !== null || r.calls.length > 0);
          liveCalls.current = r.calls;
        }, () => {});
      }
    }, () => {});
    const offSamples = lab.on('telemetry.samples', (p) => {
      if (p.runId !== activeRef.current) return;
      store.current.push(p.points);
      liveEvents.current.push(...p.events);
      // Appended in place (the view redraws on the tick below); past LIVE_CALLS_KEEP the older half goes (an hour of NUMA balancing can make millions); the stored run has them all.
      const kept = liveCalls.current;
      for (const c of p.calls ?? []) kept.push(c);
      if (kept.length > LIVE_CALLS_KEEP) kept.splice(0, kept.length - LIVE_CALLS_KEEP / 2);
      setTick((x) => x + 1);
      // The runs table follows the live run, at most once a second.
      const wait = LIVE_REFRESH_MS - (Date.now() - lastList.current);
      if (wait <= 0) refreshRuns();
      else if (!pendingList.current) pendingList.current = setTimeout(() => ((pendingList.current = undefined), refreshRuns()), wait);
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
      if (pendingList.current) clearTimeout(pendingList.current);
      pendingList.current = undefined;
    };
  }, [lab, target, refreshRuns]);

  const start = async (rateHz: number, trace: boolean) => {
    setError(undefined);
    try {
      store.current.clear();
      liveEvents.current = [];
      liveCalls.current = [];
      setLiveTraced(trace);
      const { runId } = await lab.invoke('telemetry.start', { target, rateHz, ...(trace ? { trace: true } : {}) });
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
  return { runs, active, selected, setSelected, error, setError, store: store.current, liveEvents: liveEvents.current, liveCalls: liveTraced ? liveCalls.current : undefined, start, stop, refreshRuns };
}

/** A host's chart choice, loaded from and saved to the store. */
export function useChartChoice(lab: LabApi, host: string) {
  const [charts, setCharts] = useState<ChartChoice[]>([...DEFAULT_CHARTS]);
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    let gone = false;
    lab.invoke('telemetry.charts', { target: host }).then(
      (r) => !gone && setCharts(r.charts),
      (e: Error) => !gone && setError(e.message),
    );
    return () => {
      gone = true;
    };
  }, [lab, host]);
  const save = useCallback(
    (next: ChartChoice[]) => {
      setCharts(next);
      lab.invoke('telemetry.setCharts', { target: host, charts: next }).then(
        (r) => setCharts(r.charts),
        (e: Error) => setError(e.message),
      );
    },
    [lab, host],
  );
  return { charts, save, error };
}

const MAX_POINTS = 1200;

/** A stored run: its detail, events and the series of every counter its chart choice can show, in a mode. */
export function useStoredRun(lab: LabApi, runId: number | undefined, skip: boolean, mode: SeriesMode, charts: readonly ChartChoice[]) {
  const [detail, setDetail] = useState<RunDetail | undefined>();
  const [series, setSeries] = useState<Map<string, Series>>(new Map());
  const [events, setEvents] = useState<RunEvent[]>([]);
  /** The run's traced calls, when it was traced (undefined: it was not). */
  const [trace, setTrace] = useState<{ capture: TraceCapture | null; calls: MigrateCall[] } | undefined>();
  const [error, setError] = useState<string | undefined>();
  const chartsKey = charts.join('|');
  useEffect(() => {
    if (runId === undefined || skip) return;
    let cancelled = false;
    (async () => {
      const d = await lab.invoke('runs.get', { runId });
      const have = d.counters.map((c) => c.name);
      const names = [...new Set(chartsKey.split('|').filter(Boolean).flatMap((c) => expandChoice(c, have)))].filter((n) => have.includes(n));
      const out = new Map<string, Series>();
      for (let i = 0; i < names.length; i += 64) {
        const r = await lab.invoke('runs.series', { runId, counters: names.slice(i, i + 64), maxPoints: MAX_POINTS, mode });
        for (const s of r.series) out.set(s.name, s);
      }
      const ev = await lab.invoke('runs.events', { runId });
      if (cancelled) return;
      setDetail(d);
      setSeries(out);
      setEvents(ev);
      setError(undefined);
    })().catch((e: Error) => !cancelled && setError(e.message));
    return () => {
      cancelled = true;
    };
  }, [lab, runId, skip, mode, chartsKey]);
  // The calls do not depend on how the counters are plotted: read once per run.
  useEffect(() => {
    setTrace(undefined);
    if (runId === undefined || skip) return;
    let cancelled = false;
    lab.invoke('runs.migrateCalls', { runId }).then(
      (tr) => !cancelled && setTrace(tr.capture || tr.calls.length ? { capture: tr.capture, calls: tr.calls } : undefined),
      (e: Error) => !cancelled && setError(e.message),
    );
    return () => {
      cancelled = true;
    };
  }, [lab, runId, skip]);
  return { detail, series, events, trace, error };
}
