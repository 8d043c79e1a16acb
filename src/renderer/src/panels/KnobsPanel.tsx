import { useCallback, useEffect, useState } from 'react';
import { KNOB_GROUPS, type HostKnobs, type KnobState } from '../../../shared/knobs';
import type { KnobWriteResult } from '../../../shared/knobs/api';
import type { PanelProps } from './registry';

/** A host's THP and NUMA-balancing knobs: current vs original, allowed values, a control each, restore. */
export function KnobsPanel({ lab, target }: PanelProps) {
  const [knobs, setKnobs] = useState<HostKnobs | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const reload = useCallback(() => {
    lab.invoke('knobs.list', { target }).then(
      (k) => {
        setKnobs(k);
        setError(undefined);
      },
      (e: Error) => setError(e.message),
    );
  }, [lab, target]);

  useEffect(() => {
    setKnobs(undefined);
    reload();
    return lab.on('knobs.changed', (p) => {
      if (p.target === target) reload();
    });
  }, [lab, target, reload]);

  const act = async (what: () => Promise<{ results: KnobWriteResult[] }>) => {
    setBusy(true);
    setError(undefined);
    setNotice(undefined);
    try {
      const r = await what();
      const refused = r.results.filter((x) => !x.ok);
      if (refused.length) setError(refused.map((x) => `${x.id}: the kernel refused ${x.requested} (${x.errno ?? ''} ${x.error}); it is still ${x.after ?? '?'}`).join('\n'));
      else if (r.results.length) setNotice(r.results.map((x) => `${x.id}: ${x.before} → ${x.after}`).join(' · '));
      reload();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const set = (id: string, value: string) => act(() => lab.invoke('knobs.set', { target, values: { [id]: value }, origin: 'ui' }));
  const restore = () => act(() => lab.invoke('knobs.restore', { target }));
  const changed = knobs?.knobs.filter((k) => k.original !== null && k.original !== k.current) ?? [];

  return (
    <section className="panel knobs" data-testid="knobs-panel">
      <div className="knobs-head">
        <h2>
          Knobs <span className="muted">{target}{knobs ? ` · kernel ${knobs.kernelRelease} · debugfs ${knobs.debugfs}` : ''}</span>
        </h2>
        <span className="spacer" />
        <span className="muted" data-testid="knobs-changed-count">
          {changed.length} changed
        </span>
        <button className="action" data-testid="knobs-restore" disabled={busy || !knobs?.knobs.some((k) => k.original !== null)} onClick={restore}>
          Restore originals
        </button>
      </div>
      {error && (
        <p className="error" role="alert" data-testid="knobs-error">
          {error}
        </p>
      )}
      {notice && <p className="muted" data-testid="knobs-notice">{notice}</p>}
      {!knobs && !error && <p className="muted">reading knobs of {target}…</p>}
      {knobs && (
        <div className="knob-groups">
          {KNOB_GROUPS.map((g) => {
            const ks = knobs.knobs.filter((k) => k.group === g.id);
            if (!ks.length) return null;
            return (
              <div key={g.id} className="knob-group" data-testid={`knob-group-${g.id}`}>
                <h3>{g.title}</h3>
                <table className="knob-table">
                  <tbody>
                    {ks.map((k) => (
                      <KnobRow key={k.id} k={k} busy={busy} onSet={set} />
                    ))}
                  </tbody>
                </table>
              </div>
            );
          })}
        </div>
      )}
    </section>
  );
}

function KnobRow({ k, busy, onSet }: { k: KnobState; busy: boolean; onSet: (id: string, v: string) => void }) {
  const [draft, setDraft] = useState(k.current ?? '');
  useEffect(() => setDraft(k.current ?? ''), [k.current]);
  const changed = k.original !== null && k.original !== k.current;
  const allowedText = k.allowed ? k.allowed.join(' ') : k.range ? `${k.range.min}..${k.range.max}${k.range.note ? ` (${k.range.note})` : ''}` : '';
  return (
    <tr data-testid={`knob-${k.id}`} className={changed ? 'changed' : k.present ? '' : 'absent'} title={`${k.meaning}\n${k.path}`}>
      <td className="knob-id">{k.id}</td>
      <td className="knob-current" data-testid={`knob-current-${k.id}`}>
        {!k.present ? <span className="muted">absent</span> : k.current === null ? <span className="error">{k.readError}</span> : k.current}
        {k.unit && k.current !== null ? <span className="muted"> {k.unit}</span> : null}
      </td>
      <td className="knob-original" data-testid={`knob-original-${k.id}`}>
        {changed ? <span>was {k.original}</span> : null}
      </td>
      <td className="knob-control">
        {k.present && k.current !== null ? (
          k.allowed ? (
            <select data-testid={`knob-input-${k.id}`} value={draft} disabled={busy} onChange={(e) => onSet(k.id, e.target.value)}>
              {k.allowed.map((a) => (
                <option key={a} value={a}>
                  {a}
                </option>
              ))}
            </select>
          ) : (
            <form
              onSubmit={(e) => {
                e.preventDefault();
                onSet(k.id, draft.trim());
              }}
            >
              <input data-testid={`knob-input-${k.id}`} className="knob-number" value={draft} disabled={busy} onChange={(e) => setDraft(e.target.value)} inputMode="numeric" />
              <button className="action" data-testid={`knob-apply-${k.id}`} disabled={busy || draft === k.current}>
                Set
              </button>
            </form>
          )
        ) : (
          <span className="muted knob-why">{k.present ? 'cannot be read, so not writable' : k.absentReason}</span>
        )}
      </td>
      <td className="muted knob-allowed">{k.present && k.current !== null ? allowedText : ''}</td>
    </tr>
  );
}
