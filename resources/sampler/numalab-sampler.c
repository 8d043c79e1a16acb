/*
 * numalab-sampler: the lab's on-host sampler in C, for the cost floor.
 *
 * It prints exactly the frames src/shared/telemetry/frameParser.ts reads (the same stream the
 * POSIX sh sampler in src/main/telemetry/samplerScript.ts prints), so nothing after the host
 * changes:
 *
 *   @I <key> <value>                       header (kernel, sampler c, clock n, period_us, ...)
 *   @K <kmsg record>                       kernel-log records that arrived since the last tick
 *   @T <seq> n<CLOCK_MONOTONIC ns>         a frame begins
 *   <vmstat name> <value>                  /proc/vmstat, verbatim
 *   numastat.node<N>.<key> <value>         every extras-every ticks
 *   meminfo.node<N>.<Key> <value>          MemFree MemUsed AnonHugePages ShmemHugePages FileHugePages
 *   mthp.<size>kB.<stat> <value>           every hugepages-<size>kB/stats/<stat> file
 *   @E <seq>                               the frame is complete
 *
 * Usage: numalab-sampler <rate Hz 1..100> <extras every N ticks 1..1000000> <kmsg 0|1>
 *
 * Why it is shaped like this (it runs on the machine under test, up to 100 times a second):
 * - every file is opened ONCE at start; a tick is one pread(fd, buf, size, 0) per file (a read at
 *   offset 0 makes procfs/sysfs regenerate the text), no open/close, no stdio, no allocation;
 * - the whole frame (kmsg records, @T, values, @E) is built in one buffer and leaves in ONE
 *   write(1): one syscall of output per tick, and a reader never sees half a frame from us;
 * - the ~170 per-node and mTHP files cost more than vmstat itself, so they are read only every
 *   <extras every> ticks (the lab asks for every 2 s: levels and slow counters);
 * - sleeps are clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME) to absolute deadlines, so the
 *   loop's own work never makes the rate drift; more than one period late, it resyncs to now
 *   (like the shell loop) instead of firing a burst of catch-up ticks;
 * - /dev/kmsg is non-blocking and drained at each tick (one read per record, EAGAIN = none left).
 * Build: gcc -static -O2 -Wall (the QEMU box has no libc; one binary serves every x86-64 host).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#define MAX_NODES 1024
#define MAX_MTHP 1024
#define OUT_CAP (1 << 20)
#define FILE_CAP (64 * 1024)
#define KMSG_REC 16384

static volatile sig_atomic_t stop_requested;
static void on_signal(int sig) { (void)sig; stop_requested = 1; }

static char out[OUT_CAP];
static size_t outn;
static char fbuf[FILE_CAP];
static long page_size;

struct node { int id; int numastat; int meminfo; };
struct mthp { int fd; char name[320]; };
static struct node nodes[MAX_NODES];
static int nnodes;
static struct mthp mthps[MAX_MTHP];
static int nmthp;

static void put(const char *s, size_t n) {
  if (outn + n > OUT_CAP) n = OUT_CAP - outn; /* cannot happen with the files we read; never overrun */
  memcpy(out + outn, s, n);
  outn += n;
}
static void puts0(const char *s) { put(s, strlen(s)); }
static void putu(unsigned long long v) {
  char t[24];
  int i = sizeof t;
  do { t[--i] = (char)('0' + v % 10); v /= 10; } while (v);
  put(t + i, sizeof t - i);
}

/* All of out[] to stdout, looping on short writes; a write error (the reader is gone) ends us. */
static void flush_out(void) {
  size_t at = 0;
  while (at < outn) {
    ssize_t w = write(1, out + at, outn - at);
    if (w < 0 && errno == EINTR && !stop_requested) continue; /* a stop ends even a blocked write */
    if (w <= 0) _exit(stop_requested ? 0 : 1);
    at += (size_t)w;
  }
  outn = 0;
}

