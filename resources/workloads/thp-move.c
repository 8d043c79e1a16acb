/*
 * thp-move: the lab's THP migration workload (issue 7; ground-truth cases a, b, c).
 *
 *   thp-move [thps=N] [from=0] [to=1] [thp=1] [zero=0] [unmap=0] [pages=all|head]
 *            [migrate=1] [hold=0] [method=move_pages|mbind|migrate_pages|touch] [secs=8]
 *
 * Pinned to a CPU of node `from`, it maps N*2MiB + 2MiB, aligns to 2 MiB, asks for THPs
 * (thp=0: MADV_NOHUGEPAGE), writes every 4 KiB page (zero=1: with zeros), drops the last
 * `unmap` fraction of each 2 MiB region with MADV_DONTNEED (the partially mapped,
 * deferred-split case), then move_pages(2) to node `to` every mapped page (pages=all) or
 * the first page of each region (pages=head).
 *
 * method= picks how the memory reaches node `to` (the lab's workloads of the same set-up):
 *   move_pages     move_pages(2) with MPOL_MF_MOVE                          (thp-move)
 *   mbind          mbind(MPOL_BIND to `to`, MPOL_MF_MOVE) over the regions  (mbind-move)
 *   migrate_pages  migrate_pages(2) of the whole process from `from` to `to` (migrate-pages)
 *   touch          no system call: the process moves to a CPU of node `to` and writes one byte
 *                  of every mapped page for `secs` seconds; NUMA balancing (if on) does the
 *                  rest through hint faults                                 (numa-touch)
 *
 * Output, one line each, so a lab reading a serial port can parse it:
 *   NUMALAB phase <setup|migrate> <begin|end>
 *   NUMALAB hold <phase>          (hold=1: waits for a line on stdin, or SIGUSR1, first)
 *   NUMALAB result {json}
 *   NUMALAB error <message>       (exit status 2: bad parameter, 3: system call failed)
 *
 * Static, no libnuma: move_pages and getcpu go through syscall(2), node CPUs come from
 * /sys/devices/system/node/nodeN/cpulist, so the binary runs in a busybox initramfs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define HPAGE (2UL << 20)
#define PAGE 4096UL
#define SUBPAGES (HPAGE / PAGE)
#define MAX_NODES 64
/* Status values outside a node number: -errno. Counted per distinct value. */
#define MAX_STATUS_KINDS 32

#ifndef MPOL_MF_MOVE
#define MPOL_MF_MOVE (1 << 1)
#endif

enum method { MOVE_PAGES, MBIND, MIGRATE_PAGES, TOUCH };
static const char *method_names[] = { "move_pages", "mbind", "migrate_pages", "touch" };

struct params {
	long thps, from, to, thp, zero, migrate, hold;
	double unmap, secs;
	int head;
	enum method method;
};

static void die(int code, const char *fmt, const char *arg)
{
	printf("NUMALAB error ");
	printf(fmt, arg);
	printf("\n");
	fflush(stdout);
	exit(code);
}

static long parse_long(const char *name, const char *v, long lo, long hi)
{
	char *end;
	errno = 0;
	long x = strtol(v, &end, 10);
	if (errno || *end || end == v || x < lo || x > hi) die(2, "bad value for %s", name);
	return x;
}

