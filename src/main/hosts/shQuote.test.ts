import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { shQuote, shQuoteAll } from './shQuote';

// Round-trips values through the real /bin/sh (dash here): what the shell sees must be exactly
// what we quoted, for any string without NUL.
function echoThroughSh(words: string[]): string[] {
  const out = execFileSync('/bin/sh', ['-c', `for w in ${shQuoteAll(words)}; do printf '%s\\0' "$w"; done`]);
  const parts = out.toString('utf8').split('\0');
  parts.pop();
  return parts;
}

describe('shQuote', () => {
  it('wraps in single quotes and escapes single quotes', () => {
    expect(shQuote('abc')).toBe("'abc'");
    expect(shQuote("it's")).toBe("'it'\\''s'");
    expect(shQuote('')).toBe("''");
  });

  it('refuses NUL', () => {
    expect(() => shQuote('a\0b')).toThrow(/NUL/);
  });

  it('keeps hostile values literal in a real sh', () => {
    const hostile = ['$(touch /tmp/numalab-shq-pwned)', '`id`', 'a;b', 'x\ny', `'"'"`, '-rf', '*', '$HOME', '\\', ' lead', 'trail '];
    expect(echoThroughSh(hostile)).toEqual(hostile);
  });

  it('round-trips arbitrary strings through sh', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary' }).filter((s) => !s.includes('\0')), { minLength: 1, maxLength: 5 }), (words) => {
        expect(echoThroughSh(words)).toEqual(words);
      }),
      { numRuns: 60 },
    );
  });
});
