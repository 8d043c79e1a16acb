import type { LabResult } from '../../../../shared/api/labApi';
import { ABSENT, specDiff } from '../../../../shared/experiments/specDiff';
import { verdictTone } from './Headline';

type Summary = LabResult<'experiments.list'>[number];

/** One `name=value` word; marked when it is what A and B differ by. */
function Word({ name, value, differs }: { name: string; value: string; differs: boolean }) {
  return <span className={differs ? 'spec-word spec-differs' : 'spec-word'} title={differs ? 'differs between A and B' : undefined}>{`${name}=${value}`}</span>;
}

/**
 * Every experiment with its spec: target, the kernel it measured, the model, the workload and its
 * parameters, the knobs asked for. The compared pair is marked A and B, and in their rows what
 * differs between them is highlighted (a knob the other side sets is shown as the host's own).
 */
export function ExperimentList({ list, openId, pair, onOpen }: { list: readonly Summary[]; openId?: number; pair: { a?: number; b?: number }; onOpen: (id: number) => void }) {
  const a = list.find((x) => x.id === pair.a);
  const b = list.find((x) => x.id === pair.b);
  const differs = new Set(a && b ? specDiff(a, b).filter((r) => r.differs).map((r) => r.field) : []);
  const mark = (x: Summary) => (x.id === a?.id && x.id === b?.id ? 'A B' : x.id === a?.id ? 'A' : x.id === b?.id ? 'B' : '');
  return (
    <table className="deltas exp-list" data-testid="exp-list">
      <thead>
        <tr>
          <th>id</th>
          <th title="the compared pair">cmp</th>
          <th>target</th>
          <th>kernel</th>
          <th>model</th>
          <th>workload and parameters</th>
          <th>knobs</th>
          <th>status</th>
          <th>verdict</th>
        </tr>
      </thead>
      <tbody>
        {list.map((x) => {
          const inPair = mark(x) !== '';
          const hot = (field: string) => inPair && differs.has(field);
          const other = x.id === a?.id ? b : a;
          // A knob only the other side of the pair sets: this side ran with the host's own value.
          const missingKnobs = inPair && other ? Object.keys(other.knobs ?? {}).filter((k) => !(k in (x.knobs ?? {})) && differs.has(`knob ${k}`)) : [];
          const behaviours = Object.entries(x.behaviours ?? {});
          return (
            <tr key={x.id} className={`clickable${x.id === openId ? ' open-row' : ''}${inPair ? ' pair-row' : ''}`} data-testid={`exp-row-${x.id}`} onClick={() => onOpen(x.id)}>
              <td>{x.id}</td>
              <td className="pair-mark" data-testid={`exp-row-mark-${x.id}`}>
                {mark(x)}
              </td>
              <td className={hot('target') ? 'spec-differs' : ''}>{x.target}</td>
              <td className={hot('kernel') ? 'spec-differs' : ''}>{x.kernel ?? ABSENT}</td>
              <td className={hot('model') || behaviours.some(([k]) => hot(`behaviour ${k}`)) ? 'spec-differs' : ''}>
                {x.model ?? ABSENT}
                {behaviours.length > 0 && <span className="changed-switches"> {behaviours.map(([k, v]) => `${k}=${v}`).join(' ')}</span>}
              </td>
              <td>
                <span className={hot('workload') ? 'spec-differs' : ''}>{x.workload}</span>{' '}
                {Object.entries(x.params).map(([k, v]) => (
                  <Word key={k} name={k} value={v} differs={hot(`param ${k}`)} />
                ))}
              </td>
              <td data-testid={`exp-row-knobs-${x.id}`}>
                {Object.entries(x.knobs ?? {}).map(([k, v]) => (
                  <Word key={k} name={k} value={v} differs={hot(`knob ${k}`)} />
                ))}
                {missingKnobs.map((k) => (
                  <span key={k} className="spec-word spec-differs spec-absent" title="the other side sets it; this run left the host's own value">{`${k}=(host's)`}</span>
                ))}
                {!Object.keys(x.knobs ?? {}).length && !missingKnobs.length ? ABSENT : null}
              </td>
              <td>{x.status}</td>
              <td className={`tone-${verdictTone(x.verdict)}`}>{x.verdict ?? (x.diverged === null ? ABSENT : x.diverged ? 'diverged' : 'compared')}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
