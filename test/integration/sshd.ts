import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A real Debian sshd on 127.0.0.1 for tests: its own host key, port, config, authorized key and
 * pidfile in a temp dir; no system ssh config is touched. The client side gets an ssh_config
 * (known_hosts in the temp dir, the test key) that the lab uses through NUMA_LAB_SSH_CONFIG.
 */
export interface Sshd {
  port: number;
  dir: string;
  /** ssh_config for the client: known_hosts and key in the temp dir. */
  clientConfig: string;
  pid(): number | undefined;
  /** SIGKILL sshd and every process it started (the connections' sshd children and their shells). */
  kill(): void;
  /** SIGSTOP / SIGCONT the whole tree: the network "cut" without closing a socket. */
  freeze(): void;
  thaw(): void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** Every descendant of pid (from /proc), deepest last. */
export function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(d)]);
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

function signalTree(pid: number | undefined, sig: NodeJS.Signals): void {
  if (!pid) return;
  for (const p of [pid, ...descendants(pid)]) {
    try {
      process.kill(p, sig);
    } catch {
      // already gone
    }
  }
}

export async function startSshd(opts: { extraConfig?: string[] } = {}): Promise<Sshd> {
  const dir = mkdtempSync(join(tmpdir(), 'numalab-sshd-'));
  chmodSync(dir, 0o755);
  const port = await freePort();
  // sshd insists on its privilege-separation dir; Debian creates it at boot, containers may not.
  if (!existsSync('/run/sshd')) mkdirSync('/run/sshd', { mode: 0o755, recursive: true });
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'numalab-test-host', '-f', join(dir, 'host_key')]);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'numalab-test-client', '-f', join(dir, 'id_ed25519')]);
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'id_ed25519.pub')), { mode: 0o644 });
  const cfg = join(dir, 'sshd_config');
  writeFileSync(
    cfg,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${join(dir, 'host_key')}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'UsePAM no',
      'PermitRootLogin yes',
      'StrictModes no',
      'PasswordAuthentication yes',
      'KbdInteractiveAuthentication no',
      'PrintMotd no',
      'PrintLastLog no',
      'MaxSessions 50',
      'MaxStartups 50',
      'LogLevel ERROR',
      ...(opts.extraConfig ?? []),
      // root's sessions get a clean HOME: Debian's bash sources ~/.bashrc for ssh commands, and a
      // machine's own dotfiles (this one runs `pyenv init`, whose rehash lock is left behind when
      // a test kills a login mid-way, hanging every later login) must not decide the tests.
      'Match User root',
      `  SetEnv HOME=${join(dir, 'root-home')}`,
      '',
    ].join('\n'),
  );
  mkdirSync(join(dir, 'root-home'), { mode: 0o700 });
  const clientConfig = join(dir, 'ssh_config');
  writeFileSync(
    clientConfig,
    [
      // Users whose names start with numalabpw authenticate by password only (the pty case).
      'Match user numalabpw*',
      '  PubkeyAuthentication no',
      '  PasswordAuthentication yes',
      'Host *',
      `  UserKnownHostsFile ${join(dir, 'known_hosts')}`,
      '  GlobalKnownHostsFile /dev/null',
      '  StrictHostKeyChecking accept-new',
      `  IdentityFile ${join(dir, 'id_ed25519')}`,
      '  IdentitiesOnly yes',
      '  IdentityAgent none',
      '  KbdInteractiveAuthentication no',
      '  NumberOfPasswordPrompts 1',
      '  LogLevel ERROR',
      '',
    ].join('\n'),
  );
  let child: ChildProcess | undefined;
  let log = '';
  const sshd: Sshd = {
    port,
    dir,
    clientConfig,
    pid: () => child?.pid,
    kill: () => signalTree(child?.pid, 'SIGKILL'),
    freeze: () => signalTree(child?.pid, 'SIGSTOP'),
    thaw: () => signalTree(child?.pid, 'SIGCONT'),
    async start() {
      log = '';
      child = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', cfg], { stdio: ['ignore', 'ignore', 'pipe'] });
      child.stderr!.on('data', (d) => (log += d));
      const until = Date.now() + 10000;
      while (!(await canConnect(port))) {
        if (child.exitCode !== null) throw new Error(`sshd exited with status ${child.exitCode}: ${log}`);
        if (Date.now() > until) throw new Error(`sshd did not listen on ${port} within 10 s: ${log}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async stop() {
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      const gone = new Promise((r) => c.once('exit', r));
      signalTree(c.pid, 'SIGCONT');
      signalTree(c.pid, 'SIGKILL');
      await gone;
    },
  };
  await sshd.start();
  return sshd;
}

export async function removeSshd(s: Sshd): Promise<void> {
  await s.stop();
  rmSync(s.dir, { recursive: true, force: true });
}

/** A temporary local user (removed by the returned function, even if a test failed). */
export function addTempUser(name: string, shell: string, password?: string): () => void {
  try {
    execFileSync('userdel', ['-r', '-f', name], { stdio: 'ignore' });
  } catch {
    // was not there
  }
  execFileSync('useradd', ['-m', '-s', shell, name]);
  if (password !== undefined) execFileSync('chpasswd', [], { input: `${name}:${password}\n` });
  // useradd leaves "!" (locked): with UsePAM no sshd then refuses even a key. "*" = no password, not locked.
  else execFileSync('usermod', ['-p', '*', name]);
  return () => {
    try {
      execFileSync('userdel', ['-r', '-f', name], { stdio: 'ignore' });
    } catch {
      // already removed
    }
  };
}
