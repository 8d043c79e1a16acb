import { useCallback, useEffect, useRef, useState } from 'react';
import { LabApiError, type LabApi } from '../../shared/api/labApi';
import type { HostFacts } from '../../shared/hostFacts';
import { briefReason, FALLBACK_TARGET, judgeOffline, offlineHeadline, sameTarget, shouldFallBack, testboxName, type HostTrouble } from '../../shared/hosts/offline';
import { PANELS } from './panels/registry';
import { ClosingOverlay } from './components/ClosingOverlay';
import { showView, useGlobalParam, useRoute } from './route';

/** The view a link without one (or with an unknown one) opens. */
const DEFAULT_VIEW = 'host';

interface OfflineNotice {
  target: string;
  headline: string;
  detail: string;
}

/**
 * The app shell. Its state lives in the URL (route.ts): the view (`#/<view>`) and the current
 * host (the global `host` parameter, absent = local), so back/forward and links restore both.
 * Every view visited stays mounted (hidden while another is shown), keeping its forms and results.
 * The host's facts follow what changes them: knob events for that host, and a fresh probe when the
 * Host view is shown again; a host that dies is shown offline and the app falls back to local.
 */
export function App({ lab, via }: { lab: LabApi; via: 'ipc' | 'websocket' }) {
  const route = useRoute();
  const [hostParam, setHostParam] = useGlobalParam('host');
  const target = hostParam || FALLBACK_TARGET;
  const [facts, setFacts] = useState<HostFacts | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [notice, setNotice] = useState<OfflineNotice | undefined>();
  const [shell, setShell] = useState<string>('');
  const [closing, setClosing] = useState<string[] | undefined>();
  const known = PANELS.some((p) => p.id === route.view);
  const view = known ? route.view : DEFAULT_VIEW;
  // Views visited once stay mounted; a ref, so the view shown is mounted in this very render.
  const visited = useRef(new Set<string>());
  visited.current.add(view);

  // The target as of now, for answers that arrive after the user moved on.
  const targetRef = useRef(target);
  targetRef.current = target;
  const probeSeq = useRef(0);

  useEffect(() => {
    if (!known) showView(DEFAULT_VIEW, { replace: true });
  }, [known]);

  useEffect(() => lab.on('app.closing', (p) => setClosing(p.steps)), [lab]);

  useEffect(() => {
    lab.invoke('app.info', {}).then((i) => setShell(`${i.shell} · ${i.version}`), () => {});
  }, [lab]);

  const selectTarget = useCallback(
    (t: string) => {
      setNotice(undefined);
      setHostParam(sameTarget(t, FALLBACK_TARGET) ? undefined : t.trim(), { push: true });
    },
    [setHostParam],
  );

  /** The current host failed: judge whether it is offline (asking testbox.list for a box) and fall back. */
  const troubled = useCallback(
    async (t: string, trouble: HostTrouble) => {
      const box = testboxName(t);
      const [boxes, session] = await Promise.all([
        box === undefined ? undefined : lab.invoke('testbox.list', {}).catch(() => undefined),
        trouble.kind === 'probe-failed' ? lab.invoke('hosts.status', { target: t }).then((all) => all[0]?.state, () => undefined) : undefined,
      ]);
      if (!sameTarget(t, targetRef.current)) return;
      const verdict = judgeOffline(t, trouble, boxes, session);
      if (!verdict.offline) {
        if (trouble.kind === 'probe-failed') setError(briefReason(trouble.message));
        return;
      }
      if (!shouldFallBack(t)) {
        setError(verdict.detail);
        return;
      }
      setNotice({ target: t, headline: offlineHeadline(t, verdict.why), detail: verdict.detail });
      // Replaces the history entry: back must not return to a host that is gone.
      setHostParam(undefined, { push: false });
    },
    [lab, setHostParam],
  );

  /**
   * Probes `t`; `quiet` keeps the facts shown until the new ones arrive (a refresh, not a new
   * host). A host being opened is connected first: that reconnects one whose session was lost
   * (a probe alone would be refused until then), e.g. when the user tries an offline host again.
   */
  const probe = useCallback(
    (t: string, quiet: boolean) => {
      const n = ++probeSeq.current;
      if (!quiet) {
        setFacts(undefined);
        setError(undefined);
      }
      const connected = quiet ? Promise.resolve() : lab.invoke('hosts.connect', { target: t }).then(() => undefined);
      connected.then(() => lab.invoke('hosts.probe', { target: t })).then(
        (f) => {
          if (n !== probeSeq.current) return;
          setFacts(f);
          setError(undefined);
        },
        (e: Error) => {
          if (n !== probeSeq.current) return;
          void troubled(t, { kind: 'probe-failed', message: e.message, code: e instanceof LabApiError ? e.code : undefined });
        },
      );
    },
    [lab, troubled],
  );

  useEffect(() => probe(target, false), [probe, target]);
  // The notice tells why the app is on the fallback host; once on another host (a link, back/forward) it is history.
  useEffect(() => setNotice((n) => (n && sameTarget(target, FALLBACK_TARGET) ? n : undefined)), [target]);

  // Knob changes (Knobs view, an experiment, another window of this lab) change what the probe shows.
  useEffect(
    () =>
      lab.on('knobs.changed', (p) => {
        if (sameTarget(p.target, targetRef.current)) probe(targetRef.current, true);
      }),
    [lab, probe],
  );

  // A session lost (or closed, e.g. a box powered off) may mean the current host is gone. Only the
  // change into that state counts: a lost session also reports its reconnect attempts (still lost).
  useEffect(() => {
    const last = new Map<string, string>();
    return lab.on('hosts.state', (s) => {
      const before = last.get(s.target);
      last.set(s.target, s.state);
      if (before === s.state) return;
      if ((s.state === 'lost' || s.state === 'closed') && sameTarget(s.target, targetRef.current)) void troubled(targetRef.current, { kind: 'state', state: s.state, reason: s.reason });
    });
  }, [lab, troubled]);

  // A box powered off (from any window of this lab): its session's `closed` event comes before the
  // box is gone (testbox.down closes the session, then stops QEMU); this event comes after.
  useEffect(
    () =>
      lab.on('testbox.changed', (b) => {
        if (!b.running && sameTarget(b.target, targetRef.current)) void troubled(b.target, { kind: 'state', state: 'closed', reason: 'the box was powered off' });
      }),
    [lab, troubled],
  );

  // Showing the Host view again reads the host afresh (a knob changed by another process sends no event).
  const shownBefore = useRef(view);
  useEffect(() => {
    if (view === 'host' && shownBefore.current !== 'host') probe(targetRef.current, true);
    shownBefore.current = view;
  }, [view, probe]);

  return (
    <div className="app">
      <header className="topbar">
        <span className="brand">NUMA Lab</span>
        <nav className="tabs" role="tablist">
          {PANELS.map((p) => (
            <button key={p.id} role="tab" aria-selected={p.id === view} data-testid={`tab-${p.id}`} onClick={() => showView(p.id)}>
              {p.title}
            </button>
          ))}
        </nav>
        <span className="spacer" />
        <label className="muted">
          host{' '}
          <input
            className="target-input"
            data-testid="target-input"
            key={target}
            defaultValue={target}
            onKeyDown={(e) => {
              if (e.key === 'Enter') selectTarget((e.target as HTMLInputElement).value.trim());
            }}
          />
        </label>
        <span className="muted">
          {shell} · {via === 'ipc' ? 'Electron IPC' : 'WebSocket'}
        </span>
      </header>
      {notice && (
        <div className="banner offline-notice" role="status" data-testid="offline-notice">
          <span data-testid="offline-headline">{notice.headline}</span>
          <span className="muted offline-detail" data-testid="offline-detail">
            {notice.detail}
          </span>
          <span className="offline-actions">
            <button className="action" data-testid="offline-retry" onClick={() => selectTarget(notice.target)}>
              Try {notice.target} again
            </button>
            <button className="action" data-testid="offline-dismiss" onClick={() => setNotice(undefined)}>
              Dismiss
            </button>
          </span>
        </div>
      )}
      {error && (
        <p className="error banner" role="alert">
          {error}
        </p>
      )}
      <main className="content">
        {PANELS.filter((p) => visited.current.has(p.id)).map((p) => (
          <div key={p.id} className="view" data-view={p.id} style={{ display: p.id === view ? 'flex' : 'none', flexDirection: 'column', flex: 1, minHeight: 0 }}>
            {p.render({ lab, target, facts, selectTarget, active: p.id === view })}
          </div>
        ))}
      </main>
      {closing && <ClosingOverlay steps={closing} />}
    </div>
  );
}
