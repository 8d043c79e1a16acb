import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A process that makes real migrate_pages() calls on any machine, one NUMA node or not: it
 * faults `mib` MiB of base pages, frees every other page (so compaction has work wherever the
 * region lies), asks the kernel to compact all memory from its own context (reason
 * `compaction`, its own pid on each call) and prints its pid.
 */
const FRAGMENT_AND_COMPACT = String.raw`
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/mman.h>
int main(int argc, char **argv) {
  long bytes = atol(argv[1]) << 20;
  char *p = mmap(0, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return 3;
  madvise(p, bytes, MADV_NOHUGEPAGE);
  for (long i = 0; i < bytes; i += 4096) p[i] = 1;
  for (long i = 0; i < bytes; i += 8192) munmap(p + i, 4096);
  int fd = open("/proc/sys/vm/compact_memory", O_WRONLY);
  if (fd < 0 || write(fd, "1", 1) != 1) return 4;
  printf("%d\n", getpid());
  return 0;
}
`;

/** Builds the compactor in `dir` and returns a function that runs it over `mib` MiB and gives its pid. */
export function buildCompactor(dir: string): (mib: number) => number {
  writeFileSync(join(dir, 'compact.c'), FRAGMENT_AND_COMPACT);
  const bin = join(dir, 'compact');
  execFileSync('gcc', ['-O1', '-o', bin, join(dir, 'compact.c')]);
  return (mib) => Number(execFileSync(bin, [String(mib)], { encoding: 'utf8' }).trim());
}
