/*
 * numalab-mpol local|default COMMAND [ARG...]
 *
 * Sets the calling task's memory policy, then execs COMMAND (the policy survives execve and is
 * inherited by children).
 *
 * Why: /proc/vmstat is machine-wide, and NUMA balancing scans every task that has had about a
 * second of CPU time (task_tick_numa: sum_exec_runtime past numa_scan_period, which starts at
 * numa_balancing_scan_delay_ms). The lab's long-lived shells on the box (its command channels
 * and the sampler loop) get there, and their PTE updates and hint faults land in the window of
 * the experiment being measured. task_numa_work() skips every VMA whose policy lacks MPOL_F_MOF
 * (`!vma_policy_mof(vma)`); a task without a policy gets preferred_node_policy[], which has it,
 * while one set with set_mempolicy(2) has it only if MPOL_F_NUMA_BALANCING was asked for. So:
 *
 *   local    MPOL_LOCAL: allocates exactly as the default does (on the node the task runs on),
 *            but is never scanned. init starts the channel shells under it.
 *   default  MPOL_DEFAULT: back to the kernel's default (scanned). Every workload the lab starts
 *            goes through it, so the workload is balanced as on any other machine.
 *
 * It also puts SIGINT and SIGQUIT back to their default action before the exec. init starts each
 * port's shell from a loop run with `&`, and a shell without job control starts its `&` commands
 * with SIGINT and SIGQUIT ignored (POSIX); an ignored signal stays ignored across execve, and a
 * shell cannot un-ignore what it was started with. So without this, Ctrl-C in the terminal pane
 * reached `sleep 30` and did nothing.
 *
 * Static, raw syscall: the guest has no libnuma.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MPOL_DEFAULT 0
#define MPOL_LOCAL 4

int main(int argc, char **argv)
{
	int mode;

	if (argc < 3 || (strcmp(argv[1], "local") && strcmp(argv[1], "default"))) {
		fprintf(stderr, "usage: numalab-mpol local|default COMMAND [ARG...]\n");
		return 2;
	}
	mode = strcmp(argv[1], "local") ? MPOL_DEFAULT : MPOL_LOCAL;
	if (syscall(SYS_set_mempolicy, mode, NULL, 0UL) != 0) {
		fprintf(stderr, "numalab-mpol: set_mempolicy(%s): %s\n", argv[1], strerror(errno));
		return 1;
	}
	signal(SIGINT, SIG_DFL);
	signal(SIGQUIT, SIG_DFL);
	execvp(argv[2], argv + 2);
	fprintf(stderr, "numalab-mpol: %s: %s\n", argv[2], strerror(errno));
	return 127;
}
