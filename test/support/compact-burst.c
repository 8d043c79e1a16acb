/*
 * A burst of real migrate_pages() calls on any machine, one NUMA node or not (the trace tests,
 * bench/trace-capture.ts): fault <mib> MiB of base pages, free every other page (so compaction
 * has work wherever the region lies), then ask the kernel to compact all memory from this
 * process's own context (reason `compaction`, this pid on every call). Prints one line:
 *   <pid> <ns the compact_memory write took> <pages pgmigrate_success grew by> <CPU ns of this process in the write>
 * so a test can pick this process's calls from a trace, and the bench can set the time of the
 * burst against the pages it moved, with and without a trace.
 * Usage: compact-burst <mib>
 * Build: gcc -O2 -Wall
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static long long pgmigrate_success(void) {
  FILE *f = fopen("/proc/vmstat", "r");
  char name[128];
  long long v, out = -1;
  if (!f) return -1;
  while (fscanf(f, "%127s %lld", name, &v) == 2)
    if (!strcmp(name, "pgmigrate_success")) out = v;
  fclose(f);
  return out;
}

static long long ns(clockid_t c) {
  struct timespec t;
  clock_gettime(c, &t);
  return t.tv_sec * 1000000000LL + t.tv_nsec;
}

int main(int argc, char **argv) {
  if (argc != 2) return 2;
  long bytes = atol(argv[1]) << 20;
  char *p = mmap(0, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return 3;
  madvise(p, bytes, MADV_NOHUGEPAGE);
  for (long i = 0; i < bytes; i += 4096) p[i] = 1;
  for (long i = 0; i < bytes; i += 8192) munmap(p + i, 4096);
  int fd = open("/proc/sys/vm/compact_memory", O_WRONLY);
  if (fd < 0) return 4;
  long long before = pgmigrate_success();
  long long t0 = ns(CLOCK_MONOTONIC), c0 = ns(CLOCK_PROCESS_CPUTIME_ID);
  if (write(fd, "1", 1) != 1) return 5;
  long long t1 = ns(CLOCK_MONOTONIC), c1 = ns(CLOCK_PROCESS_CPUTIME_ID);
  printf("%d %lld %lld %lld\n", (int)getpid(), t1 - t0, pgmigrate_success() - before, c1 - c0);
  return 0;
}
