import { describe, expect, it } from 'vitest';
import { briefReason, canonicalTargetOr, judgeOffline, offlineHeadline, sameTarget, shouldFallBack, testboxName } from './offline';

describe('canonical targets', () => {
  it('compares targets as hosts.state names them, and keeps invalid text as typed', () => {
    expect(canonicalTargetOr('ssh://root@127.0.0.1:2222/')).toBe('ssh://root@127.0.0.1:2222');
    expect(sameTarget('localhost-pty', 'local')).toBe(true);
    expect(sameTarget('testbox:a', 'testbox:b')).toBe(false);
    expect(canonicalTargetOr(' not valid ')).toBe('not valid');
    expect(testboxName('testbox:numa2')).toBe('numa2');
    expect(testboxName('local')).toBeUndefined();
    expect(testboxName('testbox:BAD')).toBeUndefined();
  });
});

describe('judgeOffline', () => {
  const lost = { kind: 'state', state: 'lost', reason: 'the host did not answer a keepalive within 2000 ms' } as const;
  const closed = { kind: 'state', state: 'closed', reason: 'the lab closed its session to this host' } as const;

  it('a box missing from testbox.list was powered off, whatever event told', () => {
    for (const t of [lost, closed, { kind: 'probe-failed', message: 'the box numa2 is not running' } as const]) {
      const v = judgeOffline('testbox:numa2', t, [{ target: 'testbox:other', running: true }]);
      expect(v).toEqual({ offline: true, why: 'powered off', detail: expect.stringContaining('numa2') });
    }
  });

  it('a box listed as not running is offline with the reason the session gave', () => {
    expect(judgeOffline('testbox:numa2', lost, [{ target: 'testbox:numa2', running: false }])).toEqual({ offline: true, why: 'not running', detail: lost.reason });
  });

  it('a closed session of a box that still runs (a reboot) or of another host (disconnected) is not offline', () => {
    expect(judgeOffline('testbox:numa2', closed, [{ target: 'testbox:numa2', running: true }])).toEqual({ offline: false });
    expect(judgeOffline('ssh://root@h', closed)).toEqual({ offline: false });
    // testbox.list could not be asked: a closed session alone proves nothing.
    expect(judgeOffline('testbox:numa2', closed, undefined)).toEqual({ offline: false });
  });

  it('a lost session or a failed probe is offline; an invalid target says so', () => {
    expect(judgeOffline('ssh://root@h', lost)).toEqual({ offline: true, why: 'connection lost', detail: lost.reason });
    expect(judgeOffline('ssh://root@h', { kind: 'state', state: 'lost', reason: null })).toMatchObject({ offline: true, detail: 'the host stopped answering' });
    expect(judgeOffline('testbox:numa2', lost, [{ target: 'testbox:numa2', running: true }])).toMatchObject({ offline: true, why: 'connection lost' });
    expect(judgeOffline('ssh://root@h', { kind: 'probe-failed', message: 'ssh: connect to host h port 22: Connection refused\n\n' })).toEqual({
      offline: true,
      why: 'not reachable',
      detail: 'ssh: connect to host h port 22: Connection refused',
    });
    expect(judgeOffline('x y', { kind: 'probe-failed', message: 'host target "x y" is not valid', code: 'bad-target' })).toMatchObject({ why: 'not a valid target' });
  });

  it('a probe that failed on a host whose session is ready is not a dead host', () => {
    const failed = { kind: 'probe-failed', message: 'the probe printed no @end marker', code: 'bad-response' } as const;
    expect(judgeOffline('ssh://root@h', failed, undefined, 'ready')).toEqual({ offline: false });
    expect(judgeOffline('ssh://root@h', failed, undefined, 'lost')).toMatchObject({ offline: true });
    expect(judgeOffline('ssh://root@h', failed, undefined, undefined)).toMatchObject({ offline: true });
  });
});

describe('the notice', () => {
  it('names the host, why, and where the app went', () => {
    expect(offlineHeadline('testbox:numa2', 'powered off')).toBe('testbox:numa2 is offline (powered off) — switched to local');
  });
  it('never falls back from the fallback itself', () => {
    expect(shouldFallBack('local')).toBe(false);
    expect(shouldFallBack('testbox:numa2')).toBe(true);
  });
  it('keeps the first lines of a long reason (a console tail) and bounds its length', () => {
    expect(briefReason('a\n\nb\nc\nd')).toBe('a\nb\nc');
    const long = briefReason('x'.repeat(1000));
    expect(long.length).toBe(400);
    expect(long.endsWith('…')).toBe(true);
  });
});
