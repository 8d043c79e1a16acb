import { useEffect, useState } from 'react';
import type { HostStatusShape } from '../../../shared/hosts/api';
import { canonicalTargetOr } from '../../../shared/hosts/offline';
import { TerminalPane } from '../components/TerminalPane';
import type { PanelProps } from './registry';

const PRIVILEGE_TEXT: Record<string, string> = {
  root: 'root',
  sudo: 'sudo (no password)',
  'sudo-password': 'sudo: password asked once in the terminal',
  none: 'no root (knobs read-only)',
};

/**
 * Every host the lab is connected to: state (connecting / ready / needs input / lost, with the
 * reason and the last lines it printed), privilege, reconnect and a terminal tab per host.
 * Prompts (ssh password, host key, sudo) are answered in that host's terminal tab.
 * The app's current host is selected (and connected) when the view opens and whenever it changes,
 * so its terminal is there without a click.
 */
export function HostsPanel({ lab, target }: PanelProps) {
  const [hosts, setHosts] = useState<Record<string, HostStatusShape>>({});
  const [tab, setTab] = useState<string | undefined>();
  const [adding, setAdding] = useState('');
  const [error, setError] = useState<string | undefined>();
  const current = canonicalTargetOr(target);

  useEffect(() => {
    const put = (s: HostStatusShape) =>
      setHosts((h) => {
        if (s.state !== 'closed') return { ...h, [s.target]: s };
        // The lab ended that session (disconnected, box powered off): it is no longer a host here.
        const { [s.target]: _gone, ...rest } = h;
        return rest;
      });
    const off = lab.on('hosts.state', put);
    lab.invoke('hosts.status', {}).then((all) => all.forEach(put), () => undefined);
    return off;
  }, [lab]);

  const connect = (t: string, autoReconnect?: boolean) => {
    setError(undefined);
    setTab((cur) => cur ?? t);
    lab.invoke('hosts.connect', autoReconnect === undefined ? { target: t } : { target: t, autoReconnect }).then(
      (s) => setHosts((h) => ({ ...h, [s.target]: s })),
      (e: Error) => setError(e.message),
    );
  };
  // The current host's tab, connected if the lab has no session to it yet (connect is a no-op on a ready one).
  useEffect(() => {
    setTab(current);
    setError(undefined);
    lab.invoke('hosts.connect', { target: current }).then(
      (s) => setHosts((h) => ({ ...h, [s.target]: s })),
      (e: Error) => setError(e.message),
    );
  }, [lab, current]);

  const disconnect = (t: string) =>
    lab.invoke('hosts.disconnect', { target: t }).then(() => {
      setHosts((h) => {
        const { [t]: _gone, ...rest } = h;
        return rest;
      });
      setTab((cur) => (cur === t ? undefined : cur));
    });

  const list = Object.values(hosts);
  return (
    <div className="split hosts-panel">
      <section className="panel">
        <h2>Hosts</h2>
        <form
          className="hosts-add"
          onSubmit={(e) => {
            e.preventDefault();
            if (adding.trim()) connect(adding.trim());
          }}
        >
          <input data-testid="hosts-add-target" placeholder={target || 'ssh://user@host:port'} value={adding} onChange={(e) => setAdding(e.target.value)} />
          <button type="submit" data-testid="hosts-connect">
            Connect
          </button>
        </form>
        {error && (
          <p className="error" role="alert" data-testid="hosts-error">
            {error}
          </p>
        )}
        {list.length === 0 && <p className="muted">No host connected yet. Targets: local, ssh://[user@]host[:port], an ssh alias, serial:/path, testbox:name.</p>}
        <ul className="hosts-list">
          {list.map((h) => (
            <li key={h.target} data-testid={`host-${h.target}`} className={`host-row state-${h.state}`} onClick={() => setTab(h.target)}>
              <div className="host-line">
                <span className={`host-state state-${h.state}`} data-testid="host-state">
                  {h.state === 'needs-input' ? 'needs input' : h.state}
                </span>
                <span className="host-target">{h.target}</span>
              </div>
              <div className="muted small" data-testid="host-privilege">
                privilege: {h.privilege ? PRIVILEGE_TEXT[h.privilege] : '…'}
              </div>
              {h.state === 'needs-input' && <div className="host-prompt">“{h.prompt}” — answer it in the terminal tab</div>}
              {h.state === 'lost' && (
                <div className="host-lost">
                  <div className="error">{h.reason}</div>
                  {h.lastLines.length > 0 && <pre className="host-last-lines">{h.lastLines.join('\n')}</pre>}
                  {h.nextReconnectAt && <div className="muted small">next try {new Date(h.nextReconnectAt).toLocaleTimeString()}</div>}
                </div>
              )}
              <div className="host-actions">
                {h.state === 'lost' && (
                  <button data-testid="host-reconnect" onClick={() => connect(h.target)}>
                    Reconnect
                  </button>
                )}
                <label className="muted small">
                  <input type="checkbox" checked={h.autoReconnect} onChange={(e) => connect(h.target, e.target.checked)} /> reconnect automatically
                </label>
                <button data-testid="host-disconnect" onClick={() => void disconnect(h.target)}>
                  Disconnect
                </button>
              </div>
            </li>
          ))}
        </ul>
      </section>
      <section className="panel terminal">
        <nav className="tabs host-tabs" role="tablist">
          {list.map((h) => (
            <button key={h.target} role="tab" aria-selected={tab === h.target} data-testid={`host-tab-${h.target}`} onClick={() => setTab(h.target)}>
              {h.target}
            </button>
          ))}
        </nav>
        {/* One pane per host, kept mounted so switching tabs keeps each session's scrollback. */}
        {list
          .filter((h) => h.state !== 'lost' || h.target === tab)
          .map((h) => (
            <div key={h.target} className="host-terminal" style={{ display: tab === h.target ? 'flex' : 'none' }}>
              {h.state === 'lost' ? <p className="muted">lost — reconnect to open a terminal</p> : <TerminalPane lab={lab} target={h.target} />}
            </div>
          ))}
      </section>
    </div>
  );
}
