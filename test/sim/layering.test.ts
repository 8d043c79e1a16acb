/** src/sim stays environment-free: no node:, fs, DOM or electron, and imports only shared and itself. */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const simDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../src/sim');
function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : [];
  });
}
const files: Record<string, string> = {};
for (const p of [...walk(simDir), ...walk(resolve(simDir, '../shared/workloads')), resolve(simDir, '../shared/experiment.ts')]) {
  const rel = relative(simDir, p);
  files[rel.startsWith('..') ? rel : './' + rel] = readFileSync(p, 'utf8');
}

describe('layering', () => {
  it('found the sources', () => {
    expect(Object.keys(files).length).toBeGreaterThan(10);
  });
  for (const [path, text] of Object.entries(files)) {
    if (path.endsWith('.test.ts')) continue;
    it(`${path} imports only shared and sim, nothing environment-bound`, () => {
      const imports = [...text.matchAll(/from\s+'([^']+)'/g)].map((m) => m[1]!);
      for (const spec of imports) {
        expect(spec.startsWith('node:') || ['fs', 'path', 'electron', 'os', 'worker_threads'].includes(spec)).toBe(false);
        if (spec.startsWith('.')) expect(spec.endsWith('.ts') || spec.endsWith('.js')).toBe(false);
        else expect(spec).toBe('zod');
        if (path.startsWith('./')) expect(spec.includes('/main/') || spec.includes('/renderer/') || spec.includes('/preload/')).toBe(false);
      }
      const code = text.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '').replace(/'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`/g, "''");
      expect(/\b(window|document|navigator)\.|\bprocess\.(env|argv|exit|cwd|memoryUsage|platform|nextTick)|\brequire\(/.test(code)).toBe(false);
    });
  }
});
