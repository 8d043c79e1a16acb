/**
 * /dev/kmsg records and which of them become events on a run's time axis.
 *
 * A record is `<prefix>,<seq>,<usec>,<flags>[,more];<text>` (Documentation/ABI/testing/dev-kmsg);
 * prefix = facility*8 + level, usec is the printk clock (local_clock, close to CLOCK_MONOTONIC).
 * Non-printable bytes arrive escaped as \xNN, so the text is one line.
 */

export interface KernelLogRecord {
  seq: number;
  level: number;
  facility: number;
  /** printk timestamp, seconds since boot. */
  t: number;
  text: string;
}

/** What makes a kernel-log line an event, most severe first; the seed of the project is `kernel BUG at mm/migrate.c`. */
const PATTERNS: Array<[label: KernelLogMatch, re: RegExp]> = [
  ['panic', /\bKernel panic\b|\bpanic\b/],
  ['BUG', /\bBUG\b/],
  ['Oops', /\bOops\b/],
  ['general protection', /general protection/],
  ['WARNING', /\bWARNING\b/],
  ['RIP', /\bRIP:/],
];
export type KernelLogMatch = 'panic' | 'BUG' | 'Oops' | 'general protection' | 'WARNING' | 'RIP';

export function parseKmsgRecord(line: string): KernelLogRecord | undefined {
  const semi = line.indexOf(';');
  if (semi < 0) return undefined;
  const head = line.slice(0, semi).split(',');
  if (head.length < 4) return undefined;
  const [pri, seq, usec] = head.map(Number);
  if (![pri, seq, usec].every(Number.isSafeInteger)) return undefined;
  return { seq, level: pri & 7, facility: pri >> 3, t: usec / 1e6, text: line.slice(semi + 1) };
}

/** The pattern a line matches, or undefined when it is ordinary log noise. */
export function classifyKernelLine(text: string): KernelLogMatch | undefined {
  for (const [label, re] of PATTERNS) if (re.test(text)) return label;
  return undefined;
}
