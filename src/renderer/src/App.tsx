import { useEffect, useState } from 'react';
import type { LabApi } from '../../shared/api/labApi';
import type { HostFacts } from '../../shared/hostFacts';
import { PANELS } from './panels/registry';
import { ClosingOverlay } from './components/ClosingOverlay';

export function App({ lab, via }: { lab: LabApi; via: 'ipc' | 'websocket' }) {
  const [target, setTarget] = useState('local');
  const [facts, setFacts] = useState<HostFacts | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [shell, setShell] = useState<string>('');
  const [panel, setPanel] = useState(PANELS[0].id);
  const [closing, setClosing] = useState<string[] | undefined>();

  useEffect(() => lab.on('app.closing', (p) => setClosing(p.steps)), [lab]);

  useEffect(() => {
    lab.invoke('app.info', {}).then((i) => setShell(`${i.shell} · ${i.version}`), () => {});
  }, [lab]);

  useEffect(() => {
    setFacts(undefined);
    setError(undefined);
    lab.invoke('hosts.probe', { target }).then(setFacts, (e: Error) => setError(e.message));
  }, [lab, target]);

  const current = PANELS.find((p) => p.id === panel) ?? PANELS[0];
  return (
    <div className="app">
      <header className="topbar">
        <span className="brand">NUMA Lab</span>
        <nav className="tabs" role="tablist">
          {PANELS.map((p) => (
            <button key={p.id} role="tab" aria-selected={p.id === current.id} data-testid={`tab-${p.id}`} onClick={() => setPanel(p.id)}>
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
              if (e.key === 'Enter') setTarget((e.target as HTMLInputElement).value.trim());
            }}
          />
        </label>
        <span className="muted">
          {shell} · {via === 'ipc' ? 'Electron IPC' : 'WebSocket'}
        </span>
      </header>
      {error && (
        <p className="error banner" role="alert">
          {error}
        </p>
      )}
      <main className="content">{current.render({ lab, target, facts, selectTarget: setTarget })}</main>
      {closing && <ClosingOverlay steps={closing} />}
    </div>
  );
}
