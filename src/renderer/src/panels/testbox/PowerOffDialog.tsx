import { useEffect, useRef, useState } from 'react';
import type { LabApi } from '../../../../shared/api/labApi';
import type { TestboxSummary } from '../../../../shared/testbox/api';
import { powerOffPrompt, type RunningExperiment } from './powerOff';

/**
 * The in-app confirmation before a box is powered off (window.confirm is not used: Electron and
 * headless browsers may suppress it, and it could not name what stops). It asks the lab which of
 * its experiments run on the box; Cancel has the focus, Escape cancels.
 */
export function PowerOffDialog({ lab, box, uptimeMs, onCancel, onConfirm }: { lab: LabApi; box: TestboxSummary; uptimeMs: number | null; onCancel: () => void; onConfirm: () => void }) {
  const [runs, setRuns] = useState<RunningExperiment[] | undefined>();
  const cancelRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    cancelRef.current?.focus();
    lab.invoke('experiments.list', {}).then(
      (xs) => setRuns(xs.filter((x) => x.status === 'running' && x.target === box.target).map((x) => ({ id: x.id, workload: x.workload }))),
      () => setRuns([]),
    );
  }, [lab, box.target]);
  const p = powerOffPrompt(box, uptimeMs, runs ?? []);
  return (
    <div className="confirm-overlay" onKeyDown={(e) => e.key === 'Escape' && onCancel()}>
      <div className="panel confirm-dialog" role="alertdialog" aria-modal="true" aria-labelledby="tb-confirm-title" data-testid="tb-confirm">
        <h2 id="tb-confirm-title">{p.title}</h2>
        <p data-testid="tb-confirm-box">{p.box}</p>
        <p data-testid="tb-confirm-owner">{p.owner}</p>
        <ul data-testid="tb-confirm-consequences">
          {runs === undefined && box.running ? <li className="muted">looking for experiments running on it…</li> : p.consequences.map((c) => <li key={c}>{c}</li>)}
        </ul>
        <div className="actions">
          <button className="action danger" data-testid="tb-confirm-yes" disabled={runs === undefined && box.running} onClick={onConfirm}>
            {p.confirm}
          </button>
          <button ref={cancelRef} className="action" data-testid="tb-confirm-cancel" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </div>
    </div>
  );
}
