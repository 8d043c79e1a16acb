import { showView } from '../../route';
import type { FieldError } from '../../../../shared/experiments/requestErrors';

/**
 * A refusal (or a hint before Run) beside the field it is about, in plain words. The one-node
 * refusal offers the way out: the NUMA box view, where a box with the nodes is booted.
 */
export function FieldNote({ note, testId, kind }: { note: FieldError; testId: string; kind: 'error' | 'hint' }) {
  return (
    <div className={`field-note field-note-${kind}`} role={kind === 'error' ? 'alert' : undefined} data-testid={testId}>
      <span>{note.text}</span>
      {note.needsNodes && (
        <button className="action small-button" data-testid={`${testId}-open-box`} onClick={() => showView('testbox')}>
          Open the NUMA box view
        </button>
      )}
    </div>
  );
}
