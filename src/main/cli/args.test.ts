import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from './args';

const specs = [
  { name: 'json', type: 'bool' as const, help: '' },
  { name: 'port', type: 'string' as const, help: '' },
  { name: 'param', type: 'multi' as const, help: '' },
];

describe('CLI argument parsing', () => {
  it('reads flags, values and repeats', () => {
    expect(parseArgs(['local', '--json', '--port', '8080', '--param', 'a=1', '--param=b=2'], specs)).toEqual({
      positionals: ['local'],
      flags: { json: true, port: '8080', param: ['a=1', 'b=2'] },
    });
  });
  it('refuses unknown flags, listing the allowed ones', () => {
    expect(() => parseArgs(['--jsn'], specs)).toThrow(new UsageError('unknown option --jsn; allowed here: --json, --port, --param'));
  });
  it('refuses a missing value', () => {
    expect(() => parseArgs(['--port'], specs)).toThrow(/needs a value/);
  });
});
