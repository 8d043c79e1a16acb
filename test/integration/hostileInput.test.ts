import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lab } from '../../src/main/lab';
import { masterArgs, muxArgs } from '../../src/main/hosts/sshArgs';
import { parseHostTarget } from '../../src/shared/hostTarget';
import { checkRemotePath } from '../../src/main/hosts/upload';

// Hostile values in every place a user can type one: host names, user names, ports, paths and
// parameters, through the CLI and LabApi. Nothing may run (the marker file never appears) and
// the answer must be a clear error.
const run = promisify(execFile);
const repo = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'numalab-hostile-'));
const MARK = '/tmp/pwned';
let lab: Lab;

const payloads = [
  '$(touch /tmp/pwned)',
  '`touch /tmp/pwned`',
  'a;touch /tmp/pwned',
  'a\ntouch /tmp/pwned',
  "a'$(touch /tmp/pwned)'",
  'a"$(touch /tmp/pwned)"',
  '-oProxyCommand=touch /tmp/pwned',
  '-oProxyCommand=touch${IFS}/tmp/pwned',
  'a|touch /tmp/pwned',
  'a&&touch /tmp/pwned',
];
const targets = [
  ...payloads,
  ...payloads.map((p) => `ssh://${p}`),
  ...payloads.map((p) => `ssh://${p}@127.0.0.1`),
  ...payloads.map((p) => `ssh://root@${p}`),
  ...payloads.map((p) => `ssh://root@127.0.0.1:${p}`),
  ...payloads.map((p) => `serial:/tmp/${p}`),
  ...payloads.map((p) => `testbox:${p}`),
  'ssh://-oProxyCommand=x@h',
  'ssh://root@-oProxyCommand=x',
  'ssh://root@h:-22',
  'ssh://root@h:22;x',
  '-oProxyCommand=touch',
  'serial:relative/path',
  'serial:/tmp/../etc/shadow',
];

beforeAll(() => {
  rmSync(MARK, { force: true });
  lab = new Lab({ dbPath: join(dir, 'lab.db'), shell: 'headless', knobs: { autoRestore: false } });
});
afterAll(async () => {
  await lab.close();
  rmSync(dir, { recursive: true, force: true });
  rmSync(MARK, { force: true });
});

describe('hostile input', () => {
  it('LabApi refuses every hostile target with a bad-target error naming the allowed forms, for every method', async () => {
    for (const t of targets) {
      for (const [m, p] of [
        ['hosts.probe', { target: t }],
        ['hosts.connect', { target: t }],
        ['hosts.disconnect', { target: t }],
        ['hosts.status', { target: t }],
        ['terminal.open', { target: t, cols: 80, rows: 24 }],
      ] as const) {
        const err = await lab.dispatch(m, p).then(
          () => undefined,
          (e) => e,
        );
        expect(err, `${m} ${JSON.stringify(t)}`).toMatchObject({ code: 'bad-target' });
        expect(err.message).toMatch(/is not valid: .*Allowed forms: local, ssh:\/\//);
      }
    }
    expect(existsSync(MARK)).toBe(false);
  });

  it('LabApi refuses hostile parameters by schema (strict params)', async () => {
    await expect(lab.dispatch('hosts.connect', { target: 'local', autoReconnect: '$(touch /tmp/pwned)' })).rejects.toMatchObject({ code: 'bad-request' });
    await expect(lab.dispatch('hosts.connect', { target: 'local', command: 'touch /tmp/pwned' })).rejects.toMatchObject({ code: 'bad-request' });
    await expect(lab.dispatch('hosts.status', { target: 42 })).rejects.toMatchObject({ code: 'bad-request' });
    expect(existsSync(MARK)).toBe(false);
  });

  it('the CLI exits 2 with a clear message for hostile targets', async () => {
    // A sample through a real process (each CLI start costs a second or so).
    for (const t of ['$(touch /tmp/pwned)', 'ssh://root@127.0.0.1:`touch /tmp/pwned`', 'ssh://-oProxyCommand=touch${IFS}/tmp/pwned@h', '-oProxyCommand=touch', 'serial:/tmp/a;touch /tmp/pwned']) {
      const r = await run(process.execPath, [join(repo, 'bin', 'numa-lab.mjs'), 'hosts', 'probe', '--db', join(dir, 'cli.db'), '--', t], { timeout: 60000 }).then(
        () => ({ code: 0, stderr: '' }),
        (e) => ({ code: e.code as number, stderr: String(e.stderr) }),
      );
      expect(r.code, t).toBe(2);
      expect(r.stderr).toMatch(/is not valid/);
    }
    expect(existsSync(MARK)).toBe(false);
  });

  it('ssh never gets a user value where it could read an option: the host comes after "--"', () => {
    const t = parseHostTarget('ssh://root@box.example:2222');
    if (t.kind !== 'ssh') throw new Error('parsed as ssh');
    for (const argv of [masterArgs(t, { controlPath: '/tmp/x/c' }), muxArgs(t, { controlPath: '/tmp/x/c' }, 'exec /bin/sh')]) {
      const dd = argv.indexOf('--');
      expect(argv[dd + 1]).toBe('box.example');
      expect(argv.slice(0, dd)).toEqual(expect.arrayContaining(['-l', 'root', '-p', '2222']));
      // every user value is a whole argv entry, never glued into a shell string
      expect(argv.filter((a) => a.includes('root') || a.includes('box.example'))).toEqual(['root', 'box.example']);
    }
  });

  it('remote paths for uploads are checked against a closed alphabet', () => {
    for (const p of payloads) expect(() => checkRemotePath(`/tmp/${p}`)).toThrow(/not allowed/);
    for (const p of ['-x', 'rel', '/a/../b', '/a b', '/a/']) expect(() => checkRemotePath(p)).toThrow(/not allowed/);
    expect(() => checkRemotePath('/usr/local/bin/numa-work_1.2+x')).not.toThrow();
  });
});
