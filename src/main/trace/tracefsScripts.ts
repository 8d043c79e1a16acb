import { parseEventFormat, type EventFormat } from '../../shared/trace/eventFormat';

/**
 * The shell the lab runs as root on a host to trace migrate_pages(). Everything happens in a
 * tracefs instance of the capture's own (`instances/numa-lab-<nonce>`): its ring buffer, clock,
 * options and event switches are its own, so a user's trace-cmd or perf session in the
 * top-level buffer is never touched, two labs tracing one host do not meet, and removing the
 * instance puts every one of them back at once. Only fixed paths and the lab's own integers and
 * nonces go into these scripts.
 */
const SAFE_PATH = /^\/[A-Za-z0-9._/-]+$/;
export const INSTANCE_PREFIX = 'numa-lab-';
const INSTANCE_NAME = /^numa-lab-[0-9a-f]{6,16}$/;

function instancePath(tracefs: string, instance: string): string {
  if (!SAFE_PATH.test(tracefs)) throw new Error(`not a tracefs path: ${tracefs}`);
  if (!INSTANCE_NAME.test(instance)) throw new Error(`not an instance name the lab makes: ${instance}`);
  return `${tracefs}/instances/${instance}`;
}
/** The events the lab enables, where the kernel has them (mm_migrate_pages_start: 5.16+). */
export const TRACE_EVENTS = ['mm_migrate_pages', 'mm_migrate_pages_start'] as const;
/** Per CPU: ~60 000 mm_migrate_pages records, a NUMA-balancing burst with room to spare. */
export const BUFFER_KB = 4096;

const PROBE = `T=/sys/kernel/tracing
if [ ! -d "$T/instances" ]; then
  if [ -d /sys/kernel/debug/tracing/instances ]; then T=/sys/kernel/debug/tracing
  elif ! mount -t tracefs nodev "$T" 2>/tmp/numalab-tracefs.err; then echo "NOTRACEFS cannot mount tracefs at $T: $(cat /tmp/numalab-tracefs.err 2>/dev/null)"; rm -f /tmp/numalab-tracefs.err; exit 0; fi
  rm -f /tmp/numalab-tracefs.err
fi
[ -d "$T/instances" ] || { echo "NOTRACEFS $T has no instances directory (a kernel without CONFIG_TRACING instances)"; exit 0; }
echo "TRACEFS $T"
[ -d "$T/events/migrate/mm_migrate_pages" ] || { echo "NOEVENT the kernel has no migrate:mm_migrate_pages event (CONFIG_MIGRATION off?)"; exit 0; }
for e in ${TRACE_EVENTS.join(' ')}; do
  if [ -r "$T/events/migrate/$e/format" ]; then echo "FORMAT $e"; cat "$T/events/migrate/$e/format"; echo "ENDFORMAT"; fi
done
for i in "$T"/instances/${INSTANCE_PREFIX}*; do [ -d "$i" ] && echo "LEFT \${i##*/}"; done
echo DONE`;

export function probeScript(): string {
  return PROBE;
}

export type TracefsProbe =
  | { ok: true; tracefs: string; formats: Map<string, EventFormat>; left: string[] }
  | { ok: false; reason: string };

export function parseProbe(out: string): TracefsProbe {
  const no = /^(NOTRACEFS|NOEVENT) (.*)$/m.exec(out);
  if (no) return { ok: false, reason: no[2]!.trim() };
  const tracefs = /^TRACEFS (\/\S+)$/m.exec(out)?.[1];
  if (!tracefs || !/^DONE$/m.test(out)) return { ok: false, reason: `the tracefs probe printed no answer: ${out.trim().slice(0, 200) || '(nothing)'}` };
  const formats = new Map<string, EventFormat>();
  for (const m of out.matchAll(/^FORMAT (\S+)\n([\s\S]*?)\nENDFORMAT$/gm)) formats.set(m[1]!, parseEventFormat('migrate', m[2]!));
  if (!formats.has('mm_migrate_pages')) return { ok: false, reason: 'migrate:mm_migrate_pages has no readable format file' };
  return { ok: true, tracefs, formats, left: [...out.matchAll(/^LEFT (\S+)$/gm)].map((m) => m[1]!) };
}

/** The files the lab sets in its instance, in the order it sets them, with the value it writes. */
export function instanceSettings(events: readonly string[]): Array<[file: string, value: string]> {
  return [
    // CLOCK_MONOTONIC: the clock the C sampler stamps frames with, so a call lands on the run's clock.
    ['trace_clock', 'mono'],
    ['buffer_size_kb', String(BUFFER_KB)],
    // Each record says which process (thread group) made the call, not only which thread.
    ['options/record-tgid', '1'],
    ...events.map((e) => [`events/migrate/${e}/enable`, '1'] as [string, string]),
    ['tracing_on', '1'],
  ];
}

/**
 * Makes the instance, prints the value each setting held before it is written (`ORIG file
 * value`), writes them, starts the reader (a `cat` of trace_pipe detached from every channel,
 * like the workloads: the virtual box's two channel ports are the lab's and the sampler's)
 * writing to a private folder, and writes the begin marker.
 */
