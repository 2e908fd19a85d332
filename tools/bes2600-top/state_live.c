// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * bes2600-top state: loading, attaching and reading bpf/state.bpf.c.
 *
 * fentry/fexit programs name their target at load time, so each measured
 * function has an object of its own; all of them share the first object's
 * maps (the calls in flight, the ring).  kprobes take their target at
 * attach time: one object, the function in each attachment's cookie.
 */
#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <linux/hw_breakpoint.h>
#include <linux/perf_event.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <bes2600/top_event.h>

#include "names.h"
#include "runner.h"
#include "state.skel.h"
#include "state_live.h"
#include "symbols.h"

#define MAX_INSTS 8

/*
 * Each kprobe's release waits for an RCU grace period (about 70 ms under
 * TCG), one after the other when closed in turn: 70 links took 5 s to
 * let go after Ctrl-C.  Closed from several threads at once, the waits
 * overlap.  The entry programs go first, all of them, then the return
 * programs: a call in flight still has its return seen, and none is left
 * half-measured (a return detached before its entry leaves the entry in
 * flight, and the function's next call would count as nested).
 */
#define DESTROY_THREADS 16

struct destroy_share {
	struct bpf_link **links;
	size_t n, stride, first;
};

static void *destroy_some(void *arg)
{
	struct destroy_share *d = arg;
	size_t i;

	for (i = d->first; i < d->n; i += d->stride)
		bpf_link__destroy(d->links[i]);
	return NULL;
}

static void destroy_parallel(struct bpf_link **links, size_t n)
{
	struct destroy_share d[DESTROY_THREADS];
	pthread_t tid[DESTROY_THREADS];
	bool started[DESTROY_THREADS] = { false };
	size_t k, nt = n < DESTROY_THREADS ? n : DESTROY_THREADS;

	for (k = 0; k < nt; k++) {
		d[k] = (struct destroy_share){ links, n, nt, k };
		started[k] = !pthread_create(&tid[k], NULL, destroy_some, &d[k]);
	}
	/* A thread that could not start: its share is closed here. */
	for (k = 0; k < nt; k++) {
		if (started[k])
			pthread_join(tid[k], NULL);
		else
			destroy_some(&d[k]);
	}
}

/* links[] holds pairs, entry then return (attach_kprobe, attach_fentry). */
static void destroy_links(struct bpf_link **links, size_t n)
{
	struct bpf_link *entry[BES2600_STATE_MAX_FUNCS];
	struct bpf_link *ret[BES2600_STATE_MAX_FUNCS];
	size_t k, ne = 0, nr = 0;

	for (k = 0; k < n; k++) {
		if (k % 2)
			ret[nr++] = links[k];
		else
			entry[ne++] = links[k];
		links[k] = NULL;
	}
	destroy_parallel(entry, ne);
	destroy_parallel(ret, nr);
}

struct watch_slot {
	uint32_t field;
	uint32_t gen;
	bool armed;
	struct bpf_link **links;	/* one per CPU */
};

struct live {
	struct state_run *r;
	const struct state_live_opts *o;
	struct state_bpf *main;
	struct state_bpf *objs[BES2600_STATE_MAX_FUNCS];
	struct bpf_link *links[2 * BES2600_STATE_MAX_FUNCS];
	size_t nlinks;
	struct ring_buffer *rb;
	struct symtab *syms;
	int ncpus;
	/*
	 * The instances the asked functions ran on, by calls; and any
	 * measured function's, until an asked one has run.
	 */
	uint64_t inst[MAX_INSTS], inst_calls[MAX_INSTS];
	uint64_t any_inst[MAX_INSTS], any_calls[MAX_INSTS];
	struct watch_slot slot[BES2600_STATE_MAX_WATCH];
	int nslots;		/* watchpoints a CPU gave us, -1: unknown */
	uint32_t gen, next_field;
	bool watch_failed, pinned_armed;
	int max_armed;		/* the most fields watched at once */
	bool all_armed;		/* every candidate is watched: no rotation */
	uint32_t armed_cands;
	char why[256];
};

static bool verbose_libbpf;

