/**
 * Where an experiment opens in the app: the Experiments view's URL fragment (src/renderer/src/route.ts
 * reads `#/experiments?id=N`; a comparison is `a` and `b`). The CLI prints it after a run, so
 * every run made from a script can be opened in the app by its id.
 */
export function experimentFragment(id: number): string {
  return `#/experiments?id=${id}`;
}

export function compareFragment(a: number, b: number): string {
  return `#/experiments?a=${a}&b=${b}`;
}

/** The line `numa-lab run` ends its text output with. */
export function openInAppLine(id: number): string {
  return `open in the app: Experiments → #${id} (${experimentFragment(id)})`;
}
