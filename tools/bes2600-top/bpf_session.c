// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Loading and attaching bes2600-top's BPF programs, and reading what they
 * send.  What to load is decided before load (driver_events.c): tp_btf
 * when the driver module has BTF (/sys/kernel/btf/<module>), raw_tp
 * otherwise, and only for the events the driver has.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bes2600_top.skel.h"
#include "bpf_session.h"
#include "driver_events.h"

struct bpf_session {
	struct bes2600_top_bpf *skel;
	struct ring_buffer *rb;
	struct bpf_session_opts opts;
	struct driver_events ev;
	char driver[64];
	const char *mode;
	int ncpus;
	struct bes2600_inst_stats *inst;	/* inst_stats, mapped */
	size_t inst_len;
	struct bes2600_rx_stats *rx;	/* rx_stats, mapped */
	size_t rx_len;
	uint64_t delivered;		/* records handed to on_event */
	uint64_t deadline_ns;		/* of this poll; 0: none */
};

/* A poll's delivery stopped at its deadline (handle_record's return). */
#define DEADLINE_HIT (-ETIME)
/* Records delivered between two looks at the clock. */
#define CLOCK_EVERY 16

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* A mapped array lays its values out every round_up(value_size, 8). */
_Static_assert(sizeof(struct bes2600_inst_stats) % 8 == 0,
	       "inst_stats values must be 8-byte multiples");
_Static_assert(sizeof(struct bes2600_rx_stats) % 8 == 0,
	       "rx_stats values must be 8-byte multiples");

static bool verbose_libbpf;

/* The values of an mmapable array, or NULL (errno says why). */
static void *map_values(const struct bpf_map *m, size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED,
		       bpf_map__fd(m), 0);

	return p == MAP_FAILED ? NULL : p;
}

static int libbpf_print(enum libbpf_print_level level __attribute__((unused)),
			const char *fmt,
			va_list args)
{
	if (!verbose_libbpf)
		return 0;
	return vfprintf(stderr, fmt, args);
}

static void seterr(struct bpf_session_error *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
}

/*
 * Loads one flavour of the programs, tp_btf or raw_tp, and of those only
 * the ones for events the driver has in a shape they can read.
 */
static void choose_programs(struct bes2600_top_bpf *skel,
			    const struct driver_events *d)
{
	const char *prefix = d->tp_btf ? "btf_" : "raw_";
	struct bpf_program *p;
	const char *name;
	bool load;
	int e;

	bpf_object__for_each_program(p, skel->obj) {
		name = bpf_program__name(p);
		load = false;
		for (e = 0; e < DRV_NR_EVENTS && !strncmp(name, prefix, 4); e++)
			if (d->ev[e].attach &&
			    !strcmp(name + 4, drv_event_name(e)))
				load = true;
		bpf_program__set_autoload(p, load);
	}
}

static int handle_record(void *ctx, void *data, size_t size)
{
	struct bpf_session *s = ctx;

	if (size < sizeof(struct bes2600_event))
		return 0;
	s->opts.on_event(s->opts.ctx, data);
	/* libbpf has consumed this record: a stop loses nothing. */
	if (++s->delivered % CLOCK_EVERY == 0 && s->deadline_ns &&
	    now_ns() >= s->deadline_ns)
		return DEADLINE_HIT;
	return 0;
}

static struct bpf_session *open_now(const struct bpf_session_opts *o,
				    struct bpf_session_error *err)
{
	struct bpf_session *s;
	int ret;