/*
 * The file's text into fbuf, NUL-terminated; returns its length or -1.
 * One pread in the normal case. procfs and sysfs are seq_files: one read returns at most what
 * fits in the kernel's page-sized seq buffer, so only a read that ended within a record's length
 * of a page (or filled our buffer) can be short, and only then do we read on.
 */
static ssize_t read_to(int fd, char *dst, size_t cap) {
  size_t n = 0;
  for (;;) {
    ssize_t r = pread(fd, dst + n, cap - n, (off_t)n);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return n ? (ssize_t)n : -1;
    n += (size_t)r;
    if (r == 0 || n >= cap) break;
    if (r < page_size - 128) break; /* ended well short of a full seq buffer: that was EOF */
  }
  return (ssize_t)n;
}
static ssize_t read_file(int fd) {
  ssize_t n = read_to(fd, fbuf, FILE_CAP - 1);
  if (n >= 0) fbuf[n] = 0;
  return n;
}

static int by_id(const void *a, const void *b) { return ((const struct node *)a)->id - ((const struct node *)b)->id; }
static int by_name(const void *a, const void *b) { return strcmp(((const struct mthp *)a)->name, ((const struct mthp *)b)->name); }

static int all_digits(const char *s) {
  if (!*s) return 0;
  for (; *s; s++) if (*s < '0' || *s > '9') return 0;
  return 1;
}

static void open_nodes(void) {
  DIR *d = opendir("/sys/devices/system/node");
  if (!d) return;
  struct dirent *e;
  char p[512];
  while ((e = readdir(d)) && nnodes < MAX_NODES) {
    if (strncmp(e->d_name, "node", 4) || !all_digits(e->d_name + 4)) continue;
    struct node *n = &nodes[nnodes];
    n->id = atoi(e->d_name + 4);
    snprintf(p, sizeof p, "/sys/devices/system/node/%s/numastat", e->d_name);
    n->numastat = open(p, O_RDONLY | O_CLOEXEC);
    snprintf(p, sizeof p, "/sys/devices/system/node/%s/meminfo", e->d_name);
    n->meminfo = open(p, O_RDONLY | O_CLOEXEC);
    if (n->numastat >= 0 || n->meminfo >= 0) nnodes++;
  }
  closedir(d);
  qsort(nodes, nnodes, sizeof nodes[0], by_id);
}

static void open_mthp(void) {
  const char *root = "/sys/kernel/mm/transparent_hugepage";
  DIR *d = opendir(root);
  if (!d) return;
  struct dirent *e;
  char p[512];
  while ((e = readdir(d))) {
    size_t l = strlen(e->d_name);
    if (strncmp(e->d_name, "hugepages-", 10) || l < 13 || strcmp(e->d_name + l - 2, "kB")) continue;
    const char *size = e->d_name + 10; /* "2048kB": the name the shell sampler prints */
    snprintf(p, sizeof p, "%s/%s/stats", root, e->d_name);
    DIR *s = opendir(p);
    if (!s) continue;
    struct dirent *f;
    while ((f = readdir(s)) && nmthp < MAX_MTHP) {
      if (f->d_name[0] == '.') continue;
      char fp[1024];
      snprintf(fp, sizeof fp, "%s/%s", p, f->d_name);
      int fd = open(fp, O_RDONLY | O_CLOEXEC);
      if (fd < 0) continue;
      mthps[nmthp].fd = fd;
      snprintf(mthps[nmthp].name, sizeof mthps[nmthp].name, "mthp.%s.%s ", size, f->d_name);
      nmthp++;
    }
    closedir(s);
  }
  closedir(d);
  qsort(mthps, nmthp, sizeof mthps[0], by_name);
}

/* "numa_hit 123\n..." → "numastat.node0.numa_hit 123\n..." */
static void emit_numastat(int id, int fd) {
  if (fd < 0 || read_file(fd) < 0) return;
  for (char *l = fbuf, *nl; *l; l = nl + 1) {
    nl = strchr(l, '\n');
    if (!nl) nl = l + strlen(l);
    if (nl > l) {
      puts0("numastat.node"); putu((unsigned)id); put(".", 1);
      put(l, (size_t)(nl - l)); put("\n", 1);
    }
    if (!*nl) break;
  }
}

