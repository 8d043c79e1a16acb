import { useState } from 'react';
import type { LabApi, LabResult } from '../../../../shared/api/labApi';
import { compareCsv, compareReportHtml } from '../../../../shared/experiments/report';
import { downloadText } from '../../components/download';

type Compare = LabResult<'experiments.compare'>;

function reportOf(r: Compare): string {
  const side = (x: Compare['a']) => ({ id: x.id, target: x.target, kernel: x.kernel, workload: x.workload, params: x.params });
  return compareReportHtml(side(r.a), side(r.b), r.rows as never, new Date().toISOString());
}


/** Two experiments (groups of repetitions) side by side, as mmtests' compare-kernels prints them. */
export function CompareView({ lab, experiments }: { lab: LabApi; experiments: Array<{ id: number; target: string; workload: string; kernel: string | null }> }) {
  const [a, setA] = useState('');
  const [b, setB] = useState('');
  const [result, setResult] = useState<Compare | undefined>();
  const [error, setError] = useState<string | undefined>();
  const go = () =>
    lab.invoke('experiments.compare', { a: Number(a), b: Number(b) }).then(
      (r) => {
        setResult(r);
        setError(undefined);
      },
      (e: Error) => setError(e.message),
    );
  const fmt = (s: { mean: number; stddev: number; n: number }) => (s.n > 1 ? `${+s.mean.toFixed(1)} ±${+s.stddev.toFixed(1)}` : `${+s.mean.toFixed(1)}`);
  const option = (x: { id: number; target: string; workload: string; kernel: string | null }) => (
    <option key={x.id} value={x.id}>
      #{x.id} {x.workload} {x.target} {x.kernel ?? ''}
    </option>
  );
  return (
    <div className="compare">
      <h3>Compare</h3>
      <div className="actions">
        <select data-testid="cmp-a" value={a} onChange={(e) => setA(e.target.value)}>
          <option value="">A…</option>
          {experiments.map(option)}
        </select>
        <select data-testid="cmp-b" value={b} onChange={(e) => setB(e.target.value)}>
          <option value="">B…</option>
          {experiments.map(option)}
        </select>
        <button className="action" data-testid="cmp-go" disabled={!a || !b} onClick={go}>
          Compare
        </button>
      </div>
      {result && (
        <div className="actions">
          <button className="action" data-testid="cmp-html" onClick={() => downloadText(`numa-lab-compare-${result.a.id}-vs-${result.b.id}.html`, 'text/html', reportOf(result))}>
            Export HTML report
          </button>
          <button className="action" onClick={() => downloadText(`numa-lab-compare-${result.a.id}-vs-${result.b.id}.csv`, 'text/csv', compareCsv(result.rows as never))}>
            Export CSV
          </button>
        </div>
      )}
      {error && <p className="error">{error}</p>}
      {result && (
        <table className="deltas" data-testid="cmp-table">
          <thead>
            <tr>
              <th>phase</th>
              <th>counter</th>
              <th>A #{result.a.id}</th>
              <th>B #{result.b.id}</th>
              <th>B−A</th>
              <th>%</th>
              <th>significance</th>
            </tr>
          </thead>
          <tbody>
            {result.rows.map((r, i) => (
              <tr key={i}>
                <td>{r.phase}</td>
                <td>{r.counter}</td>
                <td className="num">{fmt(r.a)}</td>
                <td className="num">{fmt(r.b)}</td>
                <td className="num">{+r.difference.toFixed(1)}</td>
                <td className="num">{r.percent === null ? '—' : r.percent.toFixed(1)}</td>
                <td className={/significant|differs/.test(r.significance) && !/not/.test(r.significance) ? 'differs' : ''}>{r.significance}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
