/**
 * The workloads' machine-readable lines (resources/workloads/*.c):
 *   NUMALAB phase <name> <begin|end>
 *   NUMALAB hold <phase>      (hold=1: waits for SIGUSR1 so the lab can snapshot /proc/vmstat)
 *   NUMALAB result {json}
 *   NUMALAB error <message>
 * Anything else is the workload's own output, kept as is.
 */
export type WorkloadLine =
  | { kind: 'phase'; phase: string; edge: 'begin' | 'end' }
  | { kind: 'hold'; phase: string }
  | { kind: 'result'; json: Record<string, unknown> }
  | { kind: 'error'; message: string }
  | { kind: 'text'; text: string };

export function parseWorkloadLine(line: string): WorkloadLine {
  const m = /^NUMALAB (phase|hold|result|error) ?(.*)$/.exec(line.trimEnd());
  if (!m) return { kind: 'text', text: line };
  const [, kind, rest] = m;
  if (kind === 'phase') {
    const p = /^([a-z0-9_-]+) (begin|end)$/.exec(rest);
    return p ? { kind: 'phase', phase: p[1], edge: p[2] as 'begin' | 'end' } : { kind: 'text', text: line };
  }
  if (kind === 'hold') return /^[a-z0-9_-]+$/.test(rest) ? { kind: 'hold', phase: rest } : { kind: 'text', text: line };
  if (kind === 'error') return { kind: 'error', message: rest };
  try {
    const json = JSON.parse(rest);
    return json && typeof json === 'object' ? { kind: 'result', json } : { kind: 'text', text: line };
  } catch {
    return { kind: 'text', text: line };
  }
}

/** Splits a stream into whole lines, keeping a partial last line for the next chunk. */
export class LineSplitter {
  private rest = '';
  push(chunk: string): string[] {
    const all = this.rest + chunk;
    const lines = all.split('\n');
    this.rest = lines.pop() ?? '';
    return lines.map((l) => l.replace(/\r$/, ''));
  }
}
