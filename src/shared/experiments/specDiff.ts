/**
 * Two experiments' specs side by side, field by field, with what differs marked — the head of
 * mmtests' compare-kernels report, for the lab's specs: a comparison means little until the
 * reader knows whether A and B differ by the kernel, a knob or a parameter. Environment-free: the
 * Experiments view, the compare header and the HTML/PNG report all read the same rows.
 *
 * An ExperimentSummary (experiments.list / experiments.compare) is a SpecSide as it is.
 */
export interface SpecSide {
  target: string;
  workload: string;
  /** The kernel the run measured (null: it never reached the host). */
  kernel: string | null;
  /** The model it was predicted with (null: none, e.g. a custom command). */
  model?: string | null;
  /** Behaviour switches over the model's kernel (the patch under test). */
  behaviours?: Readonly<Record<string, string>>;
  params: Readonly<Record<string, string | number>>;
  /** The knobs the user asked for (absent: the host's own value). */
  knobs?: Readonly<Record<string, string>>;
  repeat?: number;
  rateHz?: number;
}

export type SpecGroup = 'run' | 'behaviour' | 'param' | 'knob';

export interface SpecRow {
  /** What the row is, as a reader names it: `kernel`, `param thps`, `knob thp.defrag`. */
  field: string;
  group: SpecGroup;
  /** The name within the group (`thps`, `thp.defrag`; the field itself for `run`). */
  name: string;
  /** The value on each side; ABSENT where that side has none (a knob left at the host's own). */
  a: string;
  b: string;
  differs: boolean;
}

/** What a side shows for a field it does not have. */
export const ABSENT = '—';

const text = (v: string | number | null | undefined): string => (v === null || v === undefined || v === '' ? ABSENT : String(v));

/**
 * Every field of either spec, in the order a kernel developer reads a comparison's head: where it
 * ran (target, kernel, model and its switches), what ran (workload, parameters), with which knobs,
 * and how it was sampled. Names within a group are sorted, so both sides line up.
 */
export function specDiff(a: SpecSide, b: SpecSide): SpecRow[] {
  const rows: SpecRow[] = [];
  const run = (name: string, va: string | number | null | undefined, vb: string | number | null | undefined) => {
    rows.push(row('run', name, name, text(va), text(vb)));
  };
  const group = (g: Exclude<SpecGroup, 'run'>, ra: Readonly<Record<string, string | number>> | undefined, rb: Readonly<Record<string, string | number>> | undefined) => {
    const names = [...new Set([...Object.keys(ra ?? {}), ...Object.keys(rb ?? {})])].sort();
    for (const n of names) rows.push(row(g, `${g} ${n}`, n, text(ra?.[n]), text(rb?.[n])));
  };
  run('target', a.target, b.target);
  run('kernel', a.kernel, b.kernel);
  if (a.model !== undefined || b.model !== undefined) run('model', a.model, b.model);
  group('behaviour', a.behaviours, b.behaviours);
  run('workload', a.workload, b.workload);
  group('param', a.params, b.params);
  group('knob', a.knobs, b.knobs);
  if (a.repeat !== undefined || b.repeat !== undefined) run('repeat', a.repeat, b.repeat);
  if (a.rateHz !== undefined || b.rateHz !== undefined) run('rate Hz', a.rateHz, b.rateHz);
  return rows;
}

function row(group: SpecGroup, field: string, name: string, a: string, b: string): SpecRow {
  return { field, group, name, a, b, differs: a !== b };
}

/** Only the fields that differ (what a picker or a list names beside B: "differs: knob thp.defrag"). */
export function differingFields(a: SpecSide, b: SpecSide): string[] {
  return specDiff(a, b)
    .filter((r) => r.differs)
    .map((r) => r.field);
}

/** One side's spec as words (`thps=8 thp.defrag=never`), for a list cell or an option label. */
export function specWords(side: Pick<SpecSide, 'params' | 'knobs' | 'behaviours'>): { params: string; knobs: string; behaviours: string } {
  const words = (r: Readonly<Record<string, string | number>> | undefined) =>
    Object.entries(r ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
  return { params: words(side.params), knobs: words(side.knobs), behaviours: words(side.behaviours) };
}
