import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StartupError } from './startupFailure';

/**
 * The better-sqlite3 binary the desktop app loads: the Electron-ABI build `npm start` makes in
 * electron-abi/ (scripts/electron-abi.mjs writes it and its stamp). better-sqlite3 is not N-API,
 * so the Node build in node_modules cannot load in Electron; a missing or mismatched binary is
 * refused here with the fix, never replaced by the Node one.
 */
export function electronAbiBinding(root: string, electronVersion: string | undefined): string {
  const binding = join(root, 'electron-abi', 'better_sqlite3.node');
  if (!existsSync(binding)) {
    throw new StartupError('abi-missing', `better-sqlite3 has not been built for Electron: ${binding} is missing (the Node build in node_modules cannot load in Electron).`);
  }
  let stamp: Record<string, unknown> = {};
  try {
    stamp = JSON.parse(readFileSync(join(root, 'electron-abi', 'stamp.json'), 'utf8')) as Record<string, unknown>;
  } catch {
    // judged below as a mismatch: nothing says what it was built for
  }
  const want = { electron: electronVersion, 'better-sqlite3': installedVersion(root, 'better-sqlite3') };
  const off = Object.entries(want).filter(([k, v]) => stamp[k] !== v);
  if (off.length) {
    const said = off.map(([k, v]) => `${k} ${typeof stamp[k] === 'string' ? stamp[k] : '(unknown)'}, here ${v ?? '(unknown)'}`).join('; ');
    throw new StartupError('abi-mismatch', `${binding} was built for another version: ${said}.`);
  }
  return binding;
}

function installedVersion(root: string, name: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version?: string }).version;
  } catch {
    return undefined;
  }
}
