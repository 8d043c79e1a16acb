import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { KNOB_GROUPS, type HostKnobs, type KnobState } from '../../../shared/knobs';
import type { KnobOrigin } from '../../../shared/knobs/api';
import type { PanelProps } from './registry';
import { ApplyResults, type LastApply } from './knobs/ApplyResults';
import { KnobRow } from './knobs/KnobRow';
import { StagedBar } from './knobs/StagedBar';
import { allowedText, applyRequest, diffRows, rebase, stage, unstage, type Staged } from './knobs/staging';

/**
 * A host's THP and NUMA-balancing knobs: current vs original, the file each lives in, allowed
 * values, and controls that only stage a change. The staged diff is written by Apply in one
 * knobs.set call; a knob changed underneath meanwhile is shown as a conflict, never overwritten.
 */
export function KnobsPanel({ lab, target }: PanelProps) {
  const [knobs, setKnobs] = useState<HostKnobs | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [staged, setStaged] = useState<Staged>({});
  /** Who last changed each knob, from knobs.changed events (a conflict says it). */
  const [changedBy, setChangedBy] = useState<Record<string, KnobOrigin>>({});
  const [last, setLast] = useState<LastApply | undefined>();
  const targetRef = useRef(target);
  targetRef.current = target;

  const reload = useCallback(() => {
    lab.invoke('knobs.list', { target }).then(
      (k) => {
        if (targetRef.current !== target) return;
        setKnobs(k);
        setError(undefined);
      },
      (e: Error) => setError(e.message),
    );
  }, [lab, target]);

  useEffect(() => {
    setKnobs(undefined);
    setStaged({});
    setChangedBy({});
    setLast(undefined);
    setNotice(undefined);
    reload();
    return lab.on('knobs.changed', (p) => {
      if (p.target !== target) return;
      setChangedBy((c) => ({ ...c, ...Object.fromEntries(p.ids.map((id) => [id, p.origin])) }));
      reload();
    });
  }, [lab, target, reload]);

  const rows = useMemo(() => (knobs ? diffRows(knobs.knobs, staged, changedBy) : []), [knobs, staged, changedBy]);
  const req = applyRequest(rows);
  const conflicted = new Set(rows.filter((r) => r.conflict).map((r) => r.id));

  const onStage = (k: KnobState, value: string) => {
    setStaged((s) => stage(s, k, value));
    setChangedBy(({ [k.id]: _, ...rest }) => rest);
    setNotice(undefined);
  };

  const apply = async () => {
    setBusy(true);
    setError(undefined);
    setNotice(undefined);
    try {
      // Read again first: a knob changed without an event (an `echo` into /sys) is a conflict too.
      const fresh = await lab.invoke('knobs.list', { target });
      setKnobs(fresh);
      const check = applyRequest(diffRows(fresh.knobs, staged, changedBy));
      if (!check.ok) {
        setError(`Nothing was written: ${check.why}`);
        return;
      }
      const r = await lab.invoke('knobs.set', { target, values: check.values, origin: 'ui' });
      const allowed = Object.fromEntries(fresh.knobs.map((k) => [k.id, allowedText(k)]));
      setKnobs(r.knobs);
      setLast({ at: new Date().toISOString(), results: r.results, allowed });
      setStaged((s) => unstage(s, Object.keys(check.values)));
      setChangedBy((c) => Object.fromEntries(Object.entries(c).filter(([id]) => !(id in check.values))));
    } catch (e) {
      // Refused as a whole before anything was written (a bad value, no root): the staged values stay.
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const restore = async () => {
    setBusy(true);
    setError(undefined);
    setNotice(undefined);
    try {
      const r = await lab.invoke('knobs.restore', { target });
      const refused = r.results.filter((x) => !x.ok);
      if (refused.length) setError(refused.map((x) => `${x.id}: the kernel refused ${x.requested} (${x.errno ?? ''} ${x.error}); it is still ${x.after ?? '?'}`).join('\n'));
      else if (r.results.length) setNotice(`restored: ${r.results.map((x) => `${x.id} ${x.before} → ${x.after}`).join(' · ')}`);
      reload();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const byId = new Map(knobs?.knobs.map((k) => [k.id, k]));
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
        <button className="action" data-testid="knobs-restore" disabled={busy || !knobs?.knobs.some((k) => k.original !== null)} onClick={() => void restore()} title="write back the value each knob had before the lab first changed it">
          Restore originals
        </button>
      </div>
      <StagedBar
        rows={rows}
        busy={busy}
        blocked={req.ok ? null : req.why}
        onApply={() => void apply()}
        onDiscard={() => {
          setStaged({});
          setError(undefined);
        }}
        onKeep={(id) => {
          const k = byId.get(id);
          if (k) setStaged((s) => rebase(s, k));
        }}
        onDrop={(id) => setStaged((s) => unstage(s, [id]))}
      />
      {error && (
        <p className="error" role="alert" data-testid="knobs-error">
          {error}
        </p>
      )}
      {last && <ApplyResults last={last} onClose={() => setLast(undefined)} />}
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
                      <KnobRow key={k.id} k={k} staged={staged[k.id]} conflict={conflicted.has(k.id)} disabled={busy} onStage={onStage} />
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