static void parse(int argc, char **argv, struct params *p)
{
	*p = (struct params){ .thps = 8, .from = 0, .to = 1, .thp = 1, .zero = 0, .migrate = 1, .hold = 0, .unmap = 0, .head = 0, .secs = 8, .method = MOVE_PAGES };
	for (int i = 1; i < argc; i++) {
		const char *eq = strchr(argv[i], '=');
		if (!eq) die(2, "expected name=value, got %s", argv[i]);
		char k[32]; /* a copy: argv stays intact, so ps shows the parameters as given */
		snprintf(k, sizeof k, "%.*s", (int)(eq - argv[i]), argv[i]);
		const char *v = eq + 1;
		if (!strcmp(k, "thps")) p->thps = parse_long(k, v, 1, 1 << 20);
		else if (!strcmp(k, "from")) p->from = parse_long(k, v, 0, MAX_NODES - 1);
		else if (!strcmp(k, "to")) p->to = parse_long(k, v, 0, MAX_NODES - 1);
		else if (!strcmp(k, "thp")) p->thp = parse_long(k, v, 0, 1);
		else if (!strcmp(k, "zero")) p->zero = parse_long(k, v, 0, 1);
		else if (!strcmp(k, "migrate")) p->migrate = parse_long(k, v, 0, 1);
		else if (!strcmp(k, "hold")) p->hold = parse_long(k, v, 0, 1);
		else if (!strcmp(k, "pages")) {
			if (!strcmp(v, "all")) p->head = 0;
			else if (!strcmp(v, "head")) p->head = 1;
			else die(2, "pages must be all or head, got %s", v);
		} else if (!strcmp(k, "unmap")) {
			char *end;
			p->unmap = strtod(v, &end);
			if (*end || end == v || !(p->unmap >= 0 && p->unmap <= 1)) die(2, "unmap must be a number in 0..1, got %s", v);
		} else if (!strcmp(k, "method")) {
			int found = 0;
			for (int m = 0; m < 4; m++)
				if (!strcmp(v, method_names[m])) p->method = (enum method)m, found = 1;
			if (!found) die(2, "method must be move_pages, mbind, migrate_pages or touch, got %s", v);
		} else if (!strcmp(k, "secs")) {
			char *end;
			p->secs = strtod(v, &end);
			if (*end || end == v || !(p->secs > 0 && p->secs <= 86400)) die(2, "secs must be a number in (0, 86400], got %s", v);
		} else die(2, "unknown parameter %s", k);
	}
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The process's CPU time (sum_exec_runtime): NUMA balancing's scan clock (task_tick_numa). */
static double cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Pin to the first CPU listed for the node ("0", "0-3,8"): faults then allocate there. */
static void pin_to_node(long node)
{
	char path[96], buf[256];
	snprintf(path, sizeof path, "/sys/devices/system/node/node%ld/cpulist", node);
	FILE *f = fopen(path, "r");
	if (!f) die(2, "no such node: %s", path);
	if (!fgets(buf, sizeof buf, f)) buf[0] = 0;
	fclose(f);
	char *end;
	long cpu = strtol(buf, &end, 10);
	if (end == buf) die(2, "node has no CPU: %s", path);
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof set, &set)) die(3, "sched_setaffinity: %s", strerror(errno));
}

/* A page of .data (initialised, so not .bss) and one of the main thread's TLS block (a static
 * binary sbrk()s it at start-up: the first heap pages): where start-up wrote them (image_nodes). */
static volatile int image_probe = 1;
static __thread int image_tls_probe = 1;

static volatile sig_atomic_t released;
static void on_usr1(int sig) { (void)sig; released = 1; }

/* hold=1: let a sampler snapshot /proc/vmstat between phases. A line on stdin or SIGUSR1 resumes. */
static void hold(const struct params *p, const char *phase)
{
	if (!p->hold) return;
	printf("NUMALAB hold %s\n", phase);
	fflush(stdout);
	char line[64];
	while (!released) {
		if (fgets(line, sizeof line, stdin)) break;
		if (feof(stdin)) {
			/* stdin closed (e.g. </dev/null): only SIGUSR1 can release; block it while
			 * checking the flag so a signal between check and wait is not lost. */
			sigset_t block, old;
			sigemptyset(&block);
			sigaddset(&block, SIGUSR1);
			sigprocmask(SIG_BLOCK, &block, &old);
			while (!released) sigsuspend(&old);
			sigprocmask(SIG_SETMASK, &old, NULL);
			break;
		}
		clearerr(stdin); /* EINTR: the SIGUSR1 handler set `released` */
	}
	released = 0;
}

static void phase(const char *name, const char *edge)
{
	printf("NUMALAB phase %s %s\n", name, edge);
	fflush(stdout);
}

struct tally {
	int value[MAX_STATUS_KINDS];
	long count[MAX_STATUS_KINDS];
	int kinds;
};

static void tally_add(struct tally *t, int v)
{
	for (int i = 0; i < t->kinds; i++)
		if (t->value[i] == v) { t->count[i]++; return; }
	if (t->kinds < MAX_STATUS_KINDS) { t->value[t->kinds] = v; t->count[t->kinds++] = 1; }
}

static const char *errname(int e)
{
	switch (e) {
	case EBUSY: return "EBUSY";
	case EFAULT: return "EFAULT";
	case ENOENT: return "ENOENT";
	case ENOMEM: return "ENOMEM";
	case EACCES: return "EACCES";
	case EINVAL: return "EINVAL";
	case EIO: return "EIO";
	case EAGAIN: return "EAGAIN";
	case E2BIG: return "E2BIG";
	case ENODEV: return "ENODEV";
	case EPERM: return "EPERM";
	default: return NULL;
	}
}

