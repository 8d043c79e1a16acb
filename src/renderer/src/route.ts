import { useCallback, useSyncExternalStore } from 'react';

/**
 * The app's view state in the URL's fragment: `#/<view>?key=value&…` (e.g. `#/experiments?id=12`,
 * `#/simulator?workload=numa01&kernel=linux-6.12%2B`). A link names a view and what it shows, so a
 * result can be reopened after a reload and shared; the fragment never reaches the server (the
 * headless token and the Electron IPC guard see the same document). Each view's parameters are
 * kept while another view is shown, so switching back restores its URL too.
 *
 * A few keys are the app's, not one view's (GLOBAL_PARAMS): `host` is the current target
 * (`#/experiments?id=12&host=testbox%3Anuma2`), absent meaning `local`. Every view's URL carries
 * it, so a link reopens the same view on the same host; switching views keeps it, back/forward
 * restore the host each entry had.
 */
export type ViewParams = Readonly<Record<string, string>>;
export interface Route {
  view: string;
  params: ViewParams;
}

/** Keys shared by every view (see above); a view's own parameters never use these names. */
export const GLOBAL_PARAMS: readonly string[] = ['host'];

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

/** `params` with the global keys taken from `globals` (a view's stale copy of them dropped). */
export function withGlobals(params: ViewParams, globals: ViewParams): ViewParams {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) if (!GLOBAL_PARAMS.includes(k)) out[k] = v;
  for (const k of GLOBAL_PARAMS) if (globals[k] !== undefined && globals[k] !== '') out[k] = globals[k];
  return out;
}

/**
 * Shows `view` with the parameters it had last and the app's global ones (a history entry: back
 * returns to the previous view). `replace` rewrites the current entry instead (e.g. an unknown
 * view in a link replaced by the default one).
 */
export function showView(view: string, opts?: { replace?: boolean }): void {
  if (view === current.view) return;
  publish({ view, params: withGlobals(remembered.get(view) ?? {}, current.params) }, opts?.replace !== true);
}

/**
 * Sets one of the app's global parameters (GLOBAL_PARAMS) on the current entry; '' or undefined
 * removes it. `push` makes a history entry (the user picked another host), otherwise the entry is
 * replaced (the app fell back on its own).
 */
export function setGlobalParam(key: string, value: string | undefined, opts?: { push?: boolean }): void {
  if (!GLOBAL_PARAMS.includes(key)) throw new Error(`${key} is not a global route parameter (${GLOBAL_PARAMS.join(', ')})`);
  const params: Record<string, string> = { ...current.params };
  if (value === undefined || value === '') delete params[key];
  else params[key] = value;
  if ((current.params[key] ?? '') === (params[key] ?? '')) return;
  publish({ view: current.view, params }, opts?.push === true);
}

/** A global parameter (re-renders when it changes, including back/forward) and its setter. */
export function useGlobalParam(key: string): [string | undefined, (value: string | undefined, opts?: { push?: boolean }) => void] {
  const route = useRoute();
  const set = useCallback((value: string | undefined, opts?: { push?: boolean }) => setGlobalParam(key, value, opts), [key]);
  return [route.params[key], set];
}

/** The route shown now (for code outside React's render, and tests). */
export function currentRoute(): Route {
  return current;
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
