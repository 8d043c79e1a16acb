import { describe, expect, it } from 'vitest';
import { tailOf } from '../../src/main/hosts/sshTransport';

describe('why an ssh stream ended, as a user reads it', () => {
  it("keeps only the ssh client's own words on a command channel, never the lab's framing", () => {
    const pty = Buffer.from('0\n@end\n\x1eEa3de5d4e2 0\x1e\x1eZa3de5d4e2\x1e\nConnection to 127.0.0.1 closed by remote host.\r\n');
    expect(tailOf(pty, true)).toBe('Connection to 127.0.0.1 closed by remote host.');
    expect(tailOf(Buffer.from('0\n@end\n\x1eZa3\x1e\n'), true)).toBe('');
  });
  it('keeps the last lines a login printed on the interactive connection', () => {
    expect(tailOf(Buffer.from('\x1b[1mWelcome\x1b[0m\nroot@h: password expired\n'))).toBe('Welcome / root@h: password expired');
  });
});
