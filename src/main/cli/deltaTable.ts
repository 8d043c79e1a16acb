/** A counters × phases table of deltas, for terminal output. */
export function formatDeltaTable(phases: Record<string, Record<string, number>>, total: Record<string, number>): string {
  const phaseNames = Object.keys(phases);
  const counters = [...new Set([...Object.keys(total), ...phaseNames.flatMap((p) => Object.keys(phases[p]))])].sort();
  if (!counters.length) return '(no counter changed)';
  const cols = [...phaseNames, 'total'];
  const w = Math.max(8, ...counters.map((c) => c.length));
  const cw = Math.max(10, ...cols.map((c) => c.length));
  const head = `${'counter'.padEnd(w)}  ${cols.map((c) => c.padStart(cw)).join('  ')}`;
  const rows = counters.map((c) => `${c.padEnd(w)}  ${[...phaseNames.map((p) => phases[p][c] ?? 0), total[c] ?? 0].map((v) => String(v).padStart(cw)).join('  ')}`);
  return [head, ...rows].join('\n');
}
