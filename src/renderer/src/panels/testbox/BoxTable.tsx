import type { TestboxSummary } from '../../../../shared/testbox/api';
import { acceleratorText, formatUptime, ownerText } from '../../../../shared/testbox/boxText';

/**
 * Boxes as rows: state, kernel, model, topology, accelerator (and what it means), uptime, who
 * started them. `uptimeOf` turns the list's uptime into a live one.
 */
export function BoxTable(p: {
  boxes: TestboxSummary[];
  testId: string;
  uptimeOf: (b: TestboxSummary) => number | null;
  downing: string | undefined;
  onUse: (b: TestboxSummary) => void;
  onPowerOff: (b: TestboxSummary) => void;
  tcgNote: string | undefined;
}) {
  return (
    <table className="deltas boxes" data-testid={p.testId}>
      <thead>
        <tr>
          <th>target</th>
          <th>state</th>
          <th>up</th>
          <th>kernel</th>
          <th>model</th>
          <th>topology</th>
          <th>accelerator</th>
          <th>boot</th>
          <th>started by</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {p.boxes.map((b) => {
          const up = p.uptimeOf(b);
          return (
            <tr key={b.name} data-testid={`tb-box-${b.name}`} className={b.running ? '' : 'stopped'}>
              <td>{b.target}</td>
              <td>{b.running ? 'running' : 'stopped'}</td>
              <td data-testid={`tb-uptime-${b.name}`}>{up === null ? '—' : formatUptime(up)}</td>
              <td>{b.release}</td>
              <td title={b.variantCoverage ?? 'verified on this release'}>
                {b.variant ?? '—'}
                {b.variantCoverage ? ' *' : ''}
              </td>
              <td>
                {b.nodes} × ({b.cpusPerNode} CPU, {b.memPerNodeMiB} MiB)
              </td>
              <td title={b.accelerator === 'tcg' ? p.tcgNote : undefined}>{acceleratorText(b.accelerator)}</td>
              <td>{(b.bootMs / 1000).toFixed(1)} s</td>
              <td data-testid={`tb-owner-${b.name}`} className={b.owner === 'elsewhere' && b.ownerAlive === false ? 'muted' : ''}>
                {ownerText(b)}
              </td>
              <td className="nowrap">
                {b.running && (
                  <>
                    <button className="action" onClick={() => p.onUse(b)}>
                      Use
                    </button>{' '}
                  </>
                )}
                <button className="action danger" data-testid={`tb-down-${b.name}`} disabled={p.downing === b.name} onClick={() => p.onPowerOff(b)}>
                  {p.downing === b.name ? (b.running ? 'Powering off…' : 'Removing…') : b.running ? 'Power off…' : 'Remove…'}
                </button>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