/* "Node 0 MemFree:  12345 kB" → "meminfo.node0.MemFree 12345", for the keys the shell prints. */
static void emit_meminfo(int id, int fd) {
  static const char *keys[] = {"MemFree:", "MemUsed:", "AnonHugePages:", "ShmemHugePages:", "FileHugePages:"};
  if (fd < 0 || read_file(fd) < 0) return;
  for (char *l = fbuf, *nl; *l; l = nl + 1) {
    nl = strchr(l, '\n');
    if (nl) *nl = 0;
    char *k = l;
    for (int w = 0; w < 2 && *k; w++) { /* skip "Node" and "<N>" */
      while (*k == ' ') k++;
      while (*k && *k != ' ') k++;
    }
    while (*k == ' ') k++;
    char *ke = k;
    while (*ke && *ke != ' ') ke++;
    for (unsigned i = 0; i < sizeof keys / sizeof keys[0]; i++) {
      size_t kl = strlen(keys[i]);
      if ((size_t)(ke - k) != kl || memcmp(k, keys[i], kl)) continue;
      char *v = ke;
      while (*v == ' ') v++;
      char *ve = v;
      while (*ve >= '0' && *ve <= '9') ve++;
      if (ve == v) break;
      puts0("meminfo.node"); putu((unsigned)id); put(".", 1);
      put(k, kl - 1); put(" ", 1); put(v, (size_t)(ve - v)); put("\n", 1);
      break;
    }
    if (!nl) break;
  }
}

static void emit_mthp(void) {
  for (int i = 0; i < nmthp; i++) {
    ssize_t n = read_file(mthps[i].fd);
    if (n <= 0) continue;
    char *v = fbuf, *ve = fbuf;
    while (*ve >= '0' && *ve <= '9') ve++;
    if (ve == v) continue;
    puts0(mthps[i].name); put(v, (size_t)(ve - v)); put("\n", 1);
  }
}

static int kfd = -1;
static unsigned long long kmsg_overruns;
static char krec[KMSG_REC];

/* Every record that arrived since the last tick, first line only (continuation lines dropped). */
static void drain_kmsg(void) {
  if (kfd < 0) return;
  for (int guard = 0; guard < 4096; guard++) {
    ssize_t r = read(kfd, krec, sizeof krec - 1);
    if (r < 0) {
      if (errno == EINTR) continue;
      if (errno == EPIPE) { /* records were overwritten before we read them: say so, go on */
        if (!kmsg_overruns++) puts0("@X kmsg_overrun kernel-log records were overwritten in the ring buffer before the sampler read them\n");
        puts0("@I kmsg_overruns "); putu(kmsg_overruns); put("\n", 1);
        continue;
      }
      return; /* EAGAIN: nothing more now */
    }
    if (r == 0) return;
    krec[r] = 0;
    char *nl = memchr(krec, '\n', (size_t)r);
    size_t len = nl ? (size_t)(nl - krec) : (size_t)r;
    if (!len || krec[0] == ' ') continue;
    puts0("@K "); put(krec, len); put("\n", 1);
    if (outn > OUT_CAP - 2 * KMSG_REC) flush_out();
  }
}

static long parse_int(const char *s, long lo, long hi) {
  if (!s || !*s) return -1;
  long v = 0;
  for (const char *p = s; *p; p++) {
    if (*p < '0' || *p > '9' || v > 100000000) return -1;
    v = v * 10 + (*p - '0');
  }
  return v >= lo && v <= hi ? v : -1;
}