/* {"node1": 4088, "-EBUSY": 8}: the ground truth's status summary format. */
static void print_tally(const struct tally *t)
{
	printf("{");
	for (int i = 0; i < t->kinds; i++) {
		int v = t->value[i];
		if (i) printf(", ");
		if (v >= 0) printf("\"node%d\": %ld", v, t->count[i]);
		else if (errname(-v)) printf("\"-%s\": %ld", errname(-v), t->count[i]);
		else printf("\"%d\": %ld", v, t->count[i]);
	}
	printf("}");
}

/* Where the pages are: move_pages(2) with nodes=NULL only reports. */
static void where(void **addrs, unsigned long n, int *status, struct tally *t)
{
	memset(t, 0, sizeof *t);
	if (syscall(SYS_move_pages, 0, n, addrs, NULL, status, 0) < 0) {
		tally_add(t, -errno);
		return;
	}
	for (unsigned long i = 0; i < n; i++) tally_add(t, status[i]);
}

/* Rss or AnonHugePages (kB) of the workload's own mapping: the VMAs (madvise may have split
 * it in three) overlapping [lo, hi), from /proc/self/smaps, as the ground truth reports them. */
static long smaps_kb(const char *field, uintptr_t lo, uintptr_t hi)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	if (!f) return -1;
	char line[512];
	long total = 0;
	int inside = 0;
	size_t len = strlen(field);
	while (fgets(line, sizeof line, f)) {
		unsigned long start, end;
		if (sscanf(line, "%lx-%lx ", &start, &end) == 2 && strchr(line, '-') < strchr(line, ' ')) {
			inside = start < hi && end > lo;
			continue;
		}
		if (inside && !strncmp(line, field, len) && line[len] == ':') total += strtol(line + len + 1, NULL, 10);
	}
	fclose(f);
	return total;
}

