import { z } from 'zod';
import { parseSysfsChoice } from '../sysfsChoice';
import { HPAGE_PMD_SIZE_PATH, KNOB_CATALOG, MTHP_DIR_RE, mthpKnobs, type KnobDef } from './catalog';

/** One knob as the lab shows it: the `knobs get --json` / `knobs.list` element. */
export const KnobStateSchema = z.object({
  id: z.string(),
  group: z.enum(['thp', 'mthp', 'khugepaged', 'numa', 'tiering']),
  meaning: z.string(),
  unit: z.string().nullable(),
  /** The file it lives in on this host (or the newest-era candidate when absent). */
  path: z.string(),
  era: z.string().nullable(),
  present: z.boolean(),
  /** Why it is absent (not in this kernel, debugfs not mounted…); null when present. */
  absentReason: z.string().nullable(),
  /** The selected value (for a choice knob, the bracketed word); null when absent or unreadable. */
  current: z.string().nullable(),
  /** The file's text as the kernel printed it. */
  raw: z.string().nullable(),
  /** The errno text when the file exists but cannot be read (e.g. debugfs under lockdown). */
  readError: z.string().nullable(),
  /** The value before the lab first changed it, while that change is not restored. */
  original: z.string().nullable(),
  allowed: z.array(z.string()).nullable(),
  range: z.object({ min: z.number(), max: z.number(), note: z.string().nullable() }).nullable(),
});
export type KnobState = z.infer<typeof KnobStateSchema>;

export const DebugfsStateSchema = z.enum(['mounted', 'mounted-by-lab', 'not-mounted', 'mount-failed', 'no-debugfs']);
export type DebugfsState = z.infer<typeof DebugfsStateSchema>;

export const HostKnobsSchema = z.object({
  target: z.string(),
  kernelRelease: z.string(),
  debugfs: DebugfsStateSchema,
  debugfsNote: z.string().nullable(),
  knobs: z.array(KnobStateSchema),
  readAt: z.string(),
});
export type HostKnobs = z.infer<typeof HostKnobsSchema>;

/** One file as the probe saw it. */
export type FileRead = { kind: 'absent' } | { kind: 'value'; text: string } | { kind: 'error'; message: string };

export interface KnobProbe {
  release: string;
  debugfs: DebugfsState;
  debugfsNote: string | null;
  mthpSizesKb: number[];
  files: Map<string, FileRead>;
}

/**
 * The probe's output: one line per file, tab-separated, so a single `cat` per file is all the host
 * runs (busybox-safe). `V path value` / `E path errno-text` / `A path`, plus `@release`, `@debugfs`,
 * `@mthp <dir>` header lines and a closing `@end`.
 */
export function parseKnobProbe(text: string): KnobProbe {
  const files = new Map<string, FileRead>();
  const out: KnobProbe = { release: '', debugfs: 'no-debugfs', debugfsNote: null, mthpSizesKb: [], files };
  let ended = false;
  for (const line of text.split(/\r?\n/)) {
    const [tag, a = '', ...rest] = line.split('\t');
    const b = rest.join('\t');
    if (tag === 'V') files.set(a, { kind: 'value', text: b.trim() });
    else if (tag === 'E') files.set(a, { kind: 'error', message: errnoText(b) });
    else if (tag === 'A') files.set(a, { kind: 'absent' });
    else if (tag === '@release') out.release = a.trim();
    else if (tag === '@debugfs') {
      const s = DebugfsStateSchema.safeParse(a.trim());
      out.debugfs = s.success ? s.data : 'no-debugfs';
      out.debugfsNote = b.trim() ? errnoText(b) : null;
    } else if (tag === '@mthp') {
      const m = MTHP_DIR_RE.exec(a.trim());
      if (m) out.mthpSizesKb.push(Number(m[1]));
    } else if (tag === '@end') ended = true;
  }
  if (!ended) throw new Error(`the knob probe output is incomplete (no @end marker); got ${text.length} bytes`);
  return out;
}

