import { createHash } from 'node:crypto';
import type { HostTarget } from '../../shared/hostTarget';

type SshTarget = Extract<HostTarget, { kind: 'ssh' }>;

/**
 * argv for the system OpenSSH client. Every user-supplied part was validated by hostTarget.ts;
 * here each goes into its own argv entry (no local shell ever sees it), the user and port as
 * option values (`-l`, `-p`), and the host after `--`, so nothing can be read as an option.
 */
export interface SshArgOptions {
  /** The control socket of this host's master connection. */
  controlPath: string;
  /** An ssh_config file to use instead of ~/.ssh/config (NUMA_LAB_SSH_CONFIG); absolute path. */
  configFile?: string;
}

/** Seconds between ssh-level keepalives, and how many may go unanswered before ssh gives up. */
export const SERVER_ALIVE_INTERVAL_S = 1;
export const SERVER_ALIVE_COUNT_MAX = 3;
/** How long the detached master outlives its last client (so a crashed lab leaves nothing behind for long). */
export const CONTROL_PERSIST_S = 30;

function common(t: SshTarget, o: SshArgOptions): string[] {
  const a: string[] = [];
  if (o.configFile) {
    if (!o.configFile.startsWith('/')) throw new Error(`the ssh config file must be an absolute path, got ${JSON.stringify(o.configFile)}`);
    a.push('-F', o.configFile);
  }
  a.push('-o', `ControlPath=${o.controlPath}`);
  if (t.user !== undefined) a.push('-l', t.user);
  if (t.port !== undefined) a.push('-p', String(t.port));
  return a;
}

function hostArg(t: SshTarget): string {
  // An IPv6 literal is written [::1] in the target; ssh wants it bare.
  const h = t.host.startsWith('[') ? t.host.slice(1, -1) : t.host;
  if (h.startsWith('-')) throw new Error(`refusing a host that starts with "-": ${JSON.stringify(h)}`);
  return h;
}

/**
 * The master: an interactive login session (what the user's first terminal tab shows; prompts
 * appear and are answered there) that, once authenticated, detaches the connection into a
 * background master (ControlPersist) serving every other stream of this host.
 */
export function masterArgs(t: SshTarget, o: SshArgOptions): string[] {
  return [
    '-tt',
    ...common(t, o),
    '-o', 'ControlMaster=auto',
    '-o', `ControlPersist=${CONTROL_PERSIST_S}`,
    '-o', `ServerAliveInterval=${SERVER_ALIVE_INTERVAL_S}`,
    '-o', `ServerAliveCountMax=${SERVER_ALIVE_COUNT_MAX}`,
    '-o', 'ConnectTimeout=10',
    '--', hostArg(t),
  ];
}

/**
 * A further stream over the master: never a connection of its own (ControlMaster=no + BatchMode,
 * so a missing master fails at once instead of prompting on a stream no one sees), no escape
 * character (a line starting with "~." in a script must not be taken by ssh).
 */
export function muxArgs(t: SshTarget, o: SshArgOptions, command?: string): string[] {
  return [
    '-tt',
    ...common(t, o),
    '-o', 'ControlMaster=no',
    '-o', 'BatchMode=yes',
    '-e', 'none',
    '--', hostArg(t),
    ...(command === undefined ? [] : [command]),
  ];
}

/** `ssh -O <op>` on the master (check, exit). */
export function controlArgs(t: SshTarget, o: SshArgOptions, op: 'check' | 'exit'): string[] {
  return [...common(t, o), '-O', op, '--', hostArg(t)];
}

/** A short, stable socket name per (user, host, port, config): unix socket paths are limited to 108 bytes. */
export function controlName(t: SshTarget, configFile?: string): string {
  return createHash('sha256')
    .update(JSON.stringify([t.user ?? '', t.host, t.port ?? 0, configFile ?? '']))
    .digest('hex')
    .slice(0, 16);
}