static long long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv) {
  long rate = argc == 4 ? parse_int(argv[1], 1, 100) : -1;
  long every = argc == 4 ? parse_int(argv[2], 1, 1000000) : -1;
  long km = argc == 4 ? parse_int(argv[3], 0, 1) : -1;
  if (rate < 0 || every < 0 || km < 0) {
    if (argc != 4) fprintf(stderr, "numalab-sampler: expected 3 arguments, got %d\n", argc - 1);
    else if (rate < 0) fprintf(stderr, "numalab-sampler: bad rate %s\n", argv[1]);
    else if (every < 0) fprintf(stderr, "numalab-sampler: bad extras-every %s\n", argv[2]);
    else fprintf(stderr, "numalab-sampler: bad kmsg %s\n", argv[3]);
    fprintf(stderr,
            "usage: numalab-sampler <rate> <extras-every> <kmsg>\n"
            "  rate          samples per second, an integer from 1 to 100\n"
            "  extras-every  read the per-node and mTHP files every this many ticks, an integer from 1 to 1000000\n"
            "  kmsg          1 to print /dev/kmsg records as @K lines, 0 not to\n");
    return 2;
  }
  page_size = sysconf(_SC_PAGESIZE);
  if (page_size <= 256) page_size = 4096;

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal; /* no SA_RESTART: the sleep returns EINTR and the loop ends */
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGHUP, &sa, NULL);
  signal(SIGPIPE, SIG_IGN); /* a vanished reader is a write error (EPIPE), handled in flush_out */

  int vfd = open("/proc/vmstat", O_RDONLY | O_CLOEXEC);
  open_nodes();
  open_mthp();

  long long period = 1000000000LL / rate;
  struct utsname u;
  char rel[256] = "";
  if (uname(&u) == 0) snprintf(rel, sizeof rel, "%s", u.release);
  puts0("@I kernel "); puts0(rel); put("\n", 1);
  puts0("@I sampler c\n@I clock n\n@I period_us "); putu((unsigned long long)(period / 1000));
  puts0("\n@I extras_every "); putu((unsigned long long)every);
  int files = (vfd >= 0) + nmthp;
  for (int k = 0; k < nnodes; k++) files += (nodes[k].numastat >= 0) + (nodes[k].meminfo >= 0);
  puts0("\n@I files "); putu((unsigned long long)files); put("\n", 1);
  if (vfd < 0) { puts0("@X vmstat /proc/vmstat cannot be opened: "); puts0(strerror(errno)); put("\n", 1); }
  if (km) {
    kfd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (kfd >= 0 && lseek(kfd, 0, SEEK_END) < 0) { close(kfd); kfd = -1; errno = EINVAL; }
    if (kfd >= 0) puts0("@I kmsg /dev/kmsg\n");
    else {
      puts0("@X kmsg /dev/kmsg is not readable here (");
      puts0(strerror(errno));
      puts0("; needs root or kernel.dmesg_restrict=0); kernel-log events are off\n");
    }
  }
  flush_out();

  long long next = now_ns();
  for (unsigned long long i = 0; !stop_requested; i++) {
    drain_kmsg();
    long long t = now_ns();
    puts0("@T "); putu(i); puts0(" n"); putu((unsigned long long)t); put("\n", 1);
    if (vfd >= 0) {
      /* vmstat is already "name value" lines: read straight into the frame, no copy */
      size_t room = OUT_CAP - outn - 1;
      ssize_t n = read_to(vfd, out + outn, room < FILE_CAP ? room : FILE_CAP);
      if (n > 0) { outn += (size_t)n; if (out[outn - 1] != '\n') put("\n", 1); }
    }
    if (i % (unsigned long long)every == 0) {
      for (int k = 0; k < nnodes; k++) {
        emit_numastat(nodes[k].id, nodes[k].numastat);
        emit_meminfo(nodes[k].id, nodes[k].meminfo);
      }
      emit_mthp();
    }
    puts0("@E "); putu(i); put("\n", 1);
    flush_out();

    next += period;
    long long late = now_ns() - next;
    if (late > period) next = now_ns(); /* far behind (suspended, starved): resync, no burst */
    struct timespec ts = {(time_t)(next / 1000000000LL), (long)(next % 1000000000LL)};
    while (!stop_requested && clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR) {}
  }
  return 0;
}
