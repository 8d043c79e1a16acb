import type { SeriesMode } from '../../../../shared/telemetry/series';

export const FOLLOW_WINDOWS = [
  { s: 0, label: 'whole run' },
  { s: 30, label: 'last 30 s' },
  { s: 60, label: 'last 60 s' },
  { s: 300, label: 'last 5 min' },
] as const;

export interface ControlsProps {
  rate: number;
  setRate: (r: number) => void;
  sampling: boolean;
  activeRun: number | undefined;
  /** Capture the kernel's migrate_pages() calls with the run (its migrate:mm_migrate_pages trace). */
  trace: boolean;
  setTrace: (t: boolean) => void;
  onStart: () => void;
  onStop: () => void;
  mode: SeriesMode;
  setMode: (m: SeriesMode) => void;
  intervalLabel: string;
  live: boolean;
  following: boolean;
  followWindow: number;
  setFollowWindow: (s: number) => void;
  onFollow: () => void;
  onPick: () => void;
  status: string;
}

/** Start/stop, the rate, how events are plotted, follow-live and the picker's button. */
export function Controls(p: ControlsProps) {
  return (
    <div className="row">
      <label>
        rate{' '}
        <select data-testid="telemetry-rate" value={p.rate} onChange={(e) => p.setRate(Number(e.target.value))} disabled={p.sampling}>
          {[1, 2, 5, 10, 20, 50, 100].map((r) => (
            <option key={r} value={r}>
              {r} Hz
            </option>
          ))}
        </select>
      </label>
      <label className="check" title="the kernel's migrate:mm_migrate_pages trace: every migrate_pages() call with its reason, shown as ticks under the migration chart (needs tracefs and root on the host)">
        <input type="checkbox" data-testid="telemetry-trace" checked={p.trace} disabled={p.sampling} onChange={(e) => p.setTrace(e.target.checked)} /> trace migrate_pages() calls
      </label>
      {!p.sampling ? (
        <button data-testid="telemetry-start" onClick={p.onStart}>
          Start sampling
        </button>
      ) : (
        <button data-testid="telemetry-stop" onClick={p.onStop}>
          Stop run {p.activeRun}
        </button>
      )}
      <span className="seg" role="group" aria-label="events as">
        <button aria-pressed={p.mode === 'rate'} data-testid="telemetry-mode-rate" onClick={() => p.setMode('rate')} title="increase per second over each sample interval">
          per second
        </button>
        <button aria-pressed={p.mode === 'interval'} data-testid="telemetry-mode-interval" onClick={() => p.setMode('interval')} title="the count in each sample interval (one THP split is 1)">
          per {p.intervalLabel} interval
        </button>
        <button aria-pressed={p.mode === 'delta'} data-testid="telemetry-mode-delta" onClick={() => p.setMode('delta')} title="cumulative increase since the run started">
          since start
        </button>
      </span>
      <label>
        window{' '}
        <select data-testid="telemetry-follow-window" value={p.followWindow} onChange={(e) => p.setFollowWindow(Number(e.target.value))}>
          {FOLLOW_WINDOWS.map((w) => (
            <option key={w.s} value={w.s}>
              {w.label}
            </option>
          ))}
        </select>
      </label>
      {p.following ? (
        p.live && (
          <span className="telemetry-following" data-testid="telemetry-following">
            ● following live
          </span>
        )
      ) : (
        <button data-testid="telemetry-follow" onClick={p.onFollow}>
          {p.live ? 'follow live' : 'reset zoom'}
        </button>
      )}
      <button data-testid="telemetry-picker-open" onClick={p.onPick}>
        Choose counters…
      </button>
      <span className="muted" data-testid="telemetry-status">
        {p.status}
      </span>
    </div>
  );
}
