import { callTicks, reasonColor, tickWords } from '../../../../shared/trace/callTicks';
import type { MigrateCall } from '../../../../shared/trace/migrateCalls';

const HEIGHT = 18;

/**
 * The kernel's migrate_pages() calls (its migrate:mm_migrate_pages trace) as ticks under a
 * chart's plot area, on the chart's own time axis: one tick per few pixels that had calls,
 * coloured by reason, its tooltip saying what the calls there moved. `left` and `width` are the
 * plot area's, so a tick sits under the samples of its moment.
 */
export function CallTicks({ calls, domain, left, width, total }: { calls: readonly MigrateCall[]; domain: [number, number]; left: number; width: number; total: number }) {
  const ticks = callTicks(calls, domain, width);
  const byReason = new Map<string, { calls: number; pages: number }>();
  for (const t of ticks) {
    for (const [r, v] of Object.entries(t.byReason)) {
      const s = byReason.get(r) ?? { calls: 0, pages: 0 };
      s.calls += v.calls;
      s.pages += v.pages;
      byReason.set(r, s);
    }
  }
  const shown = ticks.reduce((n, t) => n + t.calls, 0);
  return (
    <div className="call-ticks" data-testid="telemetry-calls" data-calls={shown}>
      <svg width={left + width} height={HEIGHT} role="img" aria-label={`${shown} migrate_pages() calls in this window`}>
        <line x1={left} x2={left + width} y1={HEIGHT - 1} y2={HEIGHT - 1} stroke="#2d333b" />
        {ticks.map((t) => (
          <line key={t.x} data-testid="call-tick" data-reason={t.reason} x1={left + t.x} x2={left + t.x} y1={2} y2={HEIGHT - 1} stroke={reasonColor(t.reason)} strokeWidth={2}>
            <title>{tickWords(t)}</title>
          </line>
        ))}
      </svg>
      <div className="muted small call-ticks-legend">
        migrate_pages() calls{total > shown ? ` (${shown.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} in this window)` : ''}:{' '}
        {byReason.size === 0
          ? 'none in this window'
          : [...byReason].map(([r, v]) => (
              <span key={r} className="call-reason" data-testid={`telemetry-calls-${r}`} style={{ color: reasonColor(r) }}>
                {r} {v.calls.toLocaleString('en-US')} ({v.pages.toLocaleString('en-US')} pages){' '}
              </span>
            ))}
      </div>
    </div>
  );
}
