import { useEffect, useRef, useState } from 'react';
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import type { LabApi } from '../../../shared/api/labApi';

/**
 * A real shell on the host in xterm.js. This pty is the user's alone: the lab's own commands
 * run on separate channels, so they never appear here.
 */
export function TerminalPane({ lab, target }: { lab: LabApi; target: string }) {
  const box = useRef<HTMLDivElement>(null);
  const [status, setStatus] = useState('connecting…');

  useEffect(() => {
    const term = new Terminal({ fontSize: 13, cursorBlink: true, convertEol: false, scrollback: 5000, theme: { background: '#0d1117' } });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(box.current!);
    fit.fit();
    let id: string | undefined;
    let disposed = false;
    const offOut = lab.on('terminal.output', (p) => {
      if (p.terminalId === id) term.write(p.data);
    });
    const offExit = lab.on('terminal.exit', (p) => {
      if (p.terminalId === id) setStatus(`the terminal on ${target} ended: ${p.reason}`);
    });
    lab.invoke('terminal.open', { target, cols: term.cols, rows: term.rows }).then(
      (r) => {
        if (disposed) return void lab.invoke('terminal.close', { terminalId: r.terminalId });
        id = r.terminalId;
        setStatus('');
        term.focus();
      },
      (e: Error) => {
        if (!disposed) setStatus(`could not open a terminal on ${target}: ${e.message}`);
      },
    );
    const onInput = term.onData((data) => {
      if (id) void lab.invoke('terminal.input', { terminalId: id, data });
    });
    const ro = new ResizeObserver(() => {
      fit.fit();
      if (id) void lab.invoke('terminal.resize', { terminalId: id, cols: term.cols, rows: term.rows });
    });
    ro.observe(box.current!);
    return () => {
      disposed = true;
      ro.disconnect();
      onInput.dispose();
      offOut();
      offExit();
      if (id) void lab.invoke('terminal.close', { terminalId: id });
      term.dispose();
    };
  }, [lab, target]);

  return (
    <div className="terminal-wrap">
      {status && (
        <div className="muted terminal-status" data-testid="terminal-status">
          {status}
        </div>
      )}
      <div className="terminal-box" ref={box} data-testid="terminal" />
    </div>
  );
}
