import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../../src/main/repoRoot';

/**
 * Builds test/support/compact-burst.c into `dir`: a process that makes real migrate_pages()
 * calls on any machine (it fragments `mib` MiB and compacts memory from its own context, reason
 * `compaction`). The function it returns runs it and gives its pid.
 */
export function buildCompactor(dir: string): (mib: number) => number {
  const bin = join(dir, 'compact');
  execFileSync('gcc', ['-O2', '-Wall', '-o', bin, join(repoRoot(), 'test', 'support', 'compact-burst.c')]);
  return (mib) => Number(execFileSync(bin, [String(mib)], { encoding: 'utf8' }).trim().split(' ')[0]);
}
