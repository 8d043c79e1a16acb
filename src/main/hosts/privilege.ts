import type { CommandChannel, ExecOptions, ExecResult } from './commandChannel';
import type { HostSession } from './hostSession';

/**
 * How the lab may become root on a host:
 *  - root:          the channel already is root;
 *  - sudo:          passwordless `sudo -n` works;
 *  - sudo-password: sudo exists but wants a password, which the user types once in the host's
 *                   terminal tab (the lab routes the prompt there and never sees the answer);
 *  - none:          no way to root (knobs stay read-only).
 * Only scripts passed to asRoot run as root; everything else runs as the login user.
 */
export type Privilege = 'root' | 'sudo' | 'sudo-password' | 'none';
export const PRIVILEGES: readonly Privilege[] = ['root', 'sudo', 'sudo-password', 'none'];

export const PRIVILEGE_SCRIPT = `if [ "$(id -u)" = 0 ]; then echo root
elif command -v sudo >/dev/null 2>&1; then
  if sudo -n true </dev/null >/dev/null 2>&1; then echo sudo; else echo sudo-password; fi
else echo none; fi`;

export async function detectPrivilege(ch: CommandChannel): Promise<Privilege> {
  const r = await ch.exec(PRIVILEGE_SCRIPT, { timeoutMs: 10000 });
  const p = r.stdout.trim() as Privilege;
  return PRIVILEGES.includes(p) ? p : 'none';
}

/** The line that turns a fresh channel shell into a root shell, printing `marker` once sudo let it in. */
export function sudoShellLine(markerA: string, markerB: string, withPassword: boolean): string {
  // The marker is printed as A-B but typed as two words: the tty echo of this line never matches.
  return `exec sudo ${withPassword ? '' : '-n '}-p '[sudo] password for %u (NUMA Lab needs root once): ' -- /bin/sh -c 'printf "%s-%s\\n" ${markerA} ${markerB}; exec /bin/sh'\n`;
}

/** Runs a script as root on the host, through the path its privilege allows. */
export async function asRoot(session: HostSession, script: string, opts?: ExecOptions): Promise<ExecResult> {
  return session.execAsRoot(script, opts);
}
