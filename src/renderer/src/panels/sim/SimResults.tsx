import type { z } from 'zod';
import type { SimResultSchema } from '../../../../shared/sim/api';

export type SimResultView = z.output<typeof SimResultSchema>;

/** Per-phase predicted deltas, one column group per variant, differences marked. */
export function DeltaComparison({ results }: { results: SimResultView[] }) {
  const phases = [...new Set(results.flatMap((r) => Object.keys(r.phases))), 'total'];
  const value = (r: SimResultView, phase: string, c: string) => (phase === 'total' ? r.deltas[c] : r.phases[phase]?.[c]) ?? 0;
  const counters = [...new Set(results.flatMap((r) => [...Object.keys(r.deltas), ...Object.values(r.phases).flatMap((p) => Object.keys(p))]))].sort();
  return (
    <table className="deltas" data-testid="sim-deltas">
      <thead>
        <tr>
          <th rowSpan={2}>counter</th>
          {phases.map((p) => (
            <th key={p} colSpan={results.length} className="group">
              {p}
            </th>
          ))}
        </tr>
        <tr>
          {phases.flatMap((p) =>
            results.map((r, i) => (
              <th key={`${p}-${i}`} className="variant">
                {r.variant.name}
              </th>
            )),
          )}
        </tr>
      </thead>
      <tbody>
        {counters.map((c) => (
          <tr key={c} data-testid={`sim-row-${c}`}>
            <td>{c}</td>
            {phases.flatMap((p) => {
              const vals = results.map((r) => value(r, p, c));
              const differs = vals.some((v) => v !== vals[0]);
              return vals.map((v, i) => (
                <td key={`${p}-${i}`} className={differs ? 'num differs' : 'num'}>
                  {v.toLocaleString('en-US')}
                </td>
              ));
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function SimEvents({ result }: { result: SimResultView }) {
  return (
    <div className="sim-events">
      <h3>
        {result.variant.name} <span className="muted">{result.variant.title}</span>
      </h3>
      {result.bug && (
        <p className="bad" data-testid="sim-bug-events">
          Ends in a kernel BUG at {result.bug.t.toFixed(3)} s (above): the deltas are up to it.
        </p>
      )}
      {result.movePages && (
        <p className="muted">
          move_pages: ret {result.movePages.ret}, {result.movePages.addresses} addresses —{' '}
          {Object.entries(result.movePages.status)
            .map(([k, v]) => `${k}: ${v}`)
            .join(', ')}
        </p>
      )}
      <ul className="events">
        {result.events.slice(0, 50).map((e, i) => (
          <li key={i} className={`ev-${e.kind}`}>
            <span className="muted">{e.t.toFixed(3)} s</span> {e.kind}: {e.message}
          </li>
        ))}
        {result.events.length > 50 && <li className="muted">… {result.events.length - 50} more</li>}
      </ul>
      <details>
        <summary>migrate:mm_migrate_pages trace ({result.trace.length} calls)</summary>
        <table className="trace">
          <thead>
            <tr>
              {['t', 'reason', 'mode', 'succeeded', 'failed', 'thp_succeeded', 'thp_failed', 'thp_split', 'large_folio_split', 'rc'].map((h) => (
                <th key={h}>{h}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {result.trace.slice(0, 200).map((t, i) => (
              <tr key={i}>
                {['t', 'reason', 'mode', 'succeeded', 'failed', 'thp_succeeded', 'thp_failed', 'thp_split', 'large_folio_split', 'rc'].map((h) => (
                  <td key={h}>{String(t[h] ?? '—')}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </div>
  );
}
