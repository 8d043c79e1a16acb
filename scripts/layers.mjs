// The import rules between the lab's layers (see ARCHITECTURE.md, "Import direction"):
//   shared ← sim ← main,  shared ← renderer,  shared ← preload.
// Each rule: which folders a layer's files may import from, and which packages.
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

export const LAYERS = [
  { name: 'shared', dir: 'src/shared', mayImport: ['src/shared'], packages: ['zod'] },
  { name: 'sim', dir: 'src/sim', mayImport: ['src/shared', 'src/sim'], packages: ['zod'] },
  { name: 'preload', dir: 'src/preload', mayImport: ['src/shared', 'src/preload'], packages: ['electron'] },
  {
    name: 'renderer',
    dir: 'src/renderer',
    mayImport: ['src/shared', 'src/renderer'],
    packages: ['react', 'react-dom', 'recharts', '@xterm/xterm', '@xterm/addon-fit', 'zod'],
  },
  { name: 'main', dir: 'src/main', mayImport: ['src/shared', 'src/sim', 'src/main'], packages: '*', forbiddenPackages: ['electron', 'react', 'react-dom'] },
];
/** The Electron entry is the one main file allowed to import electron. */
export const ELECTRON_ENTRY = 'src/main/index.ts';
/** Tests beside a layer may use the test runner. */
const TEST_PACKAGES = ['vitest', 'fast-check'];

function packageName(spec) {
  if (spec.startsWith('node:')) return spec;
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** Returns a list of violations `file:line: message` for the given files (paths relative to root). */
export function checkLayers(root, files) {
  const problems = [];
  for (const file of files) {
    const layer = LAYERS.find((l) => file === l.dir || file.startsWith(l.dir + '/'));
    if (!layer) continue;
    const text = readFileSync(resolve(root, file), 'utf8');
    const info = ts.preProcessFile(text, true, true);
    const isTest = /\.test\.tsx?$/.test(file);
    for (const imp of info.importedFiles) {
      const spec = imp.fileName;
      const line = text.slice(0, imp.pos).split('\n').length;
      const where = `${file}:${line}`;
      if (spec.startsWith('.')) {
        const target = relative(root, resolve(root, dirname(file), spec)).split(sep).join('/');
        if (!layer.mayImport.some((d) => target === d || target.startsWith(d + '/'))) {
          problems.push(`${where}: ${layer.name} must not import ${spec} (${target}); ${layer.name} may import from ${layer.mayImport.join(', ')}`);
        }
        continue;
      }
      const pkg = packageName(spec);
      if (isTest && TEST_PACKAGES.includes(pkg)) continue;
      if (/\.css$/.test(spec) && layer.name === 'renderer') continue;
      if (pkg === 'electron' && file === ELECTRON_ENTRY) continue;
      if (layer.packages === '*') {
        if (layer.forbiddenPackages?.includes(pkg)) {
          problems.push(`${where}: only ${ELECTRON_ENTRY} may import ${pkg}; the rest of src/main must run under plain Node`);
        }
        continue;
      }
      if (!layer.packages.includes(pkg)) {
        const env = pkg.startsWith('node:') || ['fs', 'path', 'os', 'child_process', 'net', 'crypto'].includes(pkg) ? ' (a Node module)' : '';
        problems.push(`${where}: ${layer.name} must not import "${spec}"${env}; allowed packages: ${layer.packages.join(', ') || 'none'}`);
      }
    }
  }
  return problems;
}
