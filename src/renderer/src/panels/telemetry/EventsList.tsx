import type { RunEvent } from '../../../../shared/telemetry/api';
import { formatSeconds } from '../../../../shared/telemetry/format';
import { EVENT_COLORS } from './markers';

/** Every event of the run in full (the chart markers may elide their labels). */
export function EventsList({ events }: { events: RunEvent[] }) {
  if (!events.length) return null;
  return (
    <section className="panel">
      <h3>Events</h3>
      <ul className="telemetry-events" data-testid="telemetry-events">
        {events.map((e) => (
          <li key={e.id}>
            <span style={{ color: EVENT_COLORS[e.kind] }}>{e.kind}</span> {formatSeconds(e.t)} {e.severity ? `[${e.severity}] ` : ''}
            {e.text}
          </li>
        ))}
      </ul>
    </section>
  );
}
