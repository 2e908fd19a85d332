// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Attaches one of bench/floor.bpf.o's programs to bes2600:hw_bufs_used,
 * says "attached", and holds it until SIGINT or SIGTERM; the ring floor's
 * records are consumed (and dropped) as a tool would, every 10 ms.
 *   floor FLOOR.bpf.o [empty|ring]
 */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int on_record(void *ctx, void *data, size_t size)
{
	(void)ctx;
	(void)data;
	(void)size;
	return 0;
}

int main(int argc, char **argv)
{
	const char *which = argc > 2 ? argv[2] : "empty";
	bool ring = !strcmp(which, "ring");
	struct bpf_program *prog, *p;
	struct ring_buffer *rb = NULL;
	struct bpf_object *obj;
	struct bpf_link *link;

	if (argc < 2 || argc > 3 || (!ring && strcmp(which, "empty"))) {
		fprintf(stderr, "usage: %s FLOOR.bpf.o [empty|ring]\n", argv[0]);
		return 2;
	}
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj || libbpf_get_error(obj)) {
		fprintf(stderr, "floor: cannot open %s\n", argv[1]);
		return 2;
	}
	prog = bpf_object__find_program_by_name(obj, ring ? "ring_hw_bufs_used" :
						"floor_hw_bufs_used");
	bpf_object__for_each_program(p, obj)
		bpf_program__set_autoload(p, p == prog);
	if (!prog || bpf_object__load(obj)) {
		fprintf(stderr, "floor: cannot load %s\n", argv[1]);
		return 2;
	}
	link = bpf_program__attach(prog);
	if (!link || libbpf_get_error(link)) {
		fprintf(stderr, "floor: cannot attach to hw_bufs_used (module loaded?)\n");
		bpf_object__close(obj);
		return 2;
	}
	if (ring)
		rb = ring_buffer__new(bpf_object__find_map_fd_by_name(obj, "ring"),
				      on_record, NULL, NULL);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	printf("attached\n");
	fflush(stdout);
	while (!stop)
		if (rb)
			ring_buffer__poll(rb, 10);
		else
			pause();
	ring_buffer__free(rb);
	bpf_link__destroy(link);
	bpf_object__close(obj);
	return 0;
}
