import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildStaleness, recordBuildInputs } from '../../scripts/build-inputs.mjs';
import { repoRoot } from '../../src/main/repoRoot';

/**
 * Whether `npm start` / `npm run serve` rebuild the app: out/ is judged against the content of
 * everything the build takes in, recorded when it was made.
 */
const work = mkdtempSync(join(tmpdir(), 'numalab-ensure-built-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function checkout(name: string): string {
  const root = join(work, name);
  const files: Record<string, string> = {
    'src/sim/migrate.ts': 'export const migrate_pages_batch = 1;\n',
    'src/sim/migrate.test.ts': 'test\n',
    'src/main/index.ts': 'main\n',
    'src/renderer/src/App.tsx': 'app\n',
    'resources/workloads/thp-move.c': 'int main(void) { return 0; }\n',
    'package.json': '{}\n',
    'package-lock.json': '{}\n',
    'electron.vite.config.ts': 'config\n',
    'out/main/index.js': 'built\n',
    'out/renderer/index.html': 'built\n',
  };
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, f)), { recursive: true });
    writeFileSync(join(root, f), text);
  }
  return root;
}

describe('ensure-built: out/ is rebuilt when anything it is made from changed', () => {
  it('is up to date right after a build records its inputs, and stale when out/ has no record', () => {
    const root = checkout('fresh');
    expect(buildStaleness(root)).toMatchObject({ stale: true, why: expect.stringMatching(/no record of its inputs/) });
    recordBuildInputs(root);
    expect(buildStaleness(root)).toEqual({ stale: false, why: 'up to date', changed: [] });
  });

  it('a change under src/sim (bundled into out/main) makes the next start rebuild, naming the file', () => {
    const root = checkout('sim');
    recordBuildInputs(root);
    writeFileSync(join(root, 'src/sim/migrate.ts'), 'export const migrate_pages_batch = 2;\n');
    expect(buildStaleness(root)).toEqual({ stale: true, why: 'changed since the last build: src/sim/migrate.ts', changed: ['src/sim/migrate.ts'] });
  });

  it('so do package.json, the lockfile, resources/ and a new or deleted source; a unit test beside the code does not', () => {
    const root = checkout('others');
    recordBuildInputs(root);
    writeFileSync(join(root, 'src/sim/migrate.test.ts'), 'another test\n');
    expect(buildStaleness(root).stale).toBe(false);
    writeFileSync(join(root, 'package-lock.json'), '{"lockfileVersion":3}\n');
    writeFileSync(join(root, 'package.json'), '{"version":"2"}\n');
    writeFileSync(join(root, 'resources/workloads/thp-move.c'), 'int main(void) { return 1; }\n');
    writeFileSync(join(root, 'src/sim/new.ts'), 'new\n');
    rmSync(join(root, 'src/renderer/src/App.tsx'));
    expect(buildStaleness(root).changed).toEqual(['package-lock.json', 'package.json', 'resources/workloads/thp-move.c', 'src/renderer/src/App.tsx', 'src/sim/new.ts']);
  });

  it('judges content, not modification times: a file put back as it was is no change', () => {
    const root = checkout('same');
    recordBuildInputs(root);
    writeFileSync(join(root, 'src/main/index.ts'), 'main\n');
    expect(buildStaleness(root).stale).toBe(false);
  });

  it('this checkout: after ensure-built, out/ records what it was made from and is up to date', () => {
    const r = spawnSync(process.execPath, [join(repoRoot(), 'scripts', 'ensure-built.mjs')], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(buildStaleness(repoRoot())).toMatchObject({ stale: false });
    const check = spawnSync(process.execPath, [join(repoRoot(), 'scripts', 'ensure-built.mjs'), '--check'], { encoding: 'utf8' });
    expect([check.status, check.stdout.trim()]).toEqual([0, 'up to date']);
  }, 180_000);
});
