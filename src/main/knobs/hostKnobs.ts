import {
  catalogPaths,
  DEBUGFS_MOUNT,
  errnoName,
  errnoText,
  HPAGE_PMD_SIZE_PATH,
  parseKnobProbe,
  THP_SYSFS_DIR,
  type KnobProbe,
  type ValidatedWrite,
} from '../../shared/knobs';
import type { KnobWriteResult } from '../../shared/knobs/api';
import { shQuote } from '../hosts/shQuote';
import type { HostSession } from '../hosts/hostSession';

/**
 * The host side of the knobs: one probe script that reads every catalog file in one round trip
 * over the command channel, and one write script per batch. Paths come only from the catalog
 * (src/shared/knobs/catalog.ts) or from mTHP directory names the host itself listed; values were
 * validated against what the kernel printed before they get here, and both are single-quoted.
 */

/** `k FILE`: one tab-separated line saying whether FILE is absent, its value, or the read's errno text. */
const READ_FN = `k() { if [ ! -e "$1" ]; then printf 'A\\t%s\\n' "$1"; elif v=$(cat "$1" 2>&1); then printf 'V\\t%s\\t%s\\n' "$1" "$(printf '%s' "$v" | tr '\\n' ' ')"; else printf 'E\\t%s\\t%s\\n' "$1" "$(printf '%s' "$v" | tr '\\n' ' ')"; fi; }`;

export function knobProbeScript(opts: { mountDebugfs: boolean; paths?: string[] }): string {
  const d = shQuote(DEBUGFS_MOUNT);
  return [
    READ_FN,
    `printf '@release\\t%s\\n' "$(uname -r)"`,
    // The scan tunables live in debugfs on 5.13+; mount it only when the lab is allowed to.
    `if ! grep -qw debugfs /proc/filesystems 2>/dev/null; then printf '@debugfs\\tno-debugfs\\n'`,
    `elif grep -qs " "${d}" debugfs " /proc/mounts; then printf '@debugfs\\tmounted\\n'`,
    opts.mountDebugfs
      ? `elif m=$(mount -t debugfs debugfs ${d} 2>&1); then printf '@debugfs\\tmounted-by-lab\\n'; else printf '@debugfs\\tmount-failed\\t%s\\n' "$(printf '%s' "$m" | tr '\\n' ' ')"`
      : `else printf '@debugfs\\tnot-mounted\\n'`,
    'fi',
    `for x in ${shQuote(THP_SYSFS_DIR)}/hugepages-*kB; do [ -d "$x" ] || continue; printf '@mthp\\t%s\\n' "\${x##*/}"; k "$x/enabled"; k "$x/shmem_enabled"; done`,
    ...[HPAGE_PMD_SIZE_PATH, ...(opts.paths ?? catalogPaths())].map((p) => `k ${shQuote(p)}`),
    `printf '@end\\n'`,
  ].join('\n');
}

export async function probeKnobs(session: HostSession, opts: { mountDebugfs: boolean; paths?: string[] }): Promise<KnobProbe> {
  const r = await session.exec(knobProbeScript(opts), { timeoutMs: 20000 });
  return parseKnobProbe(r.stdout);
}

/**
 * `w FILE VALUE`: writes VALUE (printf '%s', no newline) to FILE and re-reads it. The bytes go
 * through `dd of=FILE conv=notrunc` rather than a shell redirect because dash's printf reports
 * every failed write as "I/O error" and busybox's reports nothing, while dd (coreutils and
 * busybox alike) prints the kernel's errno text: "Invalid argument", "Operation not permitted".
 */
const WRITE_FN = `w() { if [ ! -e "$1" ]; then printf 'W\\t%s\\terr\\tNo such file or directory\\n' "$1"; return; fi; if e=$(printf '%s' "$2" | dd of="$1" conv=notrunc 2>&1); then printf 'W\\t%s\\tok\\n' "$1"; else printf 'W\\t%s\\terr\\t%s\\n' "$1" "$(printf '%s' "$e" | head -n 1)"; fi; k "$1"; }`;

export function knobWriteScript(writes: Pick<ValidatedWrite, 'path' | 'value'>[]): string {
  for (const w of writes) {
    if (!/^\/(sys|proc)\/[A-Za-z0-9_./+-]+$/.test(w.path) || w.path.includes('..')) throw new Error(`refusing to write outside /sys and /proc: ${w.path}`);
    if (!/^[A-Za-z0-9_+.-]{1,64}$/.test(w.value)) throw new Error(`refusing a knob value outside [A-Za-z0-9_+.-]: ${JSON.stringify(w.value)}`);
  }
  return [READ_FN, WRITE_FN, ...writes.map((w) => `w ${shQuote(w.path)} ${shQuote(w.value)}`), `printf '@end\\n'`].join('\n');
}

export interface RawWriteOutcome {
  path: string;
  ok: boolean;
  error: string | null;
  /** What the file holds after the write (the raw text), or null if unreadable. */
  afterRaw: string | null;
}

export function parseWriteOutput(text: string): Map<string, RawWriteOutcome> {
  const out = new Map<string, RawWriteOutcome>();
  let ended = false;
  for (const line of text.split(/\r?\n/)) {
    const [tag, path = '', status = '', ...rest] = line.split('\t');
    if (tag === 'W') out.set(path, { path, ok: status === 'ok', error: status === 'ok' ? null : errnoText(rest.join('\t')), afterRaw: null });
    else if (tag === 'V' && out.has(path)) out.get(path)!.afterRaw = status.trim();
    else if (tag === '@end') ended = true;
  }
  if (!ended) throw new Error(`the knob write output is incomplete (no @end marker); got ${text.length} bytes`);
  return out;
}

/**
 * Runs the writes in the order given (callers pass the safe order) in one round trip. Knobs need
 * root: on a host where the login user is not root the writes go through its sudo channel
 * (HostSession.execAsRoot), and nothing else does.
 */
export async function writeKnobFiles(session: HostSession, writes: Pick<ValidatedWrite, 'path' | 'value'>[]): Promise<Map<string, RawWriteOutcome>> {
  if (!writes.length) return new Map();
  const r = await session.execAsRoot(knobWriteScript(writes), { timeoutMs: 20000 });
  return parseWriteOutput(r.stdout);
}

export function writeResult(w: ValidatedWrite, o: RawWriteOutcome | undefined, after: string | null): KnobWriteResult {
  const error = o ? o.error : 'the host did not report this write';
  return {
    id: w.id,
    path: w.path,
    requested: w.value,
    before: w.previous,
    after,
    ok: !!o?.ok,
    errno: error ? errnoName(error) : null,
    error,
  };
}
