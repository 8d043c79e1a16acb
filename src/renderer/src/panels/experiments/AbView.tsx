import { useEffect, useState } from 'react';
import type { LabApi, LabResult } from '../../../../shared/api/labApi';
import { abReportHtml } from '../../../../shared/experiments/report';
import { downloadText } from '../../components/download';
import { KernelPicker } from '../../components/KernelPicker';
import { parseKnobText, type ExperimentFormState } from './ExperimentForm';
import { verdictTone } from './Headline';
import { formatNumber, formatSigned } from '../../../../shared/format';

type Ab = LabResult<'experiments.ab'>;
type Built = LabResult<'kernel.builds'>[number];

/**
 * A/B: the experiment in the form above, on two kernels booted in turn as the same virtual NUMA
 * box (Debian's, or the lab's own builds: the patch under test against its base), each judged
 * against its own model, side by side.
 */
export function AbView({ lab, form }: { lab: LabApi; form: ExperimentFormState }) {
  const [builds, setBuilds] = useState<Built[]>([]);
  const [a, setA] = useState('6.12');
  const [b, setB] = useState('6.12');
  const [nodes, setNodes] = useState(2);
  const [running, setRunning] = useState(false);
  const [log, setLog] = useState<string[]>([]);
  const [result, setResult] = useState<Ab | undefined>();
  const [error, setError] = useState<string | undefined>();

  useEffect(() => {
    lab.invoke('kernel.builds', {}).then(setBuilds, () => {});
    return lab.on('experiments.abProgress', (p) => setLog((l) => [...l.slice(-8), `${p.label}: ${p.message}`]));
  }, [lab]);

  const go = async () => {
    setRunning(true);
    setError(undefined);
    setResult(undefined);
    setLog([]);
    try {
      setResult(
        await lab.invoke('experiments.ab', {
          kernels: [a, b],
          nodes,
          request: { workload: form.workload, params: form.params, knobs: parseKnobText(form.knobs), repeat: form.repeat, rateHz: form.rateHz },
        }),
      );
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setRunning(false);
    }
  };

  const cell = (s: { n: number; mean: number }) => (s.n ? formatNumber(s.mean) : '—');
  return (
    <div className="compare" data-testid="ab">
      <h3>A/B: this experiment on two kernels</h3>
      <div className="actions">
        <label className="field">
          <span>A</span>
          <KernelPicker testId="ab-a" value={a} builds={builds} onChange={setA} maxWidth="34em" />
        </label>
        <label className="field">
          <span>B</span>
          <KernelPicker testId="ab-b" value={b} builds={builds} onChange={setB} maxWidth="34em" />
        </label>
        <label className="field">
          <span>nodes</span>
          <input value={nodes} size={3} onChange={(e) => setNodes(Math.min(16, Math.max(1, Number(e.target.value) || 2)))} />
        </label>
        <button className="action" data-testid="ab-go" disabled={running} onClick={() => void go()}>
          {running ? 'Running A/B…' : 'Run A/B'}
        </button>
        {result && (
          <button className="action" onClick={() => downloadText('numa-lab-ab.html', 'text/html', abReportHtml(result, { workload: form.workload, params: form.params, topology: `${nodes} nodes` }, new Date().toISOString()))}>
            Export HTML report
          </button>
        )}
      </div>
      {running && log.length > 0 && <pre className="log">{log.join('\n')}</pre>}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {result && (
        <>
          <ul className="ab-sides" data-testid="ab-sides">
            {[result.a, result.b].map((s) => (
              <li key={s.label} data-testid={`ab-side-${s.label}`}>
                <b>{s.label}</b> {s.release} · model {s.model} · experiment {s.experimentId}: <span className={`tone-${verdictTone(s.verdict)}`}>{s.verdict ?? 'no verdict'}</span> — {s.reason}
                {s.crash && (
                  <div className="error small">
                    crashed: {s.crash.headline}
                    {s.crash.rip ? ` at ${s.crash.rip}` : ''}
                    {s.crash.phase ? `, ${s.crash.sincePhaseS} s into ${s.crash.phase}` : ''}
                  </div>
                )}
                {s.predictedBug && <div className="muted small">model predicted: {s.predictedBug}</div>}
              </li>
            ))}
          </ul>
          <table className="deltas" data-testid="ab-table">
            <thead>
              <tr>
                <th>phase</th>
                <th>counter</th>
                <th>A</th>
                <th>A {result.predictedFrom.a}</th>
                <th>B</th>
                <th>B {result.predictedFrom.b}</th>
                <th>B−A</th>
                <th>significance</th>
              </tr>
            </thead>
            <tbody>
              {result.rows.map((r, i) => (
                <tr key={i}>
                  <td>{r.phase}</td>
                  <td>{r.counter}</td>
                  <td className="num">{cell(r.a)}</td>
                  <td className="num muted">{r.predictedA ?? '—'}</td>
                  <td className="num">{cell(r.b)}</td>
                  <td className="num muted">{r.predictedB ?? '—'}</td>
                  <td className="num">{r.a.n && r.b.n ? formatSigned(r.difference) : '—'}</td>
                  <td>{r.significance}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}
