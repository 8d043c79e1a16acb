import { HostFactsPanel } from '../components/HostFactsPanel';
import { TerminalPane } from '../components/TerminalPane';
import type { PanelProps } from './registry';

export function HostPanel({ lab, target, facts }: PanelProps) {
  return (
    <div className="split">
      <section className="panel hosts">
        <h2>Host</h2>
        {facts ? <HostFactsPanel facts={facts} /> : <p className="muted">probing {target}…</p>}
      </section>
      <section className="panel terminal">
        <h2>
          Terminal <span className="muted">{target}</span>
        </h2>
        <TerminalPane lab={lab} target={target} />
      </section>
    </div>
  );
}
