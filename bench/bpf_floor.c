// SPDX-License-Identifier: MIT
/* bpf_floor CMD [ARGS]: run CMD with two empty programs attached to the
 * raw_syscalls tracepoints (bpf_floor.bpf.c), the cost every syscall pays
 * under an eBPF tracer before the tracer does any work. Exits with CMD's
 * status. */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bpf_floor.skel.h"

int main(int argc, char **argv)
{
	if (argc < 2) {
		(void)fprintf(stderr, "usage: bpf_floor CMD [ARGS]\n");
		return 2;
	}
	struct bpf_floor *s = bpf_floor__open_and_load();
	if (!s || bpf_floor__attach(s) != 0) {
		(void)fprintf(stderr, "bpf_floor: cannot load or attach the programs\n");
		return 1;
	}
	pid_t pid = fork();
	if (pid == 0) {
		execvp(argv[1], argv + 1);
		_exit(127);
	}
	int st = 0;
	if (pid < 0 || waitpid(pid, &st, 0) < 0)
		return 1;
	bpf_floor__destroy(s);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
