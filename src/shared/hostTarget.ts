/**
 * Host targets as users type them (`local`, `ssh://root@box:2222`, `box`, `serial:/dev/pts/3`,
 * `testbox:numa2`). Everything is validated here, before any part of it can reach a command line:
 * the allowed alphabet of each part leaves nothing a shell or ssh could read as syntax or an option.
 */
export type HostTarget =
  | { kind: 'local' }
  | { kind: 'ssh'; user?: string; host: string; port?: number; alias: boolean }
  | { kind: 'serial'; path: string }
  | { kind: 'testbox'; name: string };

export const TARGET_FORMS =
  'local, ssh://[user@]host[:port], an ssh config alias (letters, digits, ".", "_", "-"), serial:/absolute/path (a pty or unix socket), testbox:<name>';

export class TargetError extends Error {
  constructor(given: string, why: string) {
    super(`host target ${JSON.stringify(given)} is not valid: ${why}. Allowed forms: ${TARGET_FORMS}`);
    this.name = 'TargetError';
  }
}

const USER = /^[A-Za-z_][A-Za-z0-9_.-]{0,31}$/;
const HOST_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const IPV6 = /^[0-9A-Fa-f:.]{2,45}$/;
const ALIAS = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const PATH = /^\/[A-Za-z0-9._\/-]{0,1023}$/;
const BOX = /^[a-z0-9][a-z0-9-]{0,31}$/;

function validHost(h: string): boolean {
  if (h.startsWith('[') && h.endsWith(']')) return IPV6.test(h.slice(1, -1)) && h.includes(':');
  return h.length <= 253 && h.split('.').every((l) => HOST_LABEL.test(l));
}

export function parseHostTarget(raw: string): HostTarget {
  const s = raw;
  if (typeof s !== 'string' || s.length === 0) throw new TargetError(String(raw), 'it is empty');
  if (/[\x00-\x20\x7f]/.test(s)) throw new TargetError(s, 'it contains whitespace or control characters');
  if (s === 'local' || s === 'localhost-pty') return { kind: 'local' };
  if (s.startsWith('ssh://')) {
    const m = /^ssh:\/\/(?:([^@/]*)@)?(\[[^\]]*\]|[^:/@]*)(?::([^/]*))?\/?$/.exec(s);
    if (!m) throw new TargetError(s, 'expected ssh://[user@]host[:port]');
    const [, user, host, port] = m;
    if (user !== undefined && !USER.test(user)) throw new TargetError(s, `user ${JSON.stringify(user)} must be letters, digits, "_", "." or "-" and not start with "-"`);
    if (!host || !validHost(host)) throw new TargetError(s, `host ${JSON.stringify(host)} is not a host name or address`);
    let portNum: number | undefined;
    if (port !== undefined) {
      portNum = /^\d{1,5}$/.test(port) ? Number(port) : NaN;
      if (!(portNum >= 1 && portNum <= 65535)) throw new TargetError(s, `port ${JSON.stringify(port)} must be a number from 1 to 65535`);
    }
    return { kind: 'ssh', user, host, port: portNum, alias: false };
  }
  if (s.startsWith('serial:')) {
    const path = s.slice('serial:'.length);
    if (!PATH.test(path) || path.split('/').includes('..')) throw new TargetError(s, 'the serial path must be absolute and use only letters, digits, ".", "_", "-" and "/" (no "..")');
    return { kind: 'serial', path };
  }
  if (s.startsWith('testbox:')) {
    const name = s.slice('testbox:'.length);
    if (!BOX.test(name)) throw new TargetError(s, 'a testbox name is 1-32 lowercase letters, digits or "-", starting with a letter or digit');
    return { kind: 'testbox', name };
  }
  if (s.includes(':') || s.includes('/') || s.includes('@')) throw new TargetError(s, 'unknown scheme');
  if (!ALIAS.test(s)) throw new TargetError(s, 'an ssh alias must start with a letter or digit and use only letters, digits, ".", "_" and "-"');
  return { kind: 'ssh', host: s, alias: true };
}

/** The canonical string for a parsed target (stable key for the store). */
export function formatHostTarget(t: HostTarget): string {
  switch (t.kind) {
    case 'local':
      return 'local';
    case 'ssh':
      if (t.alias) return t.host;
      return `ssh://${t.user ? `${t.user}@` : ''}${t.host}${t.port ? `:${t.port}` : ''}`;
    case 'serial':
      return `serial:${t.path}`;
    case 'testbox':
      return `testbox:${t.name}`;
  }
}
