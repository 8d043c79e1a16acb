/*
 * numa01 / numa02: the autonuma-benchmark shapes (Andrea Arcangeli, 2012), reimplemented from
 * their description so they run static in a busybox guest and report phases to the lab.
 *
 *   numa01 [size_mib=3072] [threads=0] [loops=50] [thp=1] [hold=0]
 *     2 processes (fork), `threads` threads each (0: CPUs/2). Every thread first bzeroes the
 *     whole `size_mib` of its process, then bzeroes the whole of it `loops` times: all threads
 *     of a process share all of its memory (THREAD_SIZE = SIZE), the "hard" false-sharing case.
 *   numa02 [size_mib=1024] [threads=0] [loops=800] [thp=1] [hold=0]
 *     1 process, `threads` threads (0: CPUs); each thread owns size_mib/threads and bzeroes only
 *     its own slice `loops` times: the perfectly partitionable "easy" case.
 *
 * Phases: setup = allocation and the first touch; migrate = the bzero loops, where NUMA
 * balancing moves memory and tasks. Threads are not pinned (as in the original benchmark).
 * Output lines: NUMALAB phase|hold|result|error, as thp-move.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifdef NUMA02
#define NAME "numa02"
#define DEFAULT_SIZE 1024
#define DEFAULT_LOOPS 800
#else
#define NAME "numa01"
#define DEFAULT_SIZE 3072
#define DEFAULT_LOOPS 50
#endif

static long size_mib = DEFAULT_SIZE, threads = 0, loops = DEFAULT_LOOPS, thp = 1, hold_on = 0;
static char *mem;
static size_t mem_len;
static pthread_barrier_t touched, go;

static void die(int code, const char *what)
{
	printf("NUMALAB error %s: %s\n", what, errno ? strerror(errno) : "bad parameter");
	fflush(stdout);
	exit(code);
}

static long num(const char *k, const char *v, long lo, long hi)
{
	char *end;
	errno = 0;
	long x = strtol(v, &end, 10);
	if (errno || *end || end == v || x < lo || x > hi) {
		printf("NUMALAB error bad value for %s: %s (allowed %ld..%ld)\n", k, v, lo, hi);
		exit(2);
	}
	return x;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static volatile sig_atomic_t released;
static void on_usr1(int sig) { (void)sig; released = 1; }

/* hold=1: stop until the lab has snapshotted /proc/vmstat and sent SIGUSR1. */
static void hold(const char *phase)
{
	if (!hold_on) return;
	sigset_t block, old;
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, &old);
	printf("NUMALAB hold %s\n", phase);
	fflush(stdout);
	while (!released) sigsuspend(&old);
	released = 0;
	sigprocmask(SIG_SETMASK, &old, NULL);
}

static void phase(const char *name, const char *edge)
{
	printf("NUMALAB phase %s %s\n", name, edge);
	fflush(stdout);
}

