import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { upload } from '../../src/main/hosts/upload';
import { chmodSync, existsSync, mkdtempSync, readFileSync, statSync, rmSync, symlinkSync, writeFileSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIVENESS_BOUND_MS, settlesWithin } from '../support/liveness';
import { Lab } from '../../src/main/lab';
import { REDACTED } from '../../src/main/hosts/transcript';
import type { HostStatus } from '../../src/main/hosts/hostSession';
import { addTempUser, removeSshd, startSshd, type Sshd } from './sshd';
import { lockMachineKnobs, restoreKnobFiles, snapshotKnobFiles } from '../support/knobGuard';
import { until } from '../support/until';

// The ssh transport against a real Debian sshd on 127.0.0.1 (its own key, port and config; see
// sshd.ts). The lab reaches it through the system ssh client with NUMA_LAB_SSH_CONFIG.
const run = promisify(execFile);
const repo = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'numalab-ssh-'));
let sshd: Sshd;
let lab: Lab;
const events: HostStatus[] = [];
const cleanups: Array<() => void> = [];
const env = () => ({ ...process.env, NUMA_LAB_SSH_CONFIG: sshd.clientConfig, NUMA_LAB_HOME: join(dir, 'home') });

beforeAll(async () => {
  sshd = await startSshd();
  process.env.NUMA_LAB_SSH_CONFIG = sshd.clientConfig;
  process.env.NUMA_LAB_HOME = join(dir, 'home');
  lab = new Lab({ dbPath: join(dir, 'lab.db'), shell: 'headless', knobs: { autoRestore: false } });
  lab.subscribe((e, p) => {
    if (e === 'hosts.state') events.push(p as HostStatus);
  });
});
afterAll(async () => {
  await lab?.close();
  for (const c of cleanups.reverse()) c();
  if (sshd) await removeSshd(sshd);
  delete process.env.NUMA_LAB_SSH_CONFIG;
  delete process.env.NUMA_LAB_HOME;
  rmSync(dir, { recursive: true, force: true });
});

const rootTarget = () => `ssh://root@127.0.0.1:${sshd.port}`;

function stable(f: any) {
  // What may differ between two probes a second apart: the target, the time, free memory.
  const { target: _t, probedAt: _p, ...rest } = f;
  return { ...rest, nodes: rest.nodes.map(({ memFreeMiB: _m, ...n }: any) => n) };
}