int main(int argc, char **argv)
{
	/* Where exec and start-up put the process's own pages, before it pins itself: the arguments at
	 * the stack's top (written by execve() on the CPU it ran on), main's stack frame, a page of
	 * .data and the main thread's TLS block (a static binary sbrk()s it: the first heap pages),
	 * the last three written after exec, wherever sched_exec() moved it. Whether NUMA balancing's
	 * first scan finds them remote in the window depends on it (sim.image_nodes). */
	int image_nodes[4] = { -1, -1, -1, -1 };
	{
		const void *at[4] = { argv[0], image_nodes, (const void *)&image_probe, &image_tls_probe };
		void *pages[4];
		for (int i = 0; i < 4; i++) pages[i] = (void *)((uintptr_t)at[i] & ~(uintptr_t)(PAGE - 1));
		if (syscall(SYS_move_pages, 0, 4UL, pages, NULL, image_nodes, 0) < 0) image_nodes[0] = image_nodes[1] = image_nodes[2] = image_nodes[3] = -1;
	}
	struct params p;
	parse(argc, argv, &p);
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* No SA_RESTART: SIGUSR1 must interrupt a read blocked in hold(). */
	struct sigaction sa = { .sa_handler = on_usr1 };
	sigaction(SIGUSR1, &sa, NULL);
	pin_to_node(p.from);

	unsigned long len = p.thps * HPAGE;
	unsigned long keep = SUBPAGES - (unsigned long)(p.unmap * SUBPAGES + 0.5); /* mapped subpages per region */

	hold(&p, "setup");
	phase("setup", "begin");
	double t0 = now();
	char *raw = mmap(NULL, len + HPAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (raw == MAP_FAILED) die(3, "mmap: %s", strerror(errno));
	char *base = (char *)(((uintptr_t)raw + HPAGE - 1) & ~(HPAGE - 1));
	if (madvise(base, len, p.thp ? MADV_HUGEPAGE : MADV_NOHUGEPAGE)) die(3, "madvise: %s", strerror(errno));
	for (unsigned long off = 0; off < len; off += PAGE) {
		if (p.zero) base[off] = 0; /* a write of zero still faults the page in */
		else memset(base + off, 0x5a, 64);
	}
	uintptr_t lo = (uintptr_t)raw, hi = lo + len + HPAGE;
	long rss_fault = smaps_kb("Rss", lo, hi), huge_fault = smaps_kb("AnonHugePages", lo, hi);
	if (keep < SUBPAGES)
		for (long r = 0; r < p.thps; r++)
			if (madvise(base + r * HPAGE + keep * PAGE, (SUBPAGES - keep) * PAGE, MADV_DONTNEED)) die(3, "madvise(DONTNEED): %s", strerror(errno));
	double setup_s = now() - t0;
	phase("setup", "end");

	/* The addresses moved: every still-mapped page, or one per region. */
	unsigned long per = p.head ? (keep ? 1 : 0) : keep;
	unsigned long n = per * p.thps;
	void **addrs = calloc(n ? n : 1, sizeof *addrs);
	int *nodes = calloc(n ? n : 1, sizeof *nodes);
	int *status = calloc(n ? n : 1, sizeof *status);
	if (!addrs || !nodes || !status) die(3, "calloc: %s", strerror(errno));
	for (long r = 0, i = 0; r < p.thps; r++)
		for (unsigned long s = 0; s < per; s++, i++) { addrs[i] = base + r * HPAGE + s * PAGE; nodes[i] = (int)p.to; }

	struct tally before, after, moved = { 0 };
	where(addrs, n, status, &before);

	long ret = 0;
	int err = 0;
	double move_s = 0, cpu_start = 0, cpu_end = 0;
	if (p.migrate) {
		hold(&p, "migrate");
		phase("migrate", "begin");
		for (unsigned long i = 0; i < n; i++) status[i] = -12345;
		double t1 = now();
		cpu_start = cpu_now();
		unsigned long mask[MAX_NODES / (8 * sizeof(unsigned long)) + 1] = { 0 }, from_mask[sizeof mask / sizeof mask[0]] = { 0 };
		mask[p.to / (8 * sizeof(unsigned long))] |= 1UL << (p.to % (8 * sizeof(unsigned long)));
		from_mask[p.from / (8 * sizeof(unsigned long))] |= 1UL << (p.from % (8 * sizeof(unsigned long)));
		switch (p.method) {
		case MOVE_PAGES:
			ret = syscall(SYS_move_pages, 0, n, addrs, nodes, status, MPOL_MF_MOVE);
			break;
		case MBIND:
			ret = syscall(SYS_mbind, base, len, 2 /* MPOL_BIND */, mask, (unsigned long)MAX_NODES + 1, MPOL_MF_MOVE);
			break;
		case MIGRATE_PAGES:
			ret = syscall(SYS_migrate_pages, 0, (unsigned long)MAX_NODES + 1, from_mask, mask);
			break;
		case TOUCH: {
			/* The task moves to node `to` and keeps writing its memory: only NUMA balancing's
			 * hint faults can bring the pages over (ground-truth case e). */
			pin_to_node(p.to);
			double end = t1 + p.secs;
			volatile char *v = base;
			while (now() < end)
				for (long r = 0; r < p.thps; r++)
					for (unsigned long s = 0; s < keep; s++) v[r * HPAGE + s * PAGE] = 1;
			break;
		}
		}
		err = ret < 0 ? errno : 0;
		move_s = now() - t1;
		cpu_end = cpu_now();
		phase("migrate", "end");
		if (p.method == MOVE_PAGES)
			for (unsigned long i = 0; i < n; i++) tally_add(&moved, status[i]);
	}
	where(addrs, n, status, &after);
	hold(&p, "teardown");

	printf("NUMALAB result {\"workload\": \"thp-move\", \"params\": {\"thps\": %ld, \"from\": %ld, \"to\": %ld, \"thp\": %ld, \"zero\": %ld, \"unmap\": %g, \"pages\": \"%s\", \"migrate\": %ld}",
	       p.thps, p.from, p.to, p.thp, p.zero, p.unmap, p.head ? "head" : "all", p.migrate);
	printf(", \"method\": \"%s\", \"syscall\": {\"ret\": %ld, \"errno\": %d}", method_names[p.method], ret, err);
	if (p.migrate && p.method == MOVE_PAGES) {
		printf(", \"move_pages_status_summary\": {\"ret\": %ld, \"errno\": %d, \"addresses\": %lu, \"status\": ", ret, err, n);
		print_tally(&moved);
		printf("}");
	} else printf(", \"move_pages_status_summary\": null");
	printf(", \"nodes_before\": ");
	print_tally(&before);
	printf(", \"nodes_after\": ");
	print_tally(&after);
	/* cpu_s: CPU time inside the migrate window; task_cpu_s: the process's CPU time from exec to
	 * the window's end (the runtime task_tick_numa() compares with node_stamp). */
	printf(", \"info\": {\"setup_s\": %.4f, \"move_pages_s\": %.4f, \"cpu_s\": %.4f, \"task_cpu_s\": %.4f, \"image_nodes\": [%d, %d, %d, %d], \"rss_kb_after_fault\": %ld, \"anonhuge_kb_after_fault\": %ld, \"rss_kb\": %ld, \"anonhuge_kb\": %ld}}\n",
	       setup_s, move_s, cpu_end - cpu_start, cpu_end, image_nodes[0], image_nodes[1], image_nodes[2], image_nodes[3], rss_fault, huge_fault, smaps_kb("Rss", lo, hi), smaps_kb("AnonHugePages", lo, hi));
	return ret < 0 ? 3 : 0;
}