/* A thread's CPU time (its sum_exec_runtime: the clock task_tick_numa() scans by). */
static double thread_cpu(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

struct slice { size_t lo, hi; double loop_cpu, total_cpu; };

static void *worker(void *arg)
{
	struct slice *s = arg;
	memset(mem + s->lo, 0, s->hi - s->lo); /* first touch: this thread's node gets the pages */
	pthread_barrier_wait(&touched);
	pthread_barrier_wait(&go);
	double c0 = thread_cpu();
	for (long i = 0; i < loops; i++) memset(mem + s->lo, 0, s->hi - s->lo);
	s->total_cpu = thread_cpu();
	s->loop_cpu = s->total_cpu - c0;
	return NULL;
}

/* What a process reports to the parent when its threads are done: their CPU time in the loops,
 * and per thread (the first REPORT_THREADS) its loop and total CPU time: each thread is scanned by
 * its own clock, and one process may get a scan in the window while the other does not. */
#define REPORT_THREADS 32
struct done_msg {
	double loop_cpu_sum, loop_cpu_min, total_cpu_sum;
	long nthreads, proc;
	/* Pages between the mmap() and the aligned region: where ASLR put the mapping. The kernel
	 * merges this head with the first thread stack's VMA, and task_numa_work() charges its scan
	 * budget for it, so it decides how much of the region the first pass reaches. */
	long head_gap_pages;
	double loop_cpu[REPORT_THREADS], total_cpu[REPORT_THREADS];
};

/* One process of the benchmark: map, first-touch with all threads, wait for `go_fd`, loop. */
static void run_process(long proc, long nthreads, int ready_fd, int go_fd, int done_fd)
{
	mem_len = (size_t)size_mib << 20;
	/* 2 MiB aligned (map 2 MiB more and align, as thp-move does): 6.1 does not align anonymous
	 * mappings, so an unaligned region's THP count and base-page ends would follow ASLR. */
	char *raw = mmap(NULL, mem_len + (2UL << 20), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (raw == MAP_FAILED) die(3, "mmap");
	mem = (char *)(((uintptr_t)raw + (2UL << 20) - 1) & ~((uintptr_t)(2UL << 20) - 1));
	madvise(mem, mem_len, thp ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
	pthread_t *t = calloc(nthreads, sizeof *t);
	struct slice *s = calloc(nthreads, sizeof *s);
	pthread_barrier_init(&touched, NULL, nthreads + 1);
	pthread_barrier_init(&go, NULL, nthreads + 1);
	for (long i = 0; i < nthreads; i++) {
#ifdef NUMA02
		size_t per = (mem_len / nthreads) & ~((2UL << 20) - 1);
		s[i].lo = i * per;
		s[i].hi = i == nthreads - 1 ? mem_len : (i + 1) * per;
#else
		s[i].lo = 0;
		s[i].hi = mem_len;
#endif
		if (pthread_create(&t[i], NULL, worker, &s[i])) die(3, "pthread_create");
	}
	pthread_barrier_wait(&touched);
	char c = 'r';
	if (write(ready_fd, &c, 1) != 1) die(3, "write");
	if (read(go_fd, &c, 1) != 1) die(3, "read");
	pthread_barrier_wait(&go);
	struct done_msg m = { 0, 1e30, 0, nthreads, proc, (long)((uintptr_t)(mem - raw) / 4096), { 0 }, { 0 } };
	for (long i = 0; i < nthreads; i++) {
		pthread_join(t[i], NULL);
		m.loop_cpu_sum += s[i].loop_cpu;
		m.total_cpu_sum += s[i].total_cpu;
		if (s[i].loop_cpu < m.loop_cpu_min) m.loop_cpu_min = s[i].loop_cpu;
		if (i < REPORT_THREADS) {
			m.loop_cpu[i] = s[i].loop_cpu;
			m.total_cpu[i] = s[i].total_cpu;
		}
	}
	/* One write of less than PIPE_BUF bytes: atomic, so two processes' messages do not mix. */
	if (write(done_fd, &m, sizeof m) != sizeof m) die(3, "write");
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		if (!eq) {
			printf("NUMALAB error expected name=value, got %s\n", argv[i]);
			return 2;
		}
		*eq = 0;
		const char *k = argv[i], *v = eq + 1;
		if (!strcmp(k, "size_mib")) size_mib = num(k, v, 2, 1L << 22);
		else if (!strcmp(k, "threads")) threads = num(k, v, 0, 4096);
		else if (!strcmp(k, "loops")) loops = num(k, v, 1, 1000000);
		else if (!strcmp(k, "thp")) thp = num(k, v, 0, 1);
		else if (!strcmp(k, "hold")) hold_on = num(k, v, 0, 1);
		else {
			printf("NUMALAB error unknown parameter %s (allowed: size_mib threads loops thp hold)\n", k);
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	struct sigaction sa = { .sa_handler = on_usr1 };
	sigaction(SIGUSR1, &sa, NULL);
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
#ifdef NUMA02
	int procs = 1;
	if (!threads) threads = cpus;
#else
	int procs = 2;
	if (!threads) threads = cpus / 2 > 0 ? cpus / 2 : 1;
#endif
	int ready[2], go_pipe[2], done[2];
	if (pipe(ready) || pipe(go_pipe) || pipe(done)) die(3, "pipe");

	hold("setup");
	phase("setup", "begin");
	double t0 = now();
	pid_t kids[2];
	for (int p = 0; p < procs; p++) {
		kids[p] = fork();
		if (kids[p] < 0) die(3, "fork");
		if (kids[p] == 0) {
			run_process(p, threads, ready[1], go_pipe[0], done[1]);
			_exit(0);
		}
	}
	char c;
	for (int p = 0; p < procs; p++)
		if (read(ready[0], &c, 1) != 1) die(3, "read");
	double setup_s = now() - t0;
	phase("setup", "end");

	hold("migrate");
	phase("migrate", "begin");
	/* From the forks to the window (the lab's snapshot included): the children's numa_next_scan
	 * was armed at fork + scan_delay of wall time, so this, not their CPU time, decides whether a
	 * thread whose CPU time passes the scan period early in the window is scanned then. */
	double t1 = now();
	for (int p = 0; p < procs; p++)
		if (write(go_pipe[1], "g", 1) != 1) die(3, "write");
	struct done_msg all = { 0, 1e30, 0, 0, 0, 0, { 0 }, { 0 } };
	struct done_msg by_proc[2] = { { 0 }, { 0 } };
	for (int p = 0; p < procs; p++) {
		struct done_msg m;
		if (read(done[0], &m, sizeof m) != sizeof m) die(3, "read");
		if (m.proc >= 0 && m.proc < procs) by_proc[m.proc] = m;
		all.loop_cpu_sum += m.loop_cpu_sum;
		all.total_cpu_sum += m.total_cpu_sum;
		all.nthreads += m.nthreads;
		if (m.loop_cpu_min < all.loop_cpu_min) all.loop_cpu_min = m.loop_cpu_min;
	}
	double run_s = now() - t1;
	phase("migrate", "end");
	hold("teardown");
	for (int p = 0; p < procs; p++) waitpid(kids[p], NULL, 0);
	printf("NUMALAB result {\"workload\": \"%s\", \"params\": {\"size_mib\": %ld, \"threads\": %ld, \"loops\": %ld, \"thp\": %ld}, "
	       "\"processes\": %d, \"info\": {\"setup_s\": %.3f, \"prewindow_wall_s\": %.4f, \"elapsed_s\": %.3f, "
	       "\"thread_cpu_s\": %.3f, \"thread_cpu_min_s\": %.3f, \"thread_task_cpu_s\": %.3f",
	       NAME, size_mib, threads, loops, thp, procs, setup_s, t1 - t0, run_s,
	       all.loop_cpu_sum / all.nthreads, all.loop_cpu_min, all.total_cpu_sum / all.nthreads);
	/* Per thread, process by process (when every thread fits in the report). */
	if (threads <= REPORT_THREADS) {
		for (int which = 0; which < 2; which++) {
			printf(", \"%s\": [", which ? "threads_task_cpu_s" : "threads_cpu_s");
			for (int p = 0; p < procs; p++)
				for (long i = 0; i < threads; i++)
					printf("%s%.4f", p || i ? ", " : "", which ? by_proc[p].total_cpu[i] : by_proc[p].loop_cpu[i]);
			printf("]");
		}
	}
	printf(", \"region_head_gap_pages\": [");
	for (int p = 0; p < procs; p++) printf("%s%ld", p ? ", " : "", by_proc[p].head_gap_pages);
	printf("]}}\n");
	return 0;
}
