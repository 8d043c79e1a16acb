import { describe, expect, it } from 'vitest';
import { currentRoute, formatHash, parseHash, setGlobalParam, showView, viewParams, withGlobals } from './route';

// Runs without a DOM: route.ts guards window/location/history, so the module's state is the
// only thing these tests drive (one module instance for the file, so the tests run in order).
describe('parseHash / formatHash', () => {
  it('reads the view and its parameters, decoding what formatHash encodes', () => {
    expect(parseHash('')).toEqual({ view: '', params: {} });
    expect(parseHash('#/experiments?id=12')).toEqual({ view: 'experiments', params: { id: '12' } });
    expect(parseHash('#host')).toEqual({ view: 'host', params: {} });
    const r = { view: 'simulator', params: { kernel: 'linux-6.12+', host: 'ssh://root@10.0.0.2:2222', note: 'a b&c=d' } };
    expect(parseHash(formatHash(r))).toEqual(r);
    expect(formatHash({ view: 'hosts', params: { empty: '' } })).toBe('#/hosts');
  });
});

describe('global parameters (the current host)', () => {
  it('withGlobals drops a view\'s stale copy of a global key and takes the current one', () => {
    expect(withGlobals({ id: '3', host: 'testbox:old' }, { host: 'testbox:new', id: '9' })).toEqual({ id: '3', host: 'testbox:new' });
    expect(withGlobals({ id: '3', host: 'testbox:old' }, {})).toEqual({ id: '3' });
  });

  it('the host travels with every view shown; each view keeps its own parameters', () => {
    showView('host');
    setGlobalParam('host', 'testbox:numa2', { push: true });
    expect(currentRoute()).toEqual({ view: 'host', params: { host: 'testbox:numa2' } });
    showView('experiments');
    expect(currentRoute()).toEqual({ view: 'experiments', params: { host: 'testbox:numa2' } });
    setGlobalParam('host', undefined);
    expect(currentRoute().params).toEqual({});
    showView('host');
    // The host view remembered host=testbox:numa2, but the app's host is local now.
    expect(currentRoute()).toEqual({ view: 'host', params: {} });
    expect(viewParams('experiments')).toEqual({});
  });

  it('refuses a key that is not global (views use useViewParams for theirs)', () => {
    expect(() => setGlobalParam('id', '3')).toThrow(/not a global route parameter/);
  });
});