	if (geteuid() != 0) {
		seterr(err, "need root (CAP_BPF and CAP_PERFMON) to attach BPF programs");
		return NULL;
	}
	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		seterr(err, "the kernel has no BTF (/sys/kernel/btf/vmlinux): CONFIG_DEBUG_INFO_BTF is needed");
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		seterr(err, "out of memory");
		return NULL;
	}
	s->opts = *o;
	/* Both may point into a caller's frame that is gone by then. */
	s->opts.events = NULL;
	s->opts.cancel = NULL;
	verbose_libbpf = o->verbose;
	libbpf_set_print(libbpf_print);
	if (o->events)
		s->ev = *o->events;
	else if (driver_events_probe(&s->ev, o->driver, NULL, err->msg,
				     sizeof(err->msg)))
		goto fail;
	snprintf(s->driver, sizeof(s->driver), "%s", s->ev.driver);
	s->mode = s->ev.tp_btf ? "tp_btf" : "raw_tp";

	s->skel = bes2600_top_bpf__open();
	if (!s->skel) {
		seterr(err, "cannot open the BPF object: %s", strerror(errno));
		goto fail;
	}
	s->skel->rodata->stream = o->stream;
	s->skel->rodata->stream_all = o->stream_all;
	s->skel->rodata->capacity = o->capacity;
	s->skel->rodata->with_stacks = o->stacks;
	s->skel->rodata->ctr_has_capacity = driver_events_has_capacity(&s->ev);
	s->skel->rodata->timer_has_now = driver_events_has_now(&s->ev);
	choose_programs(s->skel, &s->ev);
	ret = bes2600_top_bpf__load(s->skel);
	if (ret) {
		seterr(err, "cannot load the BPF programs (%s, %s): %s%s",
		       s->mode, s->driver, strerror(-ret),
		       o->verbose ? "" : "; -v shows libbpf's log");
		goto fail;
	}
	ret = bes2600_top_bpf__attach(s->skel);
	if (ret) {
		seterr(err, "cannot attach to the bes2600 trace events (%s): %s",
		       s->mode, strerror(-ret));
		goto fail;
	}
	if (o->stream && o->on_event) {
		s->rb = ring_buffer__new(bpf_map__fd(s->skel->maps.events),
					 handle_record, s, NULL);
		if (!s->rb) {
			seterr(err, "cannot open the ring buffer: %s",
			       strerror(errno));
			goto fail;
		}
	}
	s->inst_len = sizeof(*s->inst) * BES2600_NR_INST;
	s->inst = map_values(s->skel->maps.inst_stats, s->inst_len);
	if (!s->inst) {
		seterr(err, "cannot map the instance counts: %s",
		       strerror(errno));
		goto fail;
	}
	s->rx_len = sizeof(*s->rx) * BES2600_MAX_HW;
	s->rx = map_values(s->skel->maps.rx_stats, s->rx_len);
	if (!s->rx) {
		seterr(err, "cannot map the sdio_rx_work counts: %s",
		       strerror(errno));
		goto fail;
	}
	bpf_session_tick(s);
	s->ncpus = libbpf_num_possible_cpus();
	if (s->ncpus <= 0) {
		seterr(err, "cannot count the CPUs");
		goto fail;
	}
	return s;
fail:
	bpf_session_close(s);
	return NULL;
}

/*
 * A load in a thread of its own.  Who sets the state last frees the
 * share: the caller once it took the result, the thread when the caller
 * gave up first (it closes the session it made: nothing stays attached).
 */
enum { LOAD_RUNNING, LOAD_DONE, LOAD_ABANDONED };

struct load_share {
	struct bpf_session_opts o;
	struct driver_events ev;
	struct bpf_session_error err;
	struct bpf_session *s;
	int state;
};

