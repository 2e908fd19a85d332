// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Attaches bench/floor.bpf.o's empty program to bes2600:hw_bufs_used,
 * says "attached", and holds it until SIGINT or SIGTERM.
 *   floor FLOOR.bpf.o
 */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include <bpf/libbpf.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

int main(int argc, char **argv)
{
	struct bpf_program *prog;
	struct bpf_object *obj;
	struct bpf_link *link;

	if (argc != 2) {
		fprintf(stderr, "usage: %s FLOOR.bpf.o\n", argv[0]);
		return 2;
	}
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj || libbpf_get_error(obj) || bpf_object__load(obj)) {
		fprintf(stderr, "floor: cannot load %s\n", argv[1]);
		return 2;
	}
	prog = bpf_object__find_program_by_name(obj, "floor_hw_bufs_used");
	link = prog ? bpf_program__attach(prog) : NULL;
	if (!link || libbpf_get_error(link)) {
		fprintf(stderr, "floor: cannot attach to hw_bufs_used (module loaded?)\n");
		bpf_object__close(obj);
		return 2;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	printf("attached\n");
	fflush(stdout);
	while (!stop)
		pause();
	bpf_link__destroy(link);
	bpf_object__close(obj);
	return 0;
}
