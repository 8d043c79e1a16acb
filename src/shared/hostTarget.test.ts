import { describe, expect, it } from 'vitest';
import { formatHostTarget, parseHostTarget, TargetError } from './hostTarget';

describe('host targets', () => {
  it('parses every allowed form', () => {
    expect(parseHostTarget('local')).toEqual({ kind: 'local' });
    expect(parseHostTarget('ssh://root@127.0.0.1:2222')).toEqual({ kind: 'ssh', user: 'root', host: '127.0.0.1', port: 2222, alias: false });
    expect(parseHostTarget('ssh://box.example')).toMatchObject({ kind: 'ssh', host: 'box.example', alias: false });
    expect(parseHostTarget('ssh://[::1]:22')).toMatchObject({ kind: 'ssh', host: '[::1]', port: 22 });
    expect(parseHostTarget('numa-box_2')).toEqual({ kind: 'ssh', host: 'numa-box_2', alias: true });
    expect(parseHostTarget('serial:/tmp/box/ttyS1.sock')).toEqual({ kind: 'serial', path: '/tmp/box/ttyS1.sock' });
    expect(parseHostTarget('testbox:n2')).toEqual({ kind: 'testbox', name: 'n2' });
  });

  it('round-trips through the canonical form', () => {
    for (const t of ['local', 'ssh://u@h:22', 'ssh://h', 'alias1', 'serial:/dev/pts/3', 'testbox:a-b']) {
      expect(formatHostTarget(parseHostTarget(t))).toBe(t);
    }
  });

  const hostile = [
    '$(touch /tmp/pwned)',
    'ssh://`id`@host',
    'ssh://root@host;reboot',
    'ssh://root@host\nreboot',
    "ssh://o'neil@host",
    'ssh://-oProxyCommand=sh@host',
    '-oProxyCommand=touch',
    'ssh://host:-1',
    'ssh://host:99999',
    'serial:relative/path',
    'serial:/tmp/../etc/shadow',
    'serial:/tmp/a b',
    'testbox:UPPER',
    'testbox:$(x)',
    'ssh://host -p 22',
    '',
    'ftp://host',
  ];
  it.each(hostile)('refuses %j with a message naming the allowed forms', (t) => {
    expect(() => parseHostTarget(t)).toThrow(TargetError);
    expect(() => parseHostTarget(t)).toThrow(/Allowed forms: local, ssh:\/\//);
  });
});
