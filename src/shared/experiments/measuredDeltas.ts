/** The counters that moved in any of the runs, sorted: what a measured-only table shows. */
export function shownDeltas(runs: ReadonlyArray<Record<string, number>>): string[] {
  return [...new Set(runs.flatMap((d) => Object.keys(d).filter((k) => (d[k] ?? 0) !== 0)))].sort();
}
