import { useEffect, useMemo, useState } from 'react';
import type { LabApi } from '../../../../shared/api/labApi';
import type { CounterDesc } from '../../../../shared/telemetry/api';
import { CHARTED_FAMILIES, COUNTER_FAMILIES } from '../../../../shared/telemetry/catalog';
import { FAMILY_TITLES, pickerEntries, type ChartChoice } from '../../../../shared/telemetry/charts';

export interface CounterPickerProps {
  lab: LabApi;
  /** The host whose counters are listed (and whose chart choice this is). */
  host: string;
  charts: readonly ChartChoice[];
  onChange: (charts: ChartChoice[]) => void;
  onClose: () => void;
}

const SHOW = 150;

/**
 * Netdata-style counter picker: every counter the host has (vmstat, numastat per node, meminfo
 * per node, mTHP stats), searchable by name, unit, family and meaning; add or remove its chart.
 */
export function CounterPicker({ lab, host, charts, onChange, onClose }: CounterPickerProps) {
  const [counters, setCounters] = useState<CounterDesc[] | undefined>();
  const [source, setSource] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [q, setQ] = useState('');
  useEffect(() => {
    let gone = false;
    setCounters(undefined);
    lab.invoke('telemetry.counters', { target: host }).then(
      (r) => {
        if (gone) return;
        setCounters(r.counters);
        setSource(r.source);
      },
      (e: Error) => !gone && setError(e.message),
    );
    return () => {
      gone = true;
    };
  }, [lab, host]);
  const entries = useMemo(() => pickerEntries((counters ?? []).map((c) => c.name)), [counters]);
  const words = q.toLowerCase().split(/\s+/).filter(Boolean);
  const hits = entries.filter((e) => {
    const hay = `${e.choice} ${e.info.unit} ${e.info.kind} ${e.info.family} ${e.info.meaning}`.toLowerCase();
    return words.every((w) => hay.includes(w));
  });
  const has = (c: string) => charts.includes(c);
  const toggle = (c: string) => onChange(has(c) ? charts.filter((x) => x !== c) : [...charts, c]);
  return (
    <section className="panel telemetry-picker" data-testid="telemetry-picker">
      <div className="row">
        <h3>Charts for {host}</h3>
        <span className="muted small-inline">{counters ? `${entries.length} counters (${source === 'host' ? 'read from the host' : source === 'run' ? 'from its running sample' : 'host and running sample'})` : error ? '' : 'reading the host’s counters…'}</span>
        <span className="spacer" />
        <button onClick={() => onChange(CHARTED_FAMILIES.map((f) => `family:${f}`))} data-testid="telemetry-picker-defaults">
          defaults
        </button>
        <button onClick={onClose} data-testid="telemetry-picker-close">
          done
        </button>
      </div>
      <div className="row telemetry-families" role="group" aria-label="families">
        {COUNTER_FAMILIES.map((f) => (
          <button key={f} aria-pressed={has(`family:${f}`)} onClick={() => toggle(`family:${f}`)} data-testid={`picker-family-${f}`} title={`every ${FAMILY_TITLES[f]} counter that moved`}>
            {FAMILY_TITLES[f]}
          </button>
        ))}
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <input
        className="telemetry-picker-search"
        placeholder="search counters: name, unit, meaning (e.g. split pmd, migrat pages, node)"
        value={q}
        onChange={(e) => setQ(e.target.value)}
        data-testid="telemetry-picker-search"
        autoFocus
      />
      <ul className="telemetry-picker-list">
        {hits.slice(0, SHOW).map((e) => (
          <li key={e.choice} data-testid={`picker-item-${e.choice}`} className={has(e.choice) ? 'picked' : ''}>
            <button onClick={() => toggle(e.choice)} data-testid={`picker-toggle-${e.choice}`} aria-pressed={has(e.choice)}>
              {has(e.choice) ? 'remove' : 'add'}
            </button>
            <code>{e.choice}</code>
            <span className="picker-unit">{e.info.unit}</span>
            <span className="picker-kind" title={e.info.kindFrom === 'kernel' ? `the kernel's definition (${e.info.source})` : 'not in the kernel lists the lab knows: classified by what the run shows'}>
              {e.info.kind === 'gauge' ? 'level' : 'counter'}
              {e.info.kindFrom === 'inferred' ? ' (inferred)' : ''}
            </span>
            {e.nodes.length > 0 && <span className="muted">nodes {e.nodes.join(', ')}</span>}
            <span className="muted picker-meaning">{e.info.meaning}</span>
          </li>
        ))}
        {hits.length > SHOW && <li className="muted">… {hits.length - SHOW} more: narrow the search</li>}
        {counters && hits.length === 0 && <li className="muted">no counter matches</li>}
      </ul>
    </section>
  );
}
