import { describe, expect, it } from 'vitest';
import { commandLine, shellWord } from './commandLine';

describe('a command line as a user pastes it', () => {
  it('leaves plain words bare and quotes the rest', () => {
    expect(commandLine(['numa-lab', 'run', 'testbox:numa2', '--knob', 'thp.enabled=always'])).toBe('numa-lab run testbox:numa2 --knob thp.enabled=always');
    expect(shellWord('a b')).toBe("'a b'");
    expect(shellWord("it's")).toBe("'it'\\''s'");
    expect(shellWord('$(reboot)')).toBe("'$(reboot)'");
    expect(shellWord('')).toBe("''");
  });
  it('refuses a NUL byte rather than truncating the word', () => {
    expect(() => shellWord('a\0b')).toThrow(/NUL/);
  });
});
