import { useEffect, useState } from 'react';
import type { LabApi, LabResult } from '../../../../shared/api/labApi';
import { compareCsv } from '../../../../shared/experiments/report';
import { downloadText } from '../../components/download';
import { differingFields, specWords, type SpecSide } from '../../../../shared/experiments/specDiff';
import { formatChange, formatMeanSd, formatSigned } from '../../../../shared/format';
import { SpecHeader } from './SpecHeader';

import { CompareReportPng } from '../../components/SavePng';

/** An experiment as the picker names it: its id and spec (an experiments.list row). */
type Pickable = SpecSide & { id: number };
type Compare = LabResult<'experiments.compare'>;

/** The report the CLI writes (`compare --format html`), built by the lab: it has the stored time series. */
async function saveHtmlReport(lab: LabApi, r: Compare, onError: (m: string) => void): Promise<void> {
  try {
    const { html } = await lab.invoke('experiments.compareReport', { a: r.a.id, b: r.b.id });
    downloadText(`numa-lab-compare-${r.a.id}-vs-${r.b.id}.html`, 'text/html', html);
  } catch (e) {
    onError((e as Error).message);
  }
}

/**
 * A picker option: what tells runs apart first (beside a B candidate, what it differs from A
 * by; then the kernel and the knobs), the parameters last — a closed select shows the start.
 */
function optionLabel(x: Pickable, against?: Pickable): string {
  const w = specWords(x);
  const d = against && against.id !== x.id ? differingFields(against, x) : undefined;
  const versus = d ? (d.length ? `differs: ${d.join(', ')}` : 'same spec') : '';
  return [`#${x.id}`, versus, `${x.workload} on ${x.target} ${x.kernel ?? ''}`.trim(), [x.model, w.behaviours].filter(Boolean).join(' '), w.knobs, w.params].filter(Boolean).join(' · ');
}

/**
 * Two experiments (groups of repetitions) side by side, as mmtests' compare-kernels prints them,
 * headed by both specs with what differs marked. `pair` is the comparison shown (the URL's a and
 * b, so a comparison reopens); Compare hands the picked pair to `onCompare` (a history entry).
 */
export function CompareView({ lab, experiments, pair, onCompare }: { lab: LabApi; experiments: readonly Pickable[]; pair?: { a?: number; b?: number }; onCompare?: (a: number, b: number) => void }) {
  const [a, setA] = useState(pair?.a ? String(pair.a) : '');
  const [b, setB] = useState(pair?.b ? String(pair.b) : '');
  const [result, setResult] = useState<Compare | undefined>();
  const [error, setError] = useState<string | undefined>();
  const fetchPair = (x: number, y: number) =>
    lab.invoke('experiments.compare', { a: x, b: y }).then(
      (r) => {
        setResult(r);
        setError(undefined);
      },
      (e: Error) => {
        setResult(undefined);
        setError(e.message);
      },
    );
  // The pair shown follows the URL: a reload or a link reopens it, back returns to the previous one.
  useEffect(() => {
    setA(pair?.a ? String(pair.a) : '');
    setB(pair?.b ? String(pair.b) : '');
    if (pair?.a && pair?.b) void fetchPair(pair.a, pair.b);
    else setResult(undefined);
  }, [lab, pair?.a, pair?.b]);
  const go = () => (onCompare ? onCompare(Number(a), Number(b)) : void fetchPair(Number(a), Number(b)));
  const chosenA = experiments.find((x) => String(x.id) === a);
  const option = (against?: Pickable) => (x: Pickable) => (
    <option key={x.id} value={x.id}>
      {optionLabel(x, against)}
    </option>
  );
  return (
    <div className="compare">
      <h3>Compare</h3>
      <div className="actions">
        <select data-testid="cmp-a" value={a} onChange={(e) => setA(e.target.value)}>
          <option value="">A…</option>
          {experiments.map(option())}
        </select>
        <select data-testid="cmp-b" value={b} onChange={(e) => setB(e.target.value)}>
          <option value="">B…</option>
          {experiments.map(option(chosenA))}
        </select>
        <button className="action" data-testid="cmp-go" disabled={!a || !b} onClick={go}>
          Compare
        </button>
      </div>
      {result && (
        <div className="actions">
          <button className="action" data-testid="cmp-html" onClick={() => void saveHtmlReport(lab, result, setError)}>
            Export HTML report
          </button>
          <button className="action" onClick={() => downloadText(`numa-lab-compare-${result.a.id}-vs-${result.b.id}.csv`, 'text/csv', compareCsv(result.rows as never))}>
            Export CSV
          </button>
          <CompareReportPng lab={lab} a={result.a.id} b={result.b.id} />
        </div>
      )}
      {error && <p className="error">{error}</p>}
      {result && <SpecHeader a={result.a} b={result.b} />}
      {result && (
        <table className="deltas" data-testid="cmp-table">
          <thead>
            <tr>
              <th>phase</th>
              <th>counter</th>
              <th>A #{result.a.id}</th>
              <th>B #{result.b.id}</th>
              <th>B−A</th>
              <th title="(B−A)/A in percent where A and B are within an order of magnitude of each other; past that the ratio B/A (×N); — where A is 0 or the signs differ">change</th>
              <th>significance</th>
            </tr>
          </thead>
          <tbody>
            {result.rows.map((r, i) => (
              <tr key={i} data-testid={`cmp-row-${r.phase}-${r.counter}`}>
                <td>{r.phase}</td>
                <td>{r.counter}</td>
                <td className="num">{formatMeanSd(r.a)}</td>
                <td className="num">{formatMeanSd(r.b)}</td>
                <td className="num">{formatSigned(r.difference)}</td>
                <ChangeCell a={r.a.mean} b={r.b.mean} />
                <td className={/significant|differs/.test(r.significance) && !/not/.test(r.significance) ? 'differs' : ''}>{r.significance}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** The change column: a percentage only where it means something (formatChange), and why in the tooltip. */
function ChangeCell({ a, b }: { a: number; b: number }) {
  const c = formatChange(a, b);
  return (
    <td className={`num change-${c.kind}`} title={c.title} data-kind={c.kind}>
      {c.text}
    </td>
  );
}
