/**
 * The kernel's own description of a trace event (tracefs `events/<system>/<event>/format`) and
 * the text records `trace_pipe` prints for it. The printed keys are not the field names
 * (`nr_succeeded=` prints REC->succeeded) and differ between releases (6.7+ adds nr_split for
 * REC->large_folio_split), so records are read through the format's print fmt: its i-th
 * `key=%x` prints its i-th argument, and `__print_symbolic(REC->x, {0, "NAME"}, ...)` names the
 * values of an enum field.
 */

export interface EventField {
  name: string;
  type: string;
}

export interface PrintedKey {
  /** The key as printed (`nr_succeeded`). */
  key: string;
  /** The field it prints (`succeeded`). */
  field: string;
  /** For __print_symbolic arguments: printed name → the field's value. */
  symbols?: Record<string, number>;
}

export interface EventFormat {
  system: string;
  name: string;
  id: number;
  /** The event's own fields, without the common_* header. */
  fields: EventField[];
  printed: PrintedKey[];
}

export class FormatError extends Error {}

/** Splits a print fmt's argument list at its top-level commas. */
function splitArgs(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = false;
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quote) {
      cur += c;
      if (c === '\\') cur += s[++i] ?? '';
      else if (c === '"') quote = false;
      continue;
    }
    if (c === '"') quote = true;
    else if (c === '(' || c === '{') depth++;
    else if (c === ')' || c === '}') depth--;
    if (c === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

/** Parses a tracefs `format` file. `system` is the directory it came from (migrate). */
export function parseEventFormat(system: string, text: string): EventFormat {
  const name = /^name:\s*(\S+)/m.exec(text)?.[1];
  const id = /^ID:\s*(\d+)/m.exec(text)?.[1];
  if (!name || !id) throw new FormatError(`not a tracefs event format (no name: or ID: line): ${text.slice(0, 80)}`);
  const fields: EventField[] = [];
  for (const m of text.matchAll(/^\s*field:([^;]+);/gm)) {
    const decl = m[1]!.trim();
    const fm = /^(.*?)([A-Za-z_][A-Za-z0-9_]*)\s*(\[[^\]]*\])?$/.exec(decl);
    if (!fm) continue;
    const fieldName = fm[2]!;
    if (fieldName.startsWith('common_')) continue;
    fields.push({ name: fieldName, type: fm[1]!.trim() });
  }
  const pf = /^print fmt:\s*"((?:[^"\\]|\\.)*)"\s*,?(.*)$/m.exec(text);
  if (!pf) throw new FormatError(`${system}/${name}: the format has no print fmt line`);
  const keys = [...pf[1]!.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=%[-#0-9.]*[a-zA-Z]+/g)].map((m) => m[1]!);
  const args = splitArgs(pf[2]!);
  const printed: PrintedKey[] = keys.map((key, i) => {
    const arg = args[i] ?? '';
    const field = /REC->([A-Za-z_][A-Za-z0-9_]*)/.exec(arg)?.[1];
    if (!field) throw new FormatError(`${system}/${name}: printed key ${key} has no REC-> argument (${arg || 'none'})`);
    if (!/^__print_symbolic\s*\(/.test(arg)) return { key, field };
    const symbols: Record<string, number> = {};
    for (const s of arg.matchAll(/\{\s*(-?\d+)\s*,\s*"([^"]*)"\s*\}/g)) symbols[s[2]!] = Number(s[1]);
    return { key, field, symbols };
  });
  return { system, name, id: Number(id), fields, printed };
}

/** One record trace_pipe printed, with the task header (record-tgid on) and its fields by field name. */
export interface TraceRecord {
  comm: string;
  pid: number;
  /** The thread group (process) of the task; null when the kernel did not record it. */
  tgid: number | null;
  cpu: number;
  /** Trace clock seconds (the `mono` clock the lab sets: CLOCK_MONOTONIC). */
  ts: number;
  event: string;
  /** Numbers for numeric fields, the printed name for symbolic ones. */
  fields: Record<string, number | string>;
}

/** A trace_marker write: `tracing_mark_write: <text>`. */
export interface TraceMarker {
  ts: number;
  text: string;
}

export type TraceLine = { kind: 'record'; record: TraceRecord } | { kind: 'marker'; marker: TraceMarker } | { kind: 'other' } | { kind: 'malformed'; reason: string };

// "<comm>-<pid> (<tgid>) [cpu] <flags> <ts>: <event>: <body>"; comm may hold spaces and dashes.
const HEADER = /^\s*(.*)-(\d+)\s+(?:\(\s*(\d+|-+)\)\s+)?\[(\d+)\]\s+(?:\S+\s+)?(\d+\.\d+):\s+([A-Za-z0-9_]+):\s?(.*)$/;

/**
 * Reads one trace_pipe line. Records of events in `formats` are parsed through their print fmt;
 * a record that does not fit its format is `malformed` (with why), never half-read.
 */
export function parseTraceLine(line: string, formats: ReadonlyMap<string, EventFormat>): TraceLine {
  const m = HEADER.exec(line);
  if (!m) return line.trim() ? { kind: 'malformed', reason: `not a trace record: ${line.slice(0, 120)}` } : { kind: 'other' };
  const [, comm, pid, tgid, cpu, ts, event, body] = m;
  if (event === 'tracing_mark_write') return { kind: 'marker', marker: { ts: Number(ts), text: body!.trim() } };
  const fmt = formats.get(event!);
  if (!fmt) return { kind: 'other' };
  const fields: Record<string, number | string> = {};
  const pairs = new Map<string, string>();
  for (const p of body!.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=(\S*)/g)) pairs.set(p[1]!, p[2]!);
  for (const k of fmt.printed) {
    const raw = pairs.get(k.key);
    if (raw === undefined) return { kind: 'malformed', reason: `${event}: no ${k.key}= in "${body!.slice(0, 160)}"` };
    if (k.symbols) {
      if (!(raw in k.symbols) && !/^-?\d+$/.test(raw)) return { kind: 'malformed', reason: `${event}: ${k.key}=${raw} is none of ${Object.keys(k.symbols).join(', ')}` };
      fields[k.field] = raw;
    } else {
      const n = Number(raw);
      if (!/^-?(0x[0-9a-f]+|\d+)$/i.test(raw) || !Number.isFinite(n)) return { kind: 'malformed', reason: `${event}: ${k.key}=${raw} is not a number` };
      fields[k.field] = n;
    }
  }
  return {
    kind: 'record',
    record: { comm: comm!.trim(), pid: Number(pid), tgid: tgid && /^\d+$/.test(tgid) ? Number(tgid) : null, cpu: Number(cpu), ts: Number(ts), event: event!, fields },
  };
}
