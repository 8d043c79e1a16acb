/*
 * The cost floor for sampling /proc/vmstat (bench/telemetry-sampler.ts): open it once, then per
 * tick one pread at offset 0 (the kernel regenerates the text) and a sleep to an absolute
 * CLOCK_MONOTONIC deadline. It writes nothing while it runs; it keeps each tick's stamp in
 * memory and prints them ("n<ns>" lines) when SIGINT/SIGTERM ends it, so the bench can measure
 * its rate and jitter without adding output work to the loop.
 * Usage: vmstat-reader <rate Hz 1..1000> [write 0|1]
 * With write=1 it also writes the text to stdout each tick (one write, like the lab's sampler),
 * and prints its stamps to stderr instead: the floor plus the cost of handing the data on.
 * Build: gcc -static -O2 -Wall
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_STAMPS (1 << 20)
static volatile sig_atomic_t stop;
static void on_signal(int s) { (void)s; stop = 1; }
static long long stamps[MAX_STAMPS];
static char buf[65536];

static long long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv) {
  long rate = argc == 2 || argc == 3 ? atol(argv[1]) : 0;
  int out = argc == 3 && argv[2][0] == '1';
  if (rate < 1 || rate > 1000) {
    fprintf(stderr, "usage: vmstat-reader <rate Hz 1..1000> [write 0|1]\n");
    return 2;
  }
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  int fd = open("/proc/vmstat", O_RDONLY | O_CLOEXEC);
  if (fd < 0) { perror("/proc/vmstat"); return 1; }
  long long period = 1000000000LL / rate, next = now_ns();
  long n = 0;
  volatile size_t sink = 0;
  while (!stop) {
    long long t = now_ns();
    ssize_t r = pread(fd, buf, sizeof buf, 0);
    if (r > 0) sink += (size_t)r;
    if (r > 0 && out && write(1, buf, (size_t)r) < 0) return 1;
    if (n < MAX_STAMPS) stamps[n++] = t;
    next += period;
    if (now_ns() - next > period) next = now_ns();
    struct timespec ts = {(time_t)(next / 1000000000LL), (long)(next % 1000000000LL)};
    while (!stop && clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR) {}
  }
  for (long i = 0; i < n; i++) fprintf(out ? stderr : stdout, "n%lld\n", stamps[i]);
  return 0;
}