describe('ssh hosts against a real sshd', () => {
  it('`hosts probe ssh://root@127.0.0.1:<port> --json` prints the same facts as `local`', async () => {
    const cli = (t: string) => run(process.execPath, [join(repo, 'bin', 'numa-lab.mjs'), 'hosts', 'probe', t, '--json', '--db', join(dir, 'cli.db')], { env: env(), timeout: 60000 });
    // Knob tests elsewhere in the run flip THP and numa_balancing: hold the knob lock so both
    // probes see the same machine state.
    const unlock = await lockMachineKnobs();
    let remote, local;
    try {
      [remote, local] = await Promise.all([cli(rootTarget()), cli('local')]);
    } finally {
      unlock();
    }
    const r = JSON.parse(remote.stdout);
    const l = JSON.parse(local.stdout);
    expect(r.target).toBe(rootTarget());
    expect(stable(r)).toEqual(stable(l));
  });

  it('hosts.connect reports ready with root privilege; hosts.status and hosts.state agree', async () => {
    const st = (await lab.dispatch('hosts.connect', { target: rootTarget() })) as HostStatus;
    expect(st).toMatchObject({ target: rootTarget(), state: 'ready', privilege: 'root' });
    const all = (await lab.dispatch('hosts.status', {})) as HostStatus[];
    expect(all.find((s) => s.target === rootTarget())?.state).toBe('ready');
    expect(events.some((e) => e.target === rootTarget() && e.state === 'connecting')).toBe(true);
    expect(events.some((e) => e.target === rootTarget() && e.state === 'ready')).toBe(true);
  });

  it('the channel over ssh is byte-exact, takes long scripts and "~." lines, and large outputs', async () => {
    const s = await lab.session(rootTarget());
    const bytes = await s.exec("printf '\\001\\036\\377\\r\\n\\003end'");
    expect([...bytes.stdoutBytes]).toEqual([1, 0x1e, 0xff, 13, 10, 3, ...Buffer.from('end')]);
    const long = 'y'.repeat(100_000);
    const r = await s.exec(`cat <<'EOF'\n~.\n~C\n${long}\nEOF`);
    expect(r.stdout).toBe(`~.\n~C\n${long}\n`);
    const big = await s.exec('head -c 4000000 /dev/urandom | base64 -w0 | head -c 3000000');
    expect(big.stdoutBytes.length).toBe(3_000_000);
    expect((await s.exec('echo $((1+1))')).stdout).toBe('2\n');
  });

  it('uploads binary files with a sha256 check on the host, and refuses hostile remote paths', async () => {
    const s = await lab.session(rootTarget());
    const data = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), randomBytes(700_000)]);
    const remote = join(dir, 'up', 'workload.bin');
    await s.run(`mkdir -p ${join(dir, 'up')}`);
    const r = await upload(s, data, remote, 0o750);
    expect(r.sha256).toBe(createHash('sha256').update(data).digest('hex'));
    expect(readFileSync(remote)).toEqual(data);
    expect((statSync(remote).mode & 0o777).toString(8)).toBe('750');
    for (const bad of ['rel/path', '/tmp/$(touch /tmp/pwned)', '/tmp/a;b', '/tmp/../etc/x', '-x', '/tmp/a b', '/tmp/`id`']) {
      await expect(upload(s, data, bad)).rejects.toThrow(/not allowed/);
    }
    expect(existsSync('/tmp/pwned')).toBe(false);
  });

  it('works whatever the login shell is: bash, dash, busybox ash (zsh when installed)', async () => {
    // busybox picks the applet from its name: a login shell named .../ash (in a dir others may enter).
    const ashDir = mkdtempSync(join(tmpdir(), 'numalab-ash-'));
    chmodSync(ashDir, 0o755);
    cleanups.push(() => rmSync(ashDir, { recursive: true, force: true }));
    const ashLink = join(ashDir, 'ash');
    symlinkSync('/bin/busybox', ashLink);
    const shells: Array<[string, string]> = [
      ['numalabbash', '/bin/bash'],
      ['numalabdash', '/bin/dash'],
      ['numalabash', ashLink],
    ];
    if (!existsSync('/usr/bin/sudo')) console.log('sudo is not installed here: the privilege test is not run (apt-get install sudo to run it)');
    if (existsSync('/usr/bin/zsh')) shells.push(['numalabzsh', '/usr/bin/zsh']);
    else console.log('zsh is not installed here: the zsh login shell case is not run (apt-get install zsh to run it)');
    for (const [user, shell] of shells) {
      cleanups.push(addTempUser(user, shell));
      const target = `ssh://${user}@127.0.0.1:${sshd.port}`;
      const st = (await lab.dispatch('hosts.connect', { target })) as HostStatus;
      expect(st.state, `${user} (${shell})`).toBe('ready');
      const s = await lab.session(target);
      const r = await s.exec('id -un; echo "a\'b" `echo c`; printf "%s\\n" "$SHELL"');
      expect(r.stdout).toBe(`${user}\na'b c\n${shell}\n`);
      expect(s.privilege).toBe(existsSync('/usr/bin/sudo') ? 'sudo-password' : 'none');
      await lab.dispatch('hosts.disconnect', { target });
    }
  });

  it('a password login is answered in the terminal tab, and the stored transcript holds no password', async () => {
    const user = 'numalabpw1';
    const password = `pw-${Math.random().toString(36).slice(2)}-Zq9`;
    cleanups.push(addTempUser(user, '/bin/bash', password));
    const target = `ssh://${user}@127.0.0.1:${sshd.port}`;
    const connecting = lab.dispatch('hosts.connect', { target }) as Promise<HostStatus>;
    const asked = await until('needs-input', () => events.find((e) => e.target === target && e.state === 'needs-input'));
    expect(asked.prompt).toMatch(/password/i);
    const out: string[] = [];
    const off = lab.subscribe((e, p: any) => e === 'terminal.output' && out.push(p.data));
    const { terminalId } = (await lab.dispatch('terminal.open', { target, cols: 80, rows: 24 })) as { terminalId: string };
    await until('the prompt in the tab', () => out.join('').match(/password:/i));
    for (const ch of password) await lab.dispatch('terminal.input', { terminalId, data: ch });
    await lab.dispatch('terminal.input', { terminalId, data: '\r' });
    expect((await connecting).state).toBe('ready');
    await lab.dispatch('terminal.input', { terminalId, data: 'echo typed-$((40+2))\r' });
    await until('the command output', () => out.join('').includes('typed-42'));
    off();
    const rows = lab.transcripts.forTarget(target);
    const all = rows.map((r) => r.data).join('');
    expect(all).toContain('password:');
    expect(all).toContain(REDACTED);
    expect(all).toContain('typed-42');
    expect(all).not.toContain(password);
    // Not even in pieces: no row holds a 3-character slice of the password.
    for (let i = 0; i + 3 <= password.length; i++) expect(rows.filter((r) => r.dir === 'in').some((r) => r.data.includes(password.slice(i, i + 3)))).toBe(false);
    // And not anywhere in the SQLite files.
    lab.transcripts.flush();
    const { stdout } = await run('sh', ['-c', `cat ${dir}/lab.db* | grep -c -a -F -- "$P" || true`], { env: { ...process.env, P: password } });
    expect(stdout.trim()).toBe('0');
  });

  it.runIf(existsSync('/usr/bin/sudo'))('knobs as a user that is not root: written through sudo -n, journaled, and restored', async () => {
    const sudoers = '/etc/sudoers.d/numalab-test-knobs';
    cleanups.push(() => existsSync(sudoers) && unlinkSync(sudoers));
    cleanups.push(addTempUser('numalabknobs', '/bin/bash'));
    writeFileSync(sudoers, 'numalabknobs ALL=(ALL) NOPASSWD: ALL\n', { mode: 0o440 });
    const PTS = '/sys/kernel/mm/transparent_hugepage/khugepaged/pages_to_scan';
    const onSys = () => readFileSync(PTS, 'utf8').trim();
    const unlock = await lockMachineKnobs();
    const snap = snapshotKnobFiles();
    try {
      const original = onSys();
      const next = String(Number(original) + 13);

      const sudoUser = `ssh://numalabknobs@127.0.0.1:${sshd.port}`;
      expect(((await lab.dispatch('hosts.connect', { target: sudoUser })) as HostStatus).privilege).toBe('sudo');
      const set = await lab.knobs.set(sudoUser, { 'khugepaged.pages_to_scan': next }, 'cli');
      expect(set.results).toEqual([expect.objectContaining({ id: 'khugepaged.pages_to_scan', ok: true, before: original, after: next })]);
      expect(onSys()).toBe(next);
      expect(lab.knobs.pending().find((p) => p.target === sudoUser)?.knobIds).toEqual(['khugepaged.pages_to_scan']);
      const back = await lab.knobs.restore(sudoUser);
      expect(back).toMatchObject({ restored: 1, failed: 0 });
      expect(onSys()).toBe(original);
      expect(lab.knobs.pending().find((p) => p.target === sudoUser)).toBeUndefined();

    } finally {
      restoreKnobFiles(snap);
      unlock();
    }
  });

  it.runIf(existsSync('/usr/bin/sudo'))('privilege: sudo -n is used when allowed; a sudo password is typed once in the terminal tab', async () => {
    const sudoers = '/etc/sudoers.d/numalab-test';
    cleanups.push(() => existsSync(sudoers) && unlinkSync(sudoers));
    const pw = `sudo-${Math.random().toString(36).slice(2)}-Q1`;
    cleanups.push(addTempUser('numalabsudo', '/bin/dash'));
    cleanups.push(addTempUser('numalabpw2', '/bin/bash', pw));
    writeFileSync(sudoers, 'numalabsudo ALL=(ALL) NOPASSWD: ALL\nnumalabpw2 ALL=(ALL) ALL\n', { mode: 0o440 });

    const nopw = `ssh://numalabsudo@127.0.0.1:${sshd.port}`;
    expect(((await lab.dispatch('hosts.connect', { target: nopw })) as HostStatus).privilege).toBe('sudo');
    const s1 = await lab.session(nopw);
    expect((await s1.exec('id -u')).stdout.trim()).not.toBe('0');
    expect((await s1.execAsRoot('id -u')).stdout).toBe('0\n');

    // Key login for this user would be refused (Match user numalabpw*): log in by password first.
    const target = `ssh://numalabpw2@127.0.0.1:${sshd.port}`;
    const connecting = lab.dispatch('hosts.connect', { target });
    const out: string[] = [];
    const off = lab.subscribe((e, p: any) => e === 'terminal.output' && out.push(p.data));
    await until('ssh password prompt', () => events.find((e) => e.target === target && e.state === 'needs-input'));
    const { terminalId } = (await lab.dispatch('terminal.open', { target, cols: 80, rows: 24 })) as { terminalId: string };
    await until('prompt shown', () => /password:/i.test(out.join('')));
    await lab.dispatch('terminal.input', { terminalId, data: `${pw}\r` });
    expect(((await connecting) as HostStatus).privilege).toBe('sudo-password');
    const s2 = await lab.session(target);
    const before = events.length;
    const rooted = s2.execAsRoot('id -u; cat /proc/1/comm >/dev/null && echo can-read');
    await until('sudo prompt', () => events.slice(before).find((e) => e.target === target && e.state === 'needs-input' && /sudo/.test(e.prompt ?? '')));
    await until('sudo prompt in the tab', () => out.join('').includes('[sudo] password'));
    await lab.dispatch('terminal.input', { terminalId, data: `${pw}\r` });
    expect((await rooted).stdout).toBe('0\ncan-read\n');
    expect((await s2.execAsRoot('id -un')).stdout).toBe('root\n'); // once: no second prompt
    expect((await s2.exec('id -un')).stdout).toBe('numalabpw2\n'); // everything else is not root
    expect(s2.state).toBe('ready');
    off();
    const all = lab.transcripts.forTarget(target).map((r) => r.data).join('');
    expect(all).toContain('[sudo] password');
    expect(all).not.toContain(pw);
  });

  it('kill sshd during a long command: the command fails (long before its sleep ends), the host is lost; restart + reconnect works', async () => {
    const target = rootTarget();
    await lab.dispatch('hosts.connect', { target });
    const s = await lab.session(target);
    await s.exec('echo before-the-end');
    // Kill sshd once the command's first line has arrived (not after a fixed sleep).
    let printed!: () => void;
    const started = new Promise<void>((r) => (printed = r));
    const inflight = s.exec('echo working; sleep 60', { onStdout: (c) => String(c).includes('working') && printed() });
    const caught = inflight.catch((e: Error) => e);
    await settlesWithin(started, LIVENESS_BOUND_MS, "the command's first line");
    sshd.kill();
    const err = await settlesWithin(caught, LIVENESS_BOUND_MS, 'the command failing after sshd died');
    expect(err).toBeInstanceOf(Error);
    expect(String((err as Error).message)).toMatch(/closed|ended|lost/);
    const st = await until('lost', () => (s.state === 'lost' ? s.getStatus() : undefined));
    expect(st.reason).toBeTruthy();
    expect(st.lastLines.join('\n')).toContain('working');
    await expect(s.exec('true')).rejects.toThrow(/is lost/);
    await sshd.stop();
    await sshd.start();
    const back = (await lab.dispatch('hosts.connect', { target })) as HostStatus;
    expect(back.state).toBe('ready');
    expect((await s.exec('echo again')).stdout).toBe('again\n');
  });

  it('a frozen host (network cut) is noticed by the keepalive when idle and when busy; auto-reconnect brings it back', async () => {
    const target = rootTarget();
    await lab.dispatch('hosts.connect', { target, autoReconnect: false });
    const s = await lab.session(target);
    // Idle: only the channel keepalive can notice.
    sshd.freeze();
    try {
      await until('lost (idle)', () => s.state === 'lost', LIVENESS_BOUND_MS);
      expect(s.getStatus().reason).toMatch(/keepalive|ended|closed/);
    } finally {
      sshd.thaw();
    }
    await sshd.stop();
    await sshd.start();
    await lab.dispatch('hosts.connect', { target });
    // Busy: a command in flight; ssh's ServerAlive ends the connection.
    const inflight = s.exec('sleep 60').catch((e: Error) => e);
    await new Promise((r) => setTimeout(r, 200));
    sshd.freeze();
    try {
      const err = await settlesWithin(inflight, LIVENESS_BOUND_MS, 'the command in flight failing on a frozen host');
      expect(err).toBeInstanceOf(Error);
    } finally {
      sshd.thaw();
    }
    await sshd.stop();
    // Automatic reconnection with backoff: it keeps trying while sshd is down, then gets in.
    s.setAutoReconnect(true);
    await until('a failed retry', () => s.getStatus().reconnectAttempts >= 1 && s.state === 'lost', 8000);
    await sshd.start();
    await until('ready again', () => s.state === 'ready', 20000);
    expect((await s.exec('echo back')).stdout).toBe('back\n');
    s.setAutoReconnect(false);
  }, 60000);
});
