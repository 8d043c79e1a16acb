/** /proc/vmstat as `name value` lines → a map; malformed lines are counted, not fatal. */
export function parseVmstatText(text: string): { values: Record<string, number>; malformed: number } {
  const values: Record<string, number> = {};
  let malformed = 0;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const m = /^([a-z0-9_]+) (-?\d+)$/.exec(line.trim());
    if (m) values[m[1]] = Number(m[2]);
    else malformed++;
  }
  return { values, malformed };
}

/** after − before for every counter that changed (a counter missing on one side counts as 0). */
export function vmstatDelta(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const d = (after[k] ?? 0) - (before[k] ?? 0);
    if (d !== 0) out[k] = d;
  }
  return out;
}
