import { Lab } from '../lab';
import { defaultDbPath } from '../store/paths';
import { LAB_VERSION } from '../version';

export function labFromFlags(flags: Record<string, unknown>, shell: 'headless' | 'electron' = 'headless'): Lab {
  const dbPath = typeof flags.db === 'string' ? flags.db : defaultDbPath();
  return new Lab({ dbPath, shell, version: LAB_VERSION });
}
