import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { Lab, type LabOptions } from '../../src/main/lab';

/**
 * A headless Lab on a fresh SQLite store in its own temp dir, closed and removed after the file's
 * tests. `options` adds to (or overrides) the defaults, e.g. `{ knobs: { autoRestore: false } }`.
 */
export function labInTempDir(prefix: string, options: Partial<LabOptions> = {}): Lab {
  const dir = mkdtempSync(join(tmpdir(), `numalab-${prefix}-`));
  const lab = new Lab({ dbPath: join(dir, 'lab.db'), shell: 'headless', ...options });
  afterAll(async () => {
    await lab.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return lab;
}