export function setupScript(tracefs: string, instance: string, events: readonly string[], nonce: string): string {
  const I = instancePath(tracefs, instance);
  const lines = [
    `I=${I}`,
    'mkdir "$I" || { echo "MKDIRFAIL"; exit 0; }',
    ...instanceSettings(events).flatMap(([f, v]) => [
      `printf 'ORIG %s %s\\n' ${f} "$(tr '\\n' ' ' < "$I/${f}" 2>/dev/null)"`,
      `echo ${v} > "$I/${f}" 2>/dev/null || echo "SETFAIL ${f}"`,
    ]),
    'D=$(mktemp -d /tmp/numalab-trace.XXXXXX) || { echo "MKTEMPFAIL"; exit 0; }',
    `setsid sh -c 'echo $$ > "$1/pid"; exec cat "$2/trace_pipe" > "$1/trace"' sh "$D" "$I" >/dev/null 2>&1 </dev/null &`,
    'i=0; while [ ! -s "$D/pid" ] && [ $i -lt 300 ]; do sleep 0.01; i=$((i+1)); done',
    `echo "numalab begin ${nonce}" > "$I/trace_marker"`,
    'echo "READER $(cat "$D/pid") $D"',
  ];
  return lines.join('\n');
}

export interface SetupResult {
  originals: Record<string, string>;
  failed: string[];
  readerPid: number | null;
  readerDir: string | null;
  error: string | null;
}

export function parseSetup(out: string): SetupResult {
  const originals: Record<string, string> = {};
  for (const m of out.matchAll(/^ORIG (\S+) ?(.*)$/gm)) originals[m[1]!] = m[2]!.trim();
  const failed = [...out.matchAll(/^SETFAIL (\S+)$/gm)].map((m) => m[1]!);
  const reader = /^READER (\d+) (\/tmp\/numalab-trace\.[A-Za-z0-9]+)$/m.exec(out);
  const error = /^MKDIRFAIL$/m.test(out) ? 'could not make the tracefs instance' : /^MKTEMPFAIL$/m.test(out) ? 'could not make a folder in /tmp for the trace' : !reader ? `the trace reader did not start: ${out.trim().slice(-200)}` : null;
  return { originals, failed, readerPid: reader ? Number(reader[1]) : null, readerDir: reader?.[2] ?? null, error };
}

/** The value a setting is put back to: the number a buffer size held (`7 (expanded: 1408)` → 1408), a clock's selected name. */
export function restoreValue(file: string, original: string): string | null {
  if (file === 'buffer_size_kb') return /expanded:\s*(\d+)/.exec(original)?.[1] ?? /^(\d+)/.exec(original)?.[1] ?? null;
  if (file === 'trace_clock') return /\[([a-z0-9_-]+)\]/.exec(original)?.[1] ?? null;
  return /^[0-9]+$/.test(original.trim()) ? original.trim() : null;
}

/**
 * Puts the journaled settings back (events off first, then the rest), stops every process that
 * holds the instance's trace_pipe open (the reader; found by its open file, not by a stored pid
 * that another process may have taken since), removes the instance and the reader's folder.
 * Prints RESTORED, or BUSY when the instance would not go.
 */
export function restoreScript(p: { tracefs: string; instance: string; settings: Record<string, string>; readerDir: string | null }): string {
  const I = instancePath(p.tracefs, p.instance);
  const order = Object.keys(p.settings).sort((a, b) => rankOf(a) - rankOf(b));
  const writes = order.flatMap((f) => {
    const v = restoreValue(f, p.settings[f]!);
    return v !== null && /^[A-Za-z0-9/_.-]+$/.test(f) ? [`[ -e "$I/${f}" ] && echo ${v} > "$I/${f}" 2>/dev/null`] : [];
  });
  const dir = p.readerDir && /^\/tmp\/numalab-trace\.[A-Za-z0-9]+$/.test(p.readerDir) ? p.readerDir : null;
  return [
    `I=${I}`,
    'if [ -d "$I" ]; then',
    ...writes.map((w) => `  ${w}`),
    // A reader the journal does not know (a lab killed before it wrote the pid down).
    '  for f in /proc/[0-9]*/fd/*; do case "$(readlink "$f" 2>/dev/null)" in "$I/trace_pipe") p=${f#/proc/}; kill ${p%%/*} 2>/dev/null;; esac; done',
    '  i=0; while ! rmdir "$I" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done',
    'fi',
    ...(dir ? [`rm -rf ${dir}`] : []),
    '[ -d "$I" ] && echo "BUSY" || echo "RESTORED"',
  ].join('\n');
}

/** Events off before the buffer is touched; tracing_on last but one; the clock last. */
function rankOf(file: string): number {
  if (file.startsWith('events/')) return 0;
  if (file === 'tracing_on') return 1;
  if (file.startsWith('options/')) return 2;
  if (file === 'buffer_size_kb') return 3;
  return 4;
}

/** Writes a marker into the instance's trace (phase boundaries; the end marker the reader must reach). */
export function markerScript(tracefs: string, instance: string, text: string): string {
  if (!/^[A-Za-z0-9 _.:=-]{1,120}$/.test(text)) throw new Error(`not a marker the lab writes: ${text}`);
  return `echo "${text}" > ${instancePath(tracefs, instance)}/trace_marker`;
}

/** The ring buffer's loss counts, summed over CPUs. */
export function statsScript(tracefs: string, instance: string): string {
  return `cat ${instancePath(tracefs, instance)}/per_cpu/cpu*/stats 2>/dev/null`;
}

export function parseStats(out: string): { overrun: number; dropped: number } {
  let overrun = 0;
  let dropped = 0;
  for (const m of out.matchAll(/^overrun:\s*(\d+)/gm)) overrun += Number(m[1]);
  for (const m of out.matchAll(/^dropped events:\s*(\d+)/gm)) dropped += Number(m[1]);
  return { overrun, dropped };
}
