import { specDiff, type SpecSide } from '../../../../shared/experiments/specDiff';

/**
 * The head of a comparison, as mmtests' compare-kernels heads its report: A's and B's spec field
 * by field (target, kernel, model and switches, workload, parameters, knobs), what differs marked,
 * so two runs that differ only by a knob never look identical.
 */
export function SpecHeader({ a, b, aLabel, bLabel }: { a: SpecSide & { id: number }; b: SpecSide & { id: number }; aLabel?: string; bLabel?: string }) {
  const rows = specDiff(a, b);
  const differing = rows.filter((r) => r.differs);
  return (
    <div className="spec-header" data-testid="cmp-spec">
      <p className="spec-summary" data-testid="cmp-spec-summary">
        {differing.length === 0 ? 'A and B have the same spec: any difference below is run to run.' : `A and B differ in ${differing.map((r) => r.field).join(', ')}.`}
      </p>
      <table className="deltas spec-table">
        <thead>
          <tr>
            <th>spec</th>
            <th>{aLabel ?? `A #${a.id}`}</th>
            <th>{bLabel ?? `B #${b.id}`}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.field} className={r.differs ? 'spec-differs' : 'spec-same'} data-testid={`cmp-spec-${r.field.replace(/\s+/g, '-')}`} data-differs={r.differs ? 'yes' : 'no'}>
              <td>{r.field}</td>
              <td title={r.differs ? 'differs from B' : undefined}>{r.a}</td>
              <td title={r.differs ? 'differs from A' : undefined}>{r.b}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
