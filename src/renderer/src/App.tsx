import { useEffect, useState } from 'react';
import type { LabApi } from '../../shared/api/labApi';
import type { HostFacts } from '../../shared/hostFacts';
import { HostFactsPanel } from './components/HostFactsPanel';
import { TerminalPane } from './components/TerminalPane';

export function App({ lab, via }: { lab: LabApi; via: 'ipc' | 'websocket' }) {
  const [target] = useState('local');
  const [facts, setFacts] = useState<HostFacts | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [shell, setShell] = useState<string>('');

  useEffect(() => {
    lab.invoke('app.info', {}).then((i) => setShell(`${i.shell} · ${i.version}`), () => {});
    lab.invoke('hosts.probe', { target }).then(setFacts, (e: Error) => setError(e.message));
  }, [lab, target]);

  return (
    <div className="app">
      <header className="topbar">
        <span className="brand">NUMA Lab</span>
        <span className="muted">
          {shell} · LabApi over {via === 'ipc' ? 'Electron IPC' : 'WebSocket'}
        </span>
      </header>
      <main className="layout">
        <section className="panel hosts">
          <h2>Host</h2>
          {error && (
            <p className="error" role="alert">
              {error}
            </p>
          )}
          {facts ? <HostFactsPanel facts={facts} /> : !error && <p className="muted">probing {target}…</p>}
        </section>
        <section className="panel terminal">
          <h2>
            Terminal <span className="muted">{target}</span>
          </h2>
          <TerminalPane lab={lab} target={target} />
        </section>
      </main>
    </div>
  );
}