/* libbpf's messages with -v; our own say what failed otherwise. */
static int libbpf_print(enum libbpf_print_level level __attribute__((unused)),
			const char *fmt, va_list args)
{
	return verbose_libbpf ? vfprintf(stderr, fmt, args) : 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void note_inst(uint64_t *insts, uint64_t *calls, uint64_t inst)
{
	int i;

	for (i = 0; i < MAX_INSTS; i++) {
		if (insts[i] == inst || !insts[i]) {
			insts[i] = inst;
			calls[i]++;
			return;
		}
	}
}

static uint64_t most_called(const uint64_t *insts, const uint64_t *calls)
{
	uint64_t best = 0, n = 0;
	int i;

	for (i = 0; i < MAX_INSTS; i++)
		if (calls[i] > n) {
			n = calls[i];
			best = insts[i];
		}
	return best;
}

/* The instance the watchpoints go on: the asked functions' first. */
static uint64_t main_inst(const struct live *L)
{
	uint64_t inst = most_called(L->inst, L->inst_calls);

	return inst ? inst : most_called(L->any_inst, L->any_calls);
}

static int on_call(struct live *L, const struct bes2600_state_call *c)
{
	struct state_run *r = L->r;
	char name[NAME_LEN];

	if (c->func >= r->nfns)
		return 0;
	ctx_parts_name(name, sizeof(name), c->ctx_kind, c->ctx_func, c->comm,
		       L->syms);
	if (r->fns[c->func].asked)
		note_inst(L->inst, L->inst_calls, c->inst);
	note_inst(L->any_inst, L->any_calls, c->inst);
	return state_run_add_call(r, c, state_run_ctx(r, name));
}

static void on_hit(struct live *L, const struct bes2600_state_hit_key *k,
		   const struct bes2600_state_hit_val *v)
{
	struct watch_slot *s;
	char name[NAME_LEN], site[NAME_LEN];

	if (k->slot >= BES2600_STATE_MAX_WATCH)
		return;
	s = &L->slot[k->slot];
	/* A hit of an earlier arming of the slot: another field's. */
	if (k->generation != s->gen)
		return;
	ctx_parts_name(name, sizeof(name), k->ctx_kind, k->ctx_func, k->comm,
		       L->syms);
	symtab_format(L->syms, k->ip, site, sizeof(site));
	state_run_add_hit(L->r, s->field, k, v, state_run_ctx(L->r, name), site);
}

/* The hits counted so far, taken out of the map (before a slot changes). */
static void drain_hits(struct live *L)
{
	int fd = bpf_map__fd(L->main->maps.hits);
	struct bes2600_state_hit_key k;
	struct bes2600_state_hit_val v;

	/* Each key taken out, so the first one left is always the next. */
	while (!bpf_map_get_next_key(fd, NULL, &k)) {
		if (bpf_map_lookup_and_delete_elem(fd, &k, &v) &&
		    (bpf_map_lookup_elem(fd, &k, &v) ||
		     bpf_map_delete_elem(fd, &k)))
			break;
		on_hit(L, &k, &v);
	}
}

static int on_record(void *ctx, void *data, size_t size)
{
	struct live *L = ctx;
	uint32_t type;

	if (size < sizeof(type))
		return 0;
	memcpy(&type, data, sizeof(type));
	if (type == BES2600_STATE_CALL &&
	    size >= offsetof(struct bes2600_state_call, ch)) {
		size_t carried = (size - offsetof(struct bes2600_state_call, ch)) /
				 sizeof(((struct bes2600_state_call *)0)->ch[0]);
		struct bes2600_state_call c;

		/* The record ends after its changes: the rest reads as none. */
		memset(&c, 0, sizeof(c));
		memcpy(&c, data, size < sizeof(c) ? size : sizeof(c));
		if (c.nch > carried)
			c.nch = carried;
		return on_call(L, &c) ? -ENOMEM : 0;
	}
	return 0;
}

static void set_rodata(struct state_bpf *s, const struct state_run *r,
		       int func)
{
	s->rodata->snap_len = r->snapped;
	if (func >= 0) {
		s->rodata->func_idx = func;
		s->rodata->arg_idx = r->fns[func].f.arg;
		s->rodata->arg_offset = r->fns[func].f.offset;
	}
}

static void autoload_only(struct state_bpf *s, struct bpf_program *a,
			  struct bpf_program *b, bool watch)
{
	struct bpf_program *p;

	bpf_object__for_each_program(p, s->obj)
		bpf_program__set_autoload(p, p == a || p == b ||
					  (watch && p == s->progs.state_watch));
}

static int reuse_maps(struct state_bpf *s, struct state_bpf *from)
{
	struct bpf_map *m[] = { s->maps.calls, s->maps.active, s->maps.scratch,
				s->maps.stats, s->maps.watches, s->maps.ring,
				s->maps.hits };
	struct bpf_map *f[] = { from->maps.calls, from->maps.active,
				from->maps.scratch, from->maps.stats,
				from->maps.watches, from->maps.ring,
				from->maps.hits };
	size_t i;

	for (i = 0; i < sizeof(m) / sizeof(m[0]); i++)
		if (bpf_map__reuse_fd(m[i], bpf_map__fd(f[i])))
			return -1;
	return 0;
}

/* The maps' owner; with kprobes also the one object that is attached. */
static int load_main(struct live *L, bool kprobe, char *err, size_t len)
{
	struct state_bpf *s = state_bpf__open();

	if (!s) {
		snprintf(err, len, "cannot open the BPF object: %s",
			 strerror(errno));
		return -1;
	}
	set_rodata(s, L->r, -1);
	/* struct inflight: inst, t0, then the snapshot. */
	bpf_map__set_value_size(s->maps.calls, 16 + L->r->snapped);
	autoload_only(s, kprobe ? s->progs.state_kprobe : NULL,
		      kprobe ? s->progs.state_kretprobe : NULL, L->o->watch);
	if (state_bpf__load(s)) {
		snprintf(err, len, "cannot load the BPF object: %s (run with "
			 "-v for the verifier's log)", strerror(errno));
		state_bpf__destroy(s);
		return -1;
	}
	L->main = s;
	return 0;
}

static int attach_fentry(struct live *L, int i, FILE *msg)
{
	struct state_fn *fn = &L->r->fns[i];
	struct state_bpf *s = state_bpf__open();
	struct bpf_link *a, *b;

	if (!s)
		return -1;
	set_rodata(s, L->r, i);
	autoload_only(s, s->progs.state_fentry, s->progs.state_fexit, false);
	if (bpf_program__set_attach_target(s->progs.state_fentry, 0,
					   fn->f.name) ||
	    bpf_program__set_attach_target(s->progs.state_fexit, 0,
					   fn->f.name) ||
	    reuse_maps(s, L->main) || state_bpf__load(s))
		goto fail;
	a = bpf_program__attach(s->progs.state_fentry);
	if (!a)
		goto fail;
	b = bpf_program__attach(s->progs.state_fexit);
	if (!b) {
		bpf_link__destroy(a);
		goto fail;
	}
	L->links[L->nlinks++] = a;
	L->links[L->nlinks++] = b;
	L->objs[i] = s;
	fn->attached = true;
	return 0;
fail:
	fprintf(msg, "bes2600-top state: %s: not measured (fentry: %s)\n",
		fn->f.name, strerror(errno));
	state_bpf__destroy(s);
	return -1;
}

static int attach_kprobe(struct live *L, int i, FILE *msg)
{
	struct state_fn *fn = &L->r->fns[i];
	LIBBPF_OPTS(bpf_kprobe_opts, opts);
	struct bpf_link *a, *b;

	opts.bpf_cookie = BES2600_STATE_COOKIE(i, fn->f.arg, fn->f.offset);
	a = bpf_program__attach_kprobe_opts(L->main->progs.state_kprobe,
					    fn->f.name, &opts);
	if (!a)
		goto fail;
	opts.retprobe = true;
	b = bpf_program__attach_kprobe_opts(L->main->progs.state_kretprobe,
					    fn->f.name, &opts);
	if (!b) {
		bpf_link__destroy(a);
		goto fail;
	}
	L->links[L->nlinks++] = a;
	L->links[L->nlinks++] = b;
	fn->attached = true;
	return 0;
fail:
	fprintf(msg, "bes2600-top state: %s: not measured (kprobe: %s)\n",
		fn->f.name, strerror(errno));
	return -1;
}

/*
 * What a watchpoint on the field covers: up to 8 aligned bytes of it, in
 * the first word the diffs saw change (a lock in a queue head changes
 * where its list pointers do not), else from its start.
 */
static void watch_range(const struct state_field *f, uint64_t inst,
			uint64_t *addr, uint32_t *len)
{
	uint64_t start = inst + f->leaf.off, end = start + f->leaf.size;

	if (f->seen_change) {
		uint64_t w = inst + (uint64_t)f->first_word * 8;

		if (w > start)
			start = w;
		if (w + 8 < end)
			end = w + 8;
	}
	*len = 8;
	while (*len > 1 && (*len > end - start || start % *len))
		*len /= 2;
	*addr = start;
}

/* The slot's watchpoints gone and its map entry cleared. */
static void release_slot(struct live *L, int i)
{
	struct bes2600_state_watch zero = { 0 };
	struct watch_slot *s = &L->slot[i];
	uint32_t key = i;
	int c;

	for (c = 0; c < L->ncpus; c++)
		bpf_link__destroy(s->links[c]);
	memset(s->links, 0, L->ncpus * sizeof(*s->links));
	bpf_map_update_elem(bpf_map__fd(L->main->maps.watches), &key, &zero,
			    BPF_ANY);
	s->armed = false;
}

/* Slots from..: the rotating ones, or all. */
static void disarm(struct live *L, int from)
{
	int i;

	for (i = from; i < BES2600_STATE_MAX_WATCH; i++)
		if (L->slot[i].armed)
			release_slot(L, i);
}

/*
 * A write watchpoint on one field on every CPU: 0, -ENOSPC when a CPU has
 * no debug register left, or another error.
 */
static int arm(struct live *L, int i, uint32_t field, uint64_t inst)
{
	const struct state_field *f = &L->r->fields[field];
	struct watch_slot *s = &L->slot[i];
	struct bes2600_state_watch w = { 0 };
	uint32_t len, key = i;
	uint64_t addr;
	int c, ret = 0;

	watch_range(f, inst, &addr, &len);
	w.addr = addr;
	w.len = len;
	/* The value before the first hit: the next return's snapshot's. */
	w.generation = s->gen = ++L->gen;
	s->field = field;
	if (bpf_map_update_elem(bpf_map__fd(L->main->maps.watches), &key, &w,
				BPF_ANY))
		return -errno;
	for (c = 0; c < L->ncpus; c++) {
		LIBBPF_OPTS(bpf_perf_event_opts, opts, .bpf_cookie = i);
		struct perf_event_attr attr = {
			.type = PERF_TYPE_BREAKPOINT,
			.size = sizeof(attr),
			.bp_type = HW_BREAKPOINT_W,
			.bp_addr = addr,
			.bp_len = len,
			.sample_period = 1,
			.disabled = 1,
		};
		int fd = syscall(__NR_perf_event_open, &attr, -1, c, -1,
				 PERF_FLAG_FD_CLOEXEC);

		if (fd < 0) {
			if (errno == ENODEV)
				continue;	/* an offline CPU */
			ret = -errno;
			break;
		}
		s->links[c] = bpf_program__attach_perf_event_opts(
				L->main->progs.state_watch, fd, &opts);
		if (!s->links[c]) {
			ret = -errno;
			close(fd);
			break;
		}
	}
	s->armed = true;
	if (ret)
		release_slot(L, i);
	return ret;
}

/* Fields the asked functions changed: the watchpoints' candidates. */
static bool candidate(const struct state_run *r, uint32_t field)
{
	const struct state_field *f = &r->fields[field];

	return f->leaf.kind != STATE_PADDING && f->asked_changed;
}

static bool is_pinned(const struct live *L, uint32_t field)
{
	int i;

	for (i = 0; i < L->o->npinned; i++)
		if (L->o->pinned[i] == field)
			return true;
	return false;
}

/*
 * The next round: as many candidates as the CPUs have watchpoints, on
 * from where the last round stopped.
 */
static void rotate(struct live *L, FILE *msg)
{
	struct state_run *r = L->r;
	uint64_t inst = main_inst(L);
	uint32_t tried = 0, n = (uint32_t)r->nfields;
	int armed = L->o->npinned, pass;
	int max = L->nslots < 0 ? BES2600_STATE_MAX_WATCH : L->nslots;
	uint32_t cands = 0, i;
	int ret;

	for (i = 0; i < n; i++)
		cands += candidate(r, i) && !is_pinned(L, i);
	/* All of them watched already, and no new one: nothing to change. */
	if (L->all_armed && cands == L->armed_cands) {
		drain_hits(L);
		return;
	}
	/* Disarmed first: the last hits of a slot come in under its arming. */
	disarm(L, L->o->npinned);
	drain_hits(L);
	L->all_armed = false;
	if (!inst || !n || L->watch_failed || !L->pinned_armed)
		return;
	/* Candidates never watched first, then every one in turn. */
	for (pass = 0; pass < 2; pass++) {
		for (tried = 0; tried < n && armed < max; tried++) {
			uint32_t field = L->next_field++ % n;

			if (!candidate(r, field) || is_pinned(L, field) ||
			    (!pass && r->fields[field].watched))
				continue;
			ret = arm(L, armed, field, inst);
			if (ret == -ENOSPC) {
				/* The CPU's limit: every later round's. */
				L->next_field--;
				L->nslots = armed;
				goto out;
			}
			if (ret) {
				fprintf(msg, "bes2600-top state: no watchpoints: "
					"%s\n", strerror(-ret));
				L->watch_failed = true;
				goto out;
			}
			r->fields[field].watched = true;
			armed++;
		}
	}
	L->all_armed = (uint32_t)(armed - L->o->npinned) == cands;
	L->armed_cands = cands;
out:
	if (armed > L->max_armed)
		L->max_armed = armed;
}

/* The pinned fields, once the instance is known: they stay to the end. */
static void arm_pinned(struct live *L, FILE *msg)
{
	uint64_t inst = main_inst(L);
	int i, ret;

	if (L->pinned_armed || !inst)
		return;
	L->pinned_armed = true;
	for (i = 0; i < L->o->npinned; i++) {
		struct state_field *f = &L->r->fields[L->o->pinned[i]];

		ret = arm(L, i, L->o->pinned[i], inst);
		if (ret) {
			fprintf(msg, "bes2600-top state: cannot watch %s: %s\n",
				f->path, strerror(-ret));
			L->watch_failed = true;
			return;
		}
		f->watched = true;
		if (i + 1 > L->max_armed)
			L->max_armed = i + 1;
		fprintf(msg, "bes2600-top state: watching %s at 0x%llx\n",
			f->path, (unsigned long long)(inst + f->leaf.off));
	}
	fflush(msg);
}

static void read_stats(struct live *L)
{
	struct bes2600_state_stats *v = calloc(L->ncpus, sizeof(*v));
	uint32_t zero = 0;
	int c;

	if (!v)
		return;
	if (!bpf_map_lookup_elem(bpf_map__fd(L->main->maps.stats), &zero, v))
		for (c = 0; c < L->ncpus; c++) {
			L->r->st.calls += v[c].calls;
			L->r->st.entries += v[c].entries;
			L->r->st.busy += v[c].busy;
			L->r->st.nested += v[c].nested;
			L->r->st.no_slot += v[c].no_slot;
			L->r->st.no_entry += v[c].no_entry;
			L->r->st.read_fail += v[c].read_fail;
			L->r->st.lost += v[c].lost;
			L->r->st.hits += v[c].hits;
			L->r->st.hits_lost += v[c].hits_lost;
			L->r->st.ns += v[c].ns;
		}
	free(v);
}

int state_live_run(struct state_run *r, const struct state_live_opts *o,
		   FILE *msg, char *err, size_t errlen)
{
	struct live L = { .r = r, .o = o, .nslots = -1 };
	bool kprobe = o->flavour == STATE_KPROBE ||
		      (o->flavour == STATE_AUTO && !o->module_btf);
	struct runner cmd = { 0 };
	double start, next_round;
	int ret = -1, attached = 0, i;
	size_t k;

	verbose_libbpf = o->verbose;
	libbpf_set_print(libbpf_print);
	if (o->flavour == STATE_FENTRY && !o->module_btf) {
		snprintf(err, errlen, "fentry needs the module's BTF in the "
			 "kernel (/sys/kernel/btf/%s): use --flavour kprobe",
			 r->module);
		return -1;
	}
	r->flavour = kprobe ? "kprobe" : "fentry";
	L.ncpus = libbpf_num_possible_cpus();
	L.syms = symtab_new();
	if (L.ncpus <= 0 || !L.syms) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	for (i = 0; i < BES2600_STATE_MAX_WATCH; i++) {
		L.slot[i].links = calloc(L.ncpus, sizeof(*L.slot[i].links));
		if (!L.slot[i].links) {
			snprintf(err, errlen, "out of memory");
			goto out;
		}
	}
	/* Start-up takes seconds under load: a signal need not wait. */
	symtab_set_cancel(L.syms, &runner_stop);
	symtab_load_kallsyms(L.syms, "/proc/kallsyms");
	if (!runner_stop && load_main(&L, kprobe, err, errlen))
		goto out;
	for (k = 0; k < r->nfns && !runner_stop; k++)
		if (!(kprobe ? attach_kprobe(&L, k, msg) :
			       attach_fentry(&L, k, msg)))
			attached++;
	if (runner_stop) {
		snprintf(err, errlen, "stopped by a signal before every function was attached: no table");
		goto out;
	}
	for (k = 0; k < r->nfns; k++)
		if (r->fns[k].asked && !r->fns[k].attached) {
			snprintf(err, errlen, "%s could not be measured (see "
				 "above; -v shows libbpf's messages)",
				 r->fns[k].f.name);
			goto out;
		}
	L.rb = ring_buffer__new(bpf_map__fd(L.main->maps.ring), on_record, &L,
				NULL);
	if (!L.rb) {
		snprintf(err, errlen, "cannot read the ring: %s", strerror(errno));
		goto out;
	}
	fprintf(msg, "bes2600-top state: %d functions of %s attached (%s), "
		"struct %s: %u of %u bytes compared per call%s; %s\n",
		attached, r->module, r->flavour, r->root_name, r->snapped,
		r->size, o->watch ? "; watchpoints on" : "",
		o->command ? "running the command" : "Ctrl-C to stop");
	fflush(msg);
	if (o->command && runner_start(&cmd, o->command, err, errlen))
		goto out;
	start = now_s();
	next_round = start + o->watch_ms / 1000.0;
	while (!runner_stop) {
		double t = now_s();

		if (o->duration_s > 0 && t - start >= o->duration_s)
			break;
		if (o->command && runner_done(&cmd))
			break;
		if (ring_buffer__poll(L.rb, 100) < 0 && errno != EINTR)
			break;
		if (o->watch)
			arm_pinned(&L, msg);
		if (o->watch && now_s() >= next_round) {
			rotate(&L, msg);
			next_round = now_s() + o->watch_ms / 1000.0;
		}
	}
	r->seconds = now_s() - start;
	if (o->command)
		runner_end(&cmd, 2000);
	disarm(&L, 0);
	if (o->watch)
		drain_hits(&L);
	/* Seconds under load (each one waits for the kernel): say so. */
	if (L.nlinks > 8) {
		fprintf(msg, "bes2600-top state: detaching %zu programs\n",
			L.nlinks);
		fflush(msg);
	}
	destroy_links(L.links, L.nlinks);
	L.nlinks = 0;
	ring_buffer__consume(L.rb);
	read_stats(&L);
	if (o->watch)
		fprintf(msg, "bes2600-top state: up to %d fields watched at "
			"once%s\n", L.max_armed, L.nslots > 0 ?
			" (the CPUs' limit)" : "");
	ret = 0;
out:
	disarm(&L, 0);
	destroy_links(L.links, L.nlinks);
	ring_buffer__free(L.rb);
	for (k = 0; k < BES2600_STATE_MAX_FUNCS; k++)
		state_bpf__destroy(L.objs[k]);
	state_bpf__destroy(L.main);
	for (i = 0; i < BES2600_STATE_MAX_WATCH; i++)
		free(L.slot[i].links);
	symtab_free(L.syms);
	return ret;
}
