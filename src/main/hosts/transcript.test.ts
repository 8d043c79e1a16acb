import { describe, expect, it } from 'vitest';
import { REDACTED, TranscriptRecorder } from './transcript';

function record(steps: Array<['out' | 'in', string]>): string {
  const all: string[] = [];
  const r = new TranscriptRecorder({ write: (d, s) => all.push(`${d}:${s}`) });
  for (const [d, s] of steps) (d === 'out' ? r.output(s) : r.input(s));
  return all.join('|');
}

describe('transcript redaction', () => {
  it('redacts what is typed at a password prompt, keystroke by keystroke, until Enter', () => {
    const t = record([
      ['out', "numalab@127.0.0.1's password: "],
      ['in', 's'],
      ['in', '3cr'],
      ['in', 'et\r'],
      ['out', '\r\nWelcome\r\n$ '],
      ['in', 'ls\r'],
    ]);
    expect(t).not.toMatch(/s3cret|3cr|et\r/);
    expect(t).toContain(REDACTED);
    expect(t).toContain('in:ls\r');
  });

  it('knows sudo, passphrase and "Password for" prompts', () => {
    for (const p of ['[sudo] password for bob: ', "Enter passphrase for key '/root/.ssh/id_ed25519': ", 'Password for bob@EXAMPLE.COM: ', 'Password:']) {
      expect(record([['out', `x\r\n${p}`], ['in', 'hunter2\n']])).not.toContain('hunter2');
    }
  });

  it('records ordinary input and host-key answers', () => {
    const t = record([
      ['out', 'Are you sure you want to continue connecting (yes/no/[fingerprint])? '],
      ['in', 'yes\r'],
    ]);
    expect(t).toContain('in:yes\r');
  });

  it('a password pasted together with the next command keeps only the command', () => {
    const t = record([['out', 'Password: '], ['in', 'pw1\rid\r']]);
    expect(t).not.toContain('pw1');
    expect(t).toContain('in:id\r');
  });
});
