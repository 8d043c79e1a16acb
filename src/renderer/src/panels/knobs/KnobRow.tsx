import type { KnobState } from '../../../../shared/knobs';
import { allowedText, type StagedValue } from './staging';

/**
 * One knob: its id and the file it lives in, the current value (and the original while the lab
 * holds a change), a control that only stages, and what the kernel allows. Nothing here writes.
 */
export function KnobRow({ k, staged, conflict, disabled, onStage }: { k: KnobState; staged: StagedValue | undefined; conflict: boolean; disabled: boolean; onStage: (k: KnobState, v: string) => void }) {
  const changed = k.original !== null && k.original !== k.current;
  const shown = staged?.value ?? k.current ?? '';
  const cls = [changed ? 'changed' : '', k.present ? '' : 'absent', staged ? 'staged' : '', conflict ? 'conflict' : ''].filter(Boolean).join(' ');
  return (
    <tr data-testid={`knob-${k.id}`} className={cls} title={k.meaning}>
      <td className="knob-id">
        {k.id}
        <div className="knob-path" data-testid={`knob-path-${k.id}`}>
          <PathWithBreaks path={k.path} />
        </div>
      </td>
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
            <select data-testid={`knob-input-${k.id}`} aria-label={`${k.id} (staged until Apply)`} value={shown} disabled={disabled} onChange={(e) => onStage(k, e.target.value)}>
              {/* A staged value the kernel no longer offers stays selectable, so the select does not lie about what is staged. */}
              {(k.allowed.includes(shown) ? k.allowed : [...k.allowed, shown]).map((a) => (
                <option key={a} value={a}>
                  {a}
                </option>
              ))}
            </select>
          ) : (
            <input
              data-testid={`knob-input-${k.id}`}
              aria-label={`${k.id} (staged until Apply)`}
              className="knob-number"
              value={shown}
              disabled={disabled}
              onChange={(e) => onStage(k, e.target.value)}
              inputMode="numeric"
            />
          )
        ) : (
          <span className="muted knob-why">{k.present ? 'cannot be read, so not writable' : k.absentReason}</span>
        )}
        {staged && (
          <span className="knob-staged-mark" data-testid={`knob-staged-${k.id}`}>
            {conflict ? 'conflict' : 'staged'}
          </span>
        )}
      </td>
      <td className="muted knob-allowed">{k.present && k.current !== null ? allowedText(k) : ''}</td>
    </tr>
  );
}

/** A path that wraps only after a slash, never inside a file name. */
export function PathWithBreaks({ path }: { path: string }) {
  const parts = path.split('/');
  return (
    <>
      {parts.map((p, i) => (
        <span key={i}>
          {p}
          {i < parts.length - 1 ? '/' : ''}
          {i < parts.length - 1 && <wbr />}
        </span>
      ))}
    </>
  );
}
