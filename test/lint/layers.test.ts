import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkLayers } from '../../scripts/layers.mjs';

const root = mkdtempSync(join(tmpdir(), 'numalab-layers-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function check(file: string, text: string): string[] {
  mkdirSync(dirname(join(root, file)), { recursive: true });
  writeFileSync(join(root, file), text);
  return checkLayers(root, [file]);
}

describe('the layering lint', () => {
  it('fails a renderer file that imports main', () => {
    expect(check('src/renderer/src/a.ts', "import { Lab } from '../../main/lab';\n")).toEqual([
      expect.stringMatching(/src\/renderer\/src\/a.ts:1: renderer must not import \.\.\/\.\.\/main\/lab/),
    ]);
  });
  it('fails shared or sim code that imports node: or electron', () => {
    expect(check('src/shared/b.ts', "import { readFileSync } from 'node:fs';\n")[0]).toMatch(/shared must not import "node:fs" \(a Node module\)/);
    expect(check('src/sim/c.ts', "import x from 'fs';\n")[0]).toMatch(/sim must not import "fs"/);
    expect(check('src/sim/d.ts', "import { app } from 'electron';\n")[0]).toMatch(/sim must not import "electron"/);
  });
  it('fails main code that imports the renderer, and electron outside the entry', () => {
    expect(check('src/main/e.ts', "import { App } from '../renderer/src/App';\n")[0]).toMatch(/main must not import/);
    expect(check('src/main/hosts/f.ts', "import { app } from 'electron';\n")[0]).toMatch(/only src\/main\/index.ts may import electron/);
    expect(check('src/main/index.ts', "import { app } from 'electron';\n")).toEqual([]);
  });
  it('passes the allowed directions', () => {
    expect(check('src/sim/g.ts', "import { z } from 'zod';\nimport { x } from '../shared/y';\n")).toEqual([]);
    expect(check('src/renderer/src/h.tsx', "import { useState } from 'react';\nimport { x } from '../../shared/y';\n")).toEqual([]);
    expect(check('src/main/i.ts', "import Database from 'better-sqlite3';\nimport { s } from '../sim/s';\n")).toEqual([]);
  });
});