/** `cat: /x: Operation not permitted` → `Operation not permitted` (what strerror printed). */
export function errnoText(shellMessage: string): string {
  const t = shellMessage.trim().split('\n').filter(Boolean).pop() ?? '';
  const i = t.lastIndexOf(': ');
  return i >= 0 ? t.slice(i + 2).trim() : t;
}

const ERRNO_NAMES: Record<string, string> = {
  'Invalid argument': 'EINVAL',
  'Operation not permitted': 'EPERM',
  'Permission denied': 'EACCES',
  'Read-only file system': 'EROFS',
  'Device or resource busy': 'EBUSY',
  'No such file or directory': 'ENOENT',
  'No such device': 'ENODEV',
  'Numerical result out of range': 'ERANGE',
  'Operation not supported': 'EOPNOTSUPP',
  'Input/output error': 'EIO',
};
/** The errno name for strerror text, when it is one the kernel's knob handlers return. */
export function errnoName(text: string): string | null {
  return ERRNO_NAMES[text] ?? null;
}

/** [major, minor] of a kernel release such as `6.18.44-fc`; [0, 0] when unreadable. */
export function kernelMajorMinor(release: string): [number, number] {
  const m = /^(\d+)\.(\d+)/.exec(release);
  return m ? [Number(m[1]), Number(m[2])] : [0, 0];
}
const atLeast = (release: string, major: number, minor: number) => {
  const [a, b] = kernelMajorMinor(release);
  return a > major || (a === major && b >= minor);
};

/** The knobs a host can have: the fixed catalog plus one pair per mTHP size it reported. */
export function hostKnobDefs(probe: Pick<KnobProbe, 'mthpSizesKb'>): KnobDef[] {
  return [...KNOB_CATALOG, ...mthpKnobs(probe.mthpSizesKb)];
}

/** Turns the probe into knob states; `originals` are the journal's unrestored values by id. */
export function resolveKnobs(probe: KnobProbe, originals: ReadonlyMap<string, string> = new Map(), defs = hostKnobDefs(probe)): KnobState[] {
  const pmd = probe.files.get(HPAGE_PMD_SIZE_PATH);
  const pmdNr = pmd?.kind === 'value' && /^\d+$/.test(pmd.text) ? Number(pmd.text) / 4096 : undefined;
  return defs.map((def) => {
    const loc = def.locations.find((l) => {
      const r = probe.files.get(l.path);
      return r !== undefined && r.kind !== 'absent';
    });
    const base = {
      id: def.id,
      group: def.group,
      meaning: def.meaning,
      unit: def.unit ?? null,
      original: originals.get(def.id) ?? null,
    };
    if (!loc) {
      return {
        ...base,
        path: def.locations[0].path,
        era: null,
        present: false,
        absentReason: absentReason(def, probe),
        current: null,
        raw: null,
        readError: null,
        allowed: null,
        range: null,
      };
    }
    const read = probe.files.get(loc.path)!;
    const raw = read.kind === 'value' ? read.text : null;
    let current: string | null = null;
    let allowed: string[] | null = null;
    let range: KnobState['range'] = null;
    let readError = read.kind === 'error' ? read.message : null;
    if (def.value.kind === 'choice') {
      if (def.value.fixed) {
        allowed = def.value.fixed;
        current = raw;
      } else if (raw !== null) {
        const c = parseSysfsChoice(raw);
        if (c) ({ selected: current, allowed } = c);
        else readError = `the kernel printed ${JSON.stringify(raw)}, not a bracketed choice list`;
      }
    } else {
      let max = def.value.max;
      if (def.value.maxFromPmd && pmdNr) max = pmdNr - 1;
      if (def.id === 'numa.balancing' && !atLeast(probe.release, 5, 18)) max = 1;
      range = { min: def.value.min, max, note: def.value.rangeNote ?? null };
      if (raw !== null) {
        if (/^-?\d+$/.test(raw)) current = raw;
        else readError = `the kernel printed ${JSON.stringify(raw)}, not a number`;
      }
    }
    return { ...base, path: loc.path, era: loc.era, present: true, absentReason: null, current, raw, readError, allowed, range };
  });
}

