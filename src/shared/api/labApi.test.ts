import { describe, expect, it } from 'vitest';
import { LabApiError, labMethods, parseLabEvent, parseLabParams, parseLabResult } from './labApi';

describe('LabApi boundary validation', () => {
  it('accepts a well-formed request and returns the parsed params', () => {
    expect(parseLabParams('terminal.resize', { terminalId: 'tabc123', cols: 80, rows: 24 })).toEqual({
      method: 'terminal.resize',
      params: { terminalId: 'tabc123', cols: 80, rows: 24 },
    });
  });

  it('names an unknown method and lists the known ones', () => {
    expect(() => parseLabParams('shell.exec', {})).toThrow(/unknown method "shell.exec"; known: app.info/);
    expect(() => parseLabParams('__proto__', {})).toThrow(LabApiError);
  });

  it('names the bad field and refuses extra fields', () => {
    expect(() => parseLabParams('terminal.resize', { terminalId: 'tabc', cols: 1, rows: 24 })).toThrow(/cols/);
    expect(() => parseLabParams('hosts.probe', { target: 'local', cmd: 'rm -rf /' })).toThrow(/bad parameters for hosts.probe/);
    expect(() => parseLabParams('terminal.input', { terminalId: '../etc', data: 'x' })).toThrow(/terminalId/);
  });

  it('checks replies and events on the receiving side too', () => {
    expect(() => parseLabResult('app.info', { version: 1 })).toThrow(/unexpected shape/);
    expect(parseLabEvent('terminal.output', { terminalId: 't1', data: 'x' })).toEqual({ terminalId: 't1', data: 'x' });
    expect(() => parseLabEvent('terminal.output', { terminalId: 't1' })).toThrow(/malformed terminal.output/);
  });

  it('has a params and a result schema for every method', () => {
    for (const [name, m] of Object.entries(labMethods)) {
      expect(m.params, name).toBeDefined();
      expect(m.result, name).toBeDefined();
    }
  });
});
