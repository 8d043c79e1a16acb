import { mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The HOME the tests' shells start in: a clean one, so the local terminal pane and every shell a
 * test starts run a plain bash, not this machine's dotfiles. Why: this machine's root `.bashrc`
 * runs `pyenv init`, whose `pyenv rehash` takes a lock file (`~/.pyenv/shims/.pyenv-shim`). A test
 * that closes a terminal while that runs can leave the lock behind, and then every later
 * interactive bash waits 60 s for it: CI failed that way (two e2e tests saw no prompt in 15 s).
 * The lab itself still starts the user's own shell with the user's own HOME.
 *
 * Kept as it was: the virtual NUMA box's kernel cache (NUMA_LAB_CACHE), so a run does not fetch
 * the Debian kernels again.
 */
export function testHomeEnv(root: string): Record<string, string> {
  const home = join(root, 'test', 'artifacts', 'home');
  mkdirSync(home, { recursive: true });
  const rc = "# The tests' HOME (test/support/testHome.ts): a plain interactive bash.\nPS1='\\u@\\h:\\w\\$ '\n";
  writeFileSync(join(home, '.bashrc'), rc);
  writeFileSync(join(home, '.profile'), '[ -f ~/.bashrc ] && . ~/.bashrc\n');
  const realCache = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return {
    HOME: home,
    NUMA_LAB_CACHE: process.env.NUMA_LAB_CACHE || join(realCache, 'numa-lab', 'testbox'),
  };
}