static void *load_thread(void *arg)
{
	struct load_share *l = arg;
	int running = LOAD_RUNNING;

	l->s = open_now(&l->o, &l->err);
	if (__atomic_compare_exchange_n(&l->state, &running, LOAD_DONE, false,
					__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return NULL;
	bpf_session_close(l->s);
	free(l);
	return NULL;
}

struct bpf_session *bpf_session_open(const struct bpf_session_opts *o,
				     struct bpf_session_error *err)
{
	struct timespec tick = { 0, 20 * 1000 * 1000 };
	int running = LOAD_RUNNING;
	struct bpf_session *s;
	struct load_share *l;
	sigset_t all, old;
	pthread_t tid;
	int ret;

	if (!o->cancel)
		return open_now(o, err);
	l = calloc(1, sizeof(*l));
	if (!l) {
		seterr(err, "out of memory");
		return NULL;
	}
	l->o = *o;
	l->o.cancel = NULL;
	if (o->events) {
		l->ev = *o->events;
		l->o.events = &l->ev;
	}
	/* The signals stay the caller's: the thread starts with them blocked. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	ret = pthread_create(&tid, NULL, load_thread, l);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (ret) {
		free(l);
		return open_now(o, err);
	}
	pthread_detach(tid);
	while (__atomic_load_n(&l->state, __ATOMIC_ACQUIRE) == LOAD_RUNNING) {
		if (*o->cancel &&
		    __atomic_compare_exchange_n(&l->state, &running,
						LOAD_ABANDONED, false,
						__ATOMIC_ACQ_REL,
						__ATOMIC_ACQUIRE)) {
			seterr(err, "stopped by a signal while loading");
			return NULL;
		}
		running = LOAD_RUNNING;
		nanosleep(&tick, NULL);
	}
	s = l->s;
	*err = l->err;
	free(l);
	return s;
}

void bpf_session_detach(struct bpf_session *s)
{
	bes2600_top_bpf__detach(s->skel);
}

void bpf_session_close(struct bpf_session *s)
{
	if (!s)
		return;
	if (s->inst)
		munmap(s->inst, s->inst_len);
	if (s->rx)
		munmap(s->rx, s->rx_len);
	ring_buffer__free(s->rb);
	bes2600_top_bpf__destroy(s->skel);
	free(s);
}

const char *bpf_session_attach_mode(const struct bpf_session *s)
{
	return s->mode;
}

const char *bpf_session_driver(const struct bpf_session *s)
{
	return s->driver;
}

const struct driver_events *bpf_session_events(const struct bpf_session *s)
{
	return &s->ev;
}

static uint64_t sum_cpu_stats(const struct bpf_session *s, size_t off)
{
	struct bes2600_cpu_stats *v;
	uint64_t sum = 0;
	uint32_t zero = 0;
	int i;

	v = calloc(s->ncpus, sizeof(*v));
	if (!v)
		return 0;
	if (!bpf_map_lookup_elem(bpf_map__fd(s->skel->maps.cpu_stats), &zero,
				 v))
		for (i = 0; i < s->ncpus; i++)
			sum += *(uint64_t *)((char *)&v[i] + off);
	free(v);
	return sum;
}

int bpf_session_poll(struct bpf_session *s, int timeout_ms,
		     uint64_t deadline_ns)
{
	int n;

	if (!s->rb) {
		usleep(timeout_ms * 1000);
		return 0;
	}
	s->deadline_ns = deadline_ns;
	bpf_session_tick(s);
	/* Records are sent without wake-up: poll, then drain what is there. */
	n = ring_buffer__poll(s->rb, timeout_ms);
	if (n == DEADLINE_HIT)
		return 1;
	if (n < 0 && n != -EINTR)
		return n;
	n = ring_buffer__consume(s->rb);
	if (n == DEADLINE_HIT)
		return 1;
	return n < 0 && n != -EINTR ? n : 0;
}

void bpf_session_tick(struct bpf_session *s)
{
	__atomic_store_n(&s->skel->bss->clock_ns, now_ns(), __ATOMIC_RELAXED);
}

uint64_t bpf_session_backlog(const struct bpf_session *s)
{
	uint64_t sent = sum_cpu_stats(s, offsetof(struct bes2600_cpu_stats,
						  sent));

	return sent > s->delivered ? sent - s->delivered : 0;
}

uint64_t bpf_session_hw(const struct bpf_session *s, int hw_slot)
{
	return hw_slot < 0 || hw_slot >= BES2600_MAX_HW ? 0 :
	       __atomic_load_n(&s->skel->bss->hw_slot[hw_slot],
			       __ATOMIC_RELAXED);
}

int bpf_session_lost_tail(const struct bpf_session *s, uint64_t *lost,
			  int ncpu)
{
	struct bes2600_cpu_stats *v;
	uint32_t zero = 0;
	int i, n = s->ncpus < ncpu ? s->ncpus : ncpu;

	v = calloc(s->ncpus, sizeof(*v));
	if (!v)
		return -1;
	if (bpf_map_lookup_elem(bpf_map__fd(s->skel->maps.cpu_stats), &zero,
				v)) {
		free(v);
		return -1;
	}
	for (i = 0; i < n; i++)
		lost[i] = v[i].lost;
	free(v);
	return n;
}

uint64_t bpf_session_lost(const struct bpf_session *s)
{
	return sum_cpu_stats(s, offsetof(struct bes2600_cpu_stats, lost_total));
}

uint64_t bpf_session_seen(const struct bpf_session *s)
{
	return sum_cpu_stats(s, offsetof(struct bes2600_cpu_stats, events));
}

int bpf_session_stack(const struct bpf_session *s, int32_t id, uint64_t *ips,
		      int max)
{
	uint64_t buf[BES2600_MAX_STACK] = {};
	uint32_t key = id;
	int n;

	if (id < 0 || bpf_map_lookup_elem(bpf_map__fd(s->skel->maps.stacks),
					  &key, buf))
		return -1;
	for (n = 0; n < BES2600_MAX_STACK && n < max && buf[n]; n++)
		ips[n] = buf[n];
	return n;
}

uint64_t bpf_session_unaggregated(const struct bpf_session *s)
{
	return sum_cpu_stats(s, offsetof(struct bes2600_cpu_stats,
					 unaggregated));
}

const struct bes2600_inst_stats *bpf_session_inst(const struct bpf_session *s,
						  int index)
{
	return index < 0 || index >= BES2600_NR_INST ? NULL : &s->inst[index];
}

const struct bes2600_rx_stats *bpf_session_rx(const struct bpf_session *s,
					      int hw_slot)
{
	return hw_slot < 0 || hw_slot >= BES2600_MAX_HW ? NULL :
	       &s->rx[hw_slot];
}

void bpf_session_reset_agg(struct bpf_session *s)
{
	memset(s->inst, 0, s->inst_len);
	memset(s->rx, 0, s->rx_len);
}

uint32_t bpf_session_next_epoch(struct bpf_session *s)
{
	/* The .bss is mapped: the programs see the store at once. */
	return __atomic_fetch_add(&s->skel->bss->epoch, 1, __ATOMIC_RELAXED);
}
