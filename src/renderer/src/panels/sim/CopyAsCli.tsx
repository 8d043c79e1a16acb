import { useRef, useState } from 'react';

/**
 * "Copy as CLI": the lines put on the clipboard where the browser allows it (a secure context:
 * Electron, localhost), and always shown in a read-only field to select and copy by hand.
 */
export function CopyAsCli({ lines, testId, title = 'the numa-lab command line that predicts the same' }: { lines: readonly string[]; testId: string; title?: string }) {
  const [shown, setShown] = useState(false);
  const [status, setStatus] = useState('');
  const field = useRef<HTMLTextAreaElement>(null);
  const text = lines.join('\n');
  const copy = async () => {
    setShown(true);
    try {
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(text);
      setStatus(lines.length > 1 ? `copied (${lines.length} lines: one per kernel)` : 'copied');
    } catch {
      setStatus('the clipboard is not available here: select the line and copy it');
    }
    requestAnimationFrame(() => field.current?.select());
  };
  return (
    <div className="copy-cli">
      <button className="action" data-testid={testId} title={title} onClick={() => void copy()}>
        Copy as CLI
      </button>
      {shown && (
        <>
          <textarea
            ref={field}
            readOnly
            className="cli-line"
            data-testid={`${testId}-line`}
            value={text}
            rows={lines.length}
            spellCheck={false}
            aria-label="command line"
            onFocus={(e) => e.currentTarget.select()}
          />
          <span className="muted small-inline" data-testid={`${testId}-status`}>
            {status}
          </span>
        </>
      )}
    </div>
  );
}
