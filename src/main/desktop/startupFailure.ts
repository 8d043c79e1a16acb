/**
 * Why the desktop app could not start, in words for the dialog it shows before it exits non-zero:
 * the cause as found, and what the user does about it.
 */
export const STARTUP_FAILURE_KINDS = ['abi-missing', 'abi-mismatch', 'store-newer', 'store-locked', 'store-unreadable', 'other'] as const;
export type StartupFailureKind = (typeof STARTUP_FAILURE_KINDS)[number];

export class StartupError extends Error {
  constructor(
    readonly kind: StartupFailureKind,
    message: string,
  ) {
    super(message);
    this.name = 'StartupError';
  }
}

export interface StartupFailure {
  kind: StartupFailureKind;
  title: string;
  cause: string;
  fix: string;
}

export function describeStartupFailure(err: unknown, ctx: { dbPath: string }): StartupFailure {
  const message = err instanceof Error ? err.message : String(err);
  const kind = err instanceof StartupError ? err.kind : classify(err, message);
  const otherDb = `or start with another store: NUMA_LAB_DB=/path/to/other.db npm start`;
  switch (kind) {
    case 'abi-missing':
    case 'abi-mismatch':
      return {
        kind,
        title: 'NUMA Lab cannot open its store: better-sqlite3 is not built for this Electron',
        cause: message,
        fix: 'Start the app with `npm start`: it builds better-sqlite3 for the installed Electron into electron-abi/ (delete that folder first to force it).',
      };
    case 'store-newer':
      return { kind, title: 'NUMA Lab cannot open its store: it was written by a newer NUMA Lab', cause: `${ctx.dbPath}: ${message.replace(/; use a newer NUMA Lab or another --db$/, '')}.`, fix: `Update this checkout (git pull, then npm install), ${otherDb}. The store is left as it is.` };
    case 'store-locked':
      return { kind, title: 'NUMA Lab cannot open its store: another process holds it', cause: `${ctx.dbPath} is locked (${message}): another NUMA Lab, or a numa-lab command in the middle of a write.`, fix: `Close the other NUMA Lab or let the command finish, then start again, ${otherDb}.` };
    case 'store-unreadable':
      return { kind, title: 'NUMA Lab cannot open its store', cause: `${ctx.dbPath}: ${message}`, fix: `Check the file's permissions and the disk (\`npx numa-lab runs list --db ${ctx.dbPath}\` shows the same error from the CLI), ${otherDb}.` };
    default:
      return { kind: 'other', title: 'NUMA Lab could not start', cause: message, fix: 'The headless mode runs the same lab without Electron: npm run serve. If it fails the same way, its output says more.' };
  }
}

function classify(err: unknown, message: string): StartupFailureKind {
  const code = (err as { code?: unknown } | null)?.code;
  if (/NODE_MODULE_VERSION|was compiled against a different Node\.js version/.test(message) || code === 'ERR_DLOPEN_FAILED') return 'abi-mismatch';
  if (/newer than this lab knows/.test(message)) return 'store-newer';
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || /database is locked/.test(message)) return 'store-locked';
  if (typeof code === 'string' && code.startsWith('SQLITE_')) return 'store-unreadable';
  return 'other';
}