function absentReason(def: KnobDef, probe: KnobProbe): string {
  if (def.locations.some((l) => l.debugfs) && probe.debugfs !== 'mounted' && probe.debugfs !== 'mounted-by-lab' && atLeast(probe.release, 5, 13)) {
    const why =
      probe.debugfs === 'mount-failed'
        ? `mounting it failed: ${probe.debugfsNote ?? 'unknown error'}`
        : probe.debugfs === 'no-debugfs'
          ? 'this kernel has no debugfs'
          : 'mounting it was not allowed (setting knobs.mountDebugfs)';
      return `this kernel keeps it in debugfs, which is not mounted at /sys/kernel/debug (${why})`;
  }
  if (def.group === 'mthp' && probe.mthpSizesKb.length) return `this kernel offers no ${def.locations[0].path.split('/').pop()} for this size`;
  return `not in this kernel (${probe.release || 'unknown release'})${def.since ? `; added in ${def.since}` : ''}`;
}

export type ValidationResult = { ok: true; value: string } | { ok: false; message: string };

/** Checks a requested value against what the kernel printed (choices) or the documented range. */
export function validateKnobValue(k: KnobState, rawValue: string): ValidationResult {
  const value = rawValue.trim();
  if (!k.present) return { ok: false, message: `${k.id} is absent on this host: ${k.absentReason}` };
  if (k.current === null) return { ok: false, message: `${k.id} cannot be read (${k.readError ?? 'unknown'}), so it could not be restored; refusing to write it` };
  if (k.allowed) {
    if (k.allowed.includes(value)) return { ok: true, value };
    return { ok: false, message: `${k.id}: ${JSON.stringify(rawValue)} is not allowed; allowed: ${k.allowed.join(' ')}` };
  }
  if (k.range) {
    const where = `allowed: ${k.range.min}..${k.range.max}${k.range.note ? ` (${k.range.note})` : ''}`;
    if (!/^\d{1,10}$/.test(value)) return { ok: false, message: `${k.id}: ${JSON.stringify(rawValue)} is not a whole number; ${where}` };
    const n = Number(value);
    if (n < k.range.min || n > k.range.max) return { ok: false, message: `${k.id}: ${value} is out of range; ${where}` };
    return { ok: true, value: String(n) };
  }
  return { ok: false, message: `${k.id} has no known allowed values` };
}

export interface ValidatedWrite {
  id: string;
  path: string;
  value: string;
  previous: string;
}

/**
 * Validates a whole request against the host's knob states. Either every value is valid (and the
 * writes come back with the catalog's paths) or nothing is: the errors name every bad entry.
 */
export function validateKnobRequest(states: KnobState[], values: Record<string, string>): { ok: true; writes: ValidatedWrite[] } | { ok: false; errors: string[] } {
  const byId = new Map(states.map((s) => [s.id, s]));
  const errors: string[] = [];
  const writes: ValidatedWrite[] = [];
  const ids = Object.keys(values);
  if (ids.length === 0) errors.push('no knob given; write id=value, e.g. thp.enabled=always');
  for (const id of ids) {
    const k = byId.get(id);
    if (!k) {
      errors.push(`unknown knob ${JSON.stringify(id)}; known here: ${states.map((s) => s.id).join(', ')}`);
      continue;
    }
    const v = validateKnobValue(k, values[id]);
    if (!v.ok) errors.push(v.message);
    else writes.push({ id, path: k.path, value: v.value, previous: k.current! });
  }
  return errors.length ? { ok: false, errors } : { ok: true, writes };
}
