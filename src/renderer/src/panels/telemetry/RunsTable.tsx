import type { RunSummary } from '../../../../shared/telemetry/api';
import { formatNumber, formatSeconds } from '../../../../shared/telemetry/format';

export interface RunsTableProps {
  runs: RunSummary[];
  selected: number | undefined;
  onSelect: (runId: number) => void;
  onExport: (runId: number, format: 'csv' | 'json') => void;
}

/** Every stored run, each with its own host; a running run's samples and length update live. */
export function RunsTable({ runs, selected, onSelect, onExport }: RunsTableProps) {
  return (
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
              <button className="link" onClick={() => onSelect(r.id)}>
                {r.id}
              </button>
            </td>
            <td data-testid={`run-host-${r.id}`}>{r.target}</td>
            <td title={r.statusReason ?? ''}>{r.status}</td>
            <td data-testid={`run-samples-${r.id}`}>{formatNumber(r.samples)}</td>
            <td>{r.lastT === null ? '–' : formatSeconds(r.lastT)}</td>
            <td>{r.rateHz} Hz</td>
            <td>{new Date(r.startedAt).toLocaleString()}</td>
            <td>
              <button onClick={() => onExport(r.id, 'csv')} data-testid={`export-csv-${r.id}`}>
                CSV
              </button>{' '}
              <button onClick={() => onExport(r.id, 'json')} data-testid={`export-json-${r.id}`}>
                JSON
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
