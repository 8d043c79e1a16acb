import { useCallback, useSyncExternalStore } from 'react';

/**
 * The app's view state in the URL's fragment: `#/<view>?key=value&…` (e.g. `#/experiments?id=12`,
 * `#/simulator?workload=numa01&kernel=linux-6.12%2B`). A link names a view and what it shows, so a
 * result can be reopened after a reload and shared; the fragment never reaches the server (the
 * headless token and the Electron IPC guard see the same document). Each view's parameters are
 * kept while another view is shown, so switching back restores its URL too.
 */
export type ViewParams = Readonly<Record<string, string>>;
export interface Route {
  view: string;
  params: ViewParams;
}

const remembered = new Map<string, ViewParams>();
const listeners = new Set<() => void>();
let current: Route = parseHash(typeof location === 'undefined' ? '' : location.hash);

export function parseHash(hash: string): Route {
  const text = hash.replace(/^#\/?/, '');
  const q = text.indexOf('?');
  const view = decodeURIComponent(q < 0 ? text : text.slice(0, q));
  const params: Record<string, string> = {};
  if (q >= 0) for (const [k, v] of new URLSearchParams(text.slice(q + 1))) params[k] = v;
  return { view, params };
}

export function formatHash(r: Route): string {
  const query = new URLSearchParams(Object.entries(r.params).filter(([, v]) => v !== '')).toString();
  return `#/${encodeURIComponent(r.view)}${query ? `?${query}` : ''}`;
}

function publish(next: Route, push: boolean): void {
  current = next;
  remembered.set(next.view, next.params);
  const hash = formatHash(next);
  if (typeof history !== 'undefined' && location.hash !== hash) {
    if (push) history.pushState(null, '', hash);
    else history.replaceState(null, '', hash);
  }
  for (const l of listeners) l();
}

if (typeof window !== 'undefined') {
  window.addEventListener('popstate', () => {
    current = parseHash(location.hash);
    remembered.set(current.view, current.params);
    for (const l of listeners) l();
  });
  window.addEventListener('hashchange', () => {
    const next = parseHash(location.hash);
    if (formatHash(next) === formatHash(current)) return;
    current = next;
    remembered.set(current.view, current.params);
    for (const l of listeners) l();
  });
}

function subscribe(l: () => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

/** The current route (re-renders on every change, including back/forward). */
export function useRoute(): Route {
  return useSyncExternalStore(subscribe, () => current);
}

/** Shows `view` with the parameters it had last (a history entry: back returns to the previous view). */
export function showView(view: string): void {
  if (view === current.view) return;
  publish({ view, params: remembered.get(view) ?? {} }, true);
}

/** The parameters of the view currently shown, or remembered for `view` while another is shown. */
export function viewParams(view: string): ViewParams {
  return current.view === view ? current.params : (remembered.get(view) ?? {});
}

/**
 * One view's parameters and a setter. `patch` merges (undefined or '' removes a key). Use
 * `{ push: true }` when the user opens something (a run, an experiment) so back returns to what
 * was shown before; form edits replace the entry. A view that is not shown updates what is
 * remembered for it without touching the address bar.
 */
export function useViewParams(view: string): [ViewParams, (patch: Record<string, string | undefined>, opts?: { push?: boolean }) => void] {
  const route = useRoute();
  const params = route.view === view ? route.params : (remembered.get(view) ?? {});
  const set = useCallback(
    (patch: Record<string, string | undefined>, opts?: { push?: boolean }) => {
      const base = { ...viewParams(view) };
      for (const [k, v] of Object.entries(patch)) {
        if (v === undefined || v === '') delete base[k];
        else base[k] = v;
      }
      if (current.view === view) publish({ view, params: base }, opts?.push === true);
      else remembered.set(view, base);
    },
    [view],
  );
  return [params, set];
}
