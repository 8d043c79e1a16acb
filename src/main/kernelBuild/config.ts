import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resourcesDir } from '../testbox/paths';
import { run } from '../testbox/run';
import { KernelBuildError } from './errors';

/** The lab's fragment: the options the virtual NUMA box needs, each with why (resources/kernel/numa-box.config). */
export function labFragmentPath(): string {
  return join(resourcesDir(), 'kernel', 'numa-box.config');
}

/** `CONFIG_X=value` lines of a fragment or .config (`# CONFIG_X is not set` reads as n). */
export function parseConfig(text: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of text.split('\n')) {
    const set = /^(CONFIG_\w+)=(.*)$/.exec(line.trim());
    if (set) m.set(set[1], set[2]);
    const unset = /^# (CONFIG_\w+) is not set$/.exec(line.trim());
    if (unset) m.set(unset[1], 'n');
  }
  return m;
}

/**
 * What the merged config lost of the box's needs: an option the box needs that kconfig did
 * not keep (a dependency missing, or the user's fragment turned it off).
 */
export function missingBoxOptions(merged: string, lab: string, user?: string): string[] {
  const have = parseConfig(merged);
  const userWants = user ? parseConfig(user) : new Map<string, string>();
  const problems: string[] = [];
  for (const [opt, want] of parseConfig(lab)) {
    const got = have.get(opt) ?? 'n';
    if (got === want) continue;
    const why = userWants.has(opt) && userWants.get(opt) !== want ? ` (your fragment sets ${opt}=${userWants.get(opt)})` : ' (a dependency of it is off)';
    problems.push(`${opt}=${want} is needed by the box but the config has ${opt}=${got}${why}`);
  }
  return problems;
}

/**
 * The build's .config, in the out-of-tree object folder: `make tinyconfig` (the smallest kernel
 * that boots: a cold build in minutes), the lab's fragment over it, the user's over that
 * (the user's value wins, unless it takes away what the box needs), then `make olddefconfig`
 * for everything else at its default.
 */
export async function configure(make: (args: string[]) => Promise<{ code: number; out: string }>, tree: string, objs: string, userFragment?: string): Promise<string> {
  const tiny = await make(['tinyconfig']);
  if (tiny.code !== 0) throw new KernelBuildError(`make tinyconfig failed: ${tiny.out.trim().split('\n').slice(-5).join(' | ')}`, 'bad-config', tiny.out);
  const fragments = [labFragmentPath(), ...(userFragment ? [userFragment] : [])];
  const merge = await run(join(tree, 'scripts', 'kconfig', 'merge_config.sh'), ['-m', '-O', objs, join(objs, '.config'), ...fragments], { cwd: tree });
  if (merge.code !== 0) throw new KernelBuildError(`merging the config fragments failed: ${(merge.stdout + merge.stderr).trim().split('\n').slice(-5).join(' | ')}`, 'bad-config');
  const old = await make(['olddefconfig']);
  if (old.code !== 0) throw new KernelBuildError(`make olddefconfig failed: ${old.out.trim().split('\n').slice(-5).join(' | ')}`, 'bad-config', old.out);
  const merged = readFileSync(join(objs, '.config'), 'utf8');
  const missing = missingBoxOptions(merged, readFileSync(labFragmentPath(), 'utf8'), userFragment ? readFileSync(userFragment, 'utf8') : undefined);
  if (missing.length) throw new KernelBuildError(`the kernel config cannot run in the box: ${missing.join('; ')}. The box's needs and why are in ${labFragmentPath()}`, 'bad-config');
  return merged;
}

export function checkFragmentFile(path: string): void {
  // merge_config.sh splits its file list on whitespace: such a path would name other files.
  if (/\s/.test(path)) throw new KernelBuildError(`--config-fragment ${JSON.stringify(path)}: a path with whitespace cannot be passed to the kernel's merge_config.sh; copy the fragment to a path without spaces`, 'bad-config');
  if (!existsSync(path)) throw new KernelBuildError(`--config-fragment ${path}: no such file`, 'bad-config');
  const text = readFileSync(path, 'utf8');
  const bad = text.split('\n').map((l, i) => [l.trim(), i + 1] as const).filter(([l]) => l && !l.startsWith('#') && !/^CONFIG_\w+=(?:y|n|m|-?\d+|0x[0-9a-fA-F]+|"[^"]*")$/.test(l));
  if (bad.length) throw new KernelBuildError(`--config-fragment ${path}: line ${bad[0][1]} "${bad[0][0]}" is not CONFIG_NAME=value (y, n, a number or a "string") or a # comment`, 'bad-config');
  if (/^CONFIG_\w+=m$/m.test(text)) throw new KernelBuildError(`--config-fragment ${path}: =m builds a module, and the box has no modules (CONFIG_MODULES=n): use =y`, 'bad-config');
}
