// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The driver's trace events (see driver_events.h).  Modules and their
 * events come from /proc/kallsyms (the __tracepoint_<event> symbols) in
 * the order of /proc/modules (newest first, the order in which the kernel
 * looks a trace point's name up); field counts from the module's BTF (the
 * btf_trace_<event> prototype) or else the tracefs format file, which
 * also gives the names, checked against the ABI's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>
#include <bes2600/abi.h>

#include "driver_events.h"

struct abi_event {
	const char *name;
	int min_fields;		/* the first version of the ABI */
	int fields;		/* this one */
	const char *names[BES2600_CTR_FIELDS];
	const char *without;	/* what a driver without it loses */
};

static const char *const ctr_names[] = {
	"hw", "idx", "op", "delta", "old", "new", "atomic", "caller",
	"capacity",
};

static const struct abi_event abi[DRV_NR_EVENTS] = {
	[DRV_HW_BUFS_USED] = { "hw_bufs_used", BES2600_CTR_FIELDS_MIN,
		BES2600_CTR_FIELDS, {}, "no finding on hw_bufs_used" },
	[DRV_HW_BUFS_USED_VIF] = { "hw_bufs_used_vif", BES2600_CTR_FIELDS_MIN,
		BES2600_CTR_FIELDS, {}, "no finding on hw_bufs_used_vif" },
	[DRV_WSM_TX_PENDING] = { "wsm_tx_pending", BES2600_CTR_FIELDS_MIN,
		BES2600_CTR_FIELDS, {}, "no finding on wsm_tx_pending" },
	[DRV_RX_WORK_QUEUE] = { "sdio_rx_work_queue", BES2600_RXQ_FIELDS,
		BES2600_RXQ_FIELDS, { "hw", "reason", "queued" },
		"no queue->start latency, no BH re-dispatch count" },
	[DRV_RX_WORK_START] = { "sdio_rx_work_start", BES2600_RXS_FIELDS,
		BES2600_RXS_FIELDS, { "hw" }, "no sdio_rx_work latencies" },
	[DRV_RX_WORK_END] = { "sdio_rx_work_end", BES2600_RXE_FIELDS,
		BES2600_RXE_FIELDS,
		{ "hw", "transfers", "packets", "bytes", "direct", "queued",
		  "err" }, "no Phase 7 figures (runs, packets, bytes)" },
	[DRV_PENDING_TIMER] = { "pending_count_timer",
		BES2600_TIMER_FIELDS_MIN, BES2600_TIMER_FIELDS,
		{ "hw", "idx", "count", "action", "now" },
		"no check-then-act on the pending-count timer" },
};

static const char *field_name(enum drv_event e, int i)
{
	if (e <= DRV_WSM_TX_PENDING)
		return i < BES2600_CTR_FIELDS ? ctr_names[i] : NULL;
	return i < abi[e].fields ? abi[e].names[i] : NULL;
}

const char *drv_event_name(enum drv_event e)
{
	return e < DRV_NR_EVENTS ? abi[e].name : "?";
}

/* Modules in /proc/modules order: newest first. */
static int read_modules(const char *path, char (*v)[DRV_NAME_LEN], int max)
{
	char line[512], name[DRV_NAME_LEN];
	FILE *f = fopen(path, "r");
	int n = 0;

	if (!f)
		return -1;
	while (n < max && fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s", name) == 1)
			snprintf(v[n++], DRV_NAME_LEN, "%s", name);
	fclose(f);
	return n;
}

/* Which of mods[] define which events, from the trace points' symbols. */
static int read_kallsyms(const char *path, char (*mods)[DRV_NAME_LEN],
			 int nmods, unsigned int *defines,
			 const volatile sig_atomic_t *cancel)
{
	char line[512], sym[256], mod[DRV_NAME_LEN];
	FILE *f = fopen(path, "r");
	int e, m;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		const char *p = strstr(line, " __tracepoint_");

		if (cancel && *cancel) {
			fclose(f);
			errno = EINTR;
			return -1;
		}
		if (!p)
			continue;
		mod[0] = '\0';
		if (sscanf(p, " %255s [%63[^]]]", sym, mod) < 2)
			continue;
		for (e = 0; e < DRV_NR_EVENTS; e++)
			if (!strcmp(sym + strlen("__tracepoint_"), abi[e].name))
				break;
		if (e == DRV_NR_EVENTS)
			continue;
		for (m = 0; m < nmods; m++)
			if (!strcmp(mods[m], mod))
				defines[m] |= 1u << e;
	}
	fclose(f);
	return 0;
}

/* The driver module's BTF on the kernel's, or NULL; the caller frees both. */
static struct btf *module_btf(const char *btf_dir, const char *module,
			      struct btf **base)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/vmlinux", btf_dir);
	*base = btf__parse_raw(path);
	if (!*base)
		return NULL;
	snprintf(path, sizeof(path), "%s/%s", btf_dir, module);
	return btf__parse_raw_split(path, *base);
}

/* The prototype's arguments, less the tracing __data pointer; or -1. */
static int btf_fields(const struct btf *btf, const char *event)
{
	const struct btf_type *t;
	char name[128];
	int id;

	if (!btf)
		return -1;
	snprintf(name, sizeof(name), "btf_trace_%s", event);
	id = btf__find_by_name_kind(btf, name, BTF_KIND_TYPEDEF);
	t = id > 0 ? btf__type_by_id(btf, id) : NULL;
	t = t ? btf__type_by_id(btf, t->type) : NULL;
	if (t && btf_is_ptr(t))
		t = btf__type_by_id(btf, t->type);
	return t && btf_is_func_proto(t) && btf_vlen(t) > 0 ?
	       btf_vlen(t) - 1 : -1;
}

/*
 * The format file's own fields (after the common_ ones), checked against
 * the ABI's names in order: the count, or -1 without the file; a name out
 * of place goes into note.
 */
static int format_fields(const char *dir, enum drv_event e, char *note,
			 size_t len)
{
	char path[256], line[512], name[128];
	const char *want;
	FILE *f;
	int n = 0;

	snprintf(path, sizeof(path), "%s/%s/format", dir, abi[e].name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *p = strstr(line, "field:"), *semi, *q;

		if (!p || !(semi = strchr(p, ';')))
			continue;
		*semi = '\0';
		/* The name is the last word, before any [N]. */
		if ((q = strchr(p, '[')))
			*q = '\0';
		q = strrchr(p, ' ');
		snprintf(name, sizeof(name), "%s", q ? q + 1 : p + 6);
		if (!strncmp(name, "common_", 7))
			continue;
		want = field_name(e, n);
		if (want && strcmp(want, name) && !note[0])
			snprintf(note, len, "field %d is \"%.40s\", the ABI's is \"%s\"",
				 n + 1, name, want);
		n++;
	}
	fclose(f);
	return n;
}

static void decide(struct driver_events *d, enum drv_event e,
		   const struct drv_paths *p, const struct btf *btf)
{
	struct drv_event_info *v = &d->ev[e];
	const struct abi_event *a = &abi[e];
	char bad[128] = "";
	int fmt;

	/*
	 * With two modules the format file may be the other one's (tracefs
	 * shows the first): then only BTF, or the first version, is safe.
	 */
	fmt = v->shared ? -1 : format_fields(p->tracefs, e, bad, sizeof(bad));
	v->fields = btf_fields(btf, a->name);
	v->source = v->fields >= 0 ? "btf" : fmt >= 0 ? "tracefs" : "none";
	if (v->fields < 0)
		v->fields = fmt;
	if (bad[0]) {
		snprintf(v->note, sizeof(v->note), "not attached: %.100s (%s)",
			 bad, a->without);
		return;
	}
	if (v->fields >= 0 && v->fields < a->min_fields) {
		snprintf(v->note, sizeof(v->note),
			 "not attached: %d fields, the ABI's first %d are needed (%s)",
			 v->fields, a->min_fields, a->without);
		return;
	}
	v->attach = true;
	if (v->fields < 0)
		snprintf(v->note, sizeof(v->note),
			 "fields unknown (no BTF; %s): the first %d read",
			 v->shared ? "another module's format file has the name" :
			 "no tracefs", a->min_fields);
	else if (v->fields < a->fields && e <= DRV_WSM_TX_PENDING)
		snprintf(v->note, sizeof(v->note),
			 "no capacity field: overflow only with --capacity");
	else if (v->fields < a->fields)
		snprintf(v->note, sizeof(v->note),
			 "no now field: check-then-act decided from the writes' times");
}

int driver_events_probe(struct driver_events *d, const char *want,
			const struct drv_paths *paths, char *err, size_t len)
{
	struct drv_paths p = {
		"/proc/kallsyms", "/proc/modules",
		"/sys/kernel/tracing/events/bes2600", "/sys/kernel/btf", NULL,
	};
	unsigned int defines[DRV_MAX_MODULES * 32] = { 0 };
	char mods[DRV_MAX_MODULES * 32][DRV_NAME_LEN];
	struct btf *base = NULL, *btf = NULL;
	char path[320];
	int nmods, m, e, w = -1;
	FILE *f;

	if (paths) {
		if (paths->kallsyms)
			p.kallsyms = paths->kallsyms;
		if (paths->modules)
			p.modules = paths->modules;
		if (paths->tracefs)
			p.tracefs = paths->tracefs;
		if (paths->btf_dir)
			p.btf_dir = paths->btf_dir;
		p.cancel = paths->cancel;
	}
	memset(d, 0, sizeof(*d));
	nmods = read_modules(p.modules, mods, DRV_MAX_MODULES * 32);
	if (nmods < 0 || read_kallsyms(p.kallsyms, mods, nmods, defines, p.cancel)) {
		snprintf(err, len, "cannot read %s: %s",
			 nmods < 0 ? p.modules : p.kallsyms, strerror(errno));
		return -1;
	}
	for (m = 0; m < nmods; m++) {
		if (!defines[m])
			continue;
		if (d->nmodules < DRV_MAX_MODULES)
			snprintf(d->modules[d->nmodules++], DRV_NAME_LEN,
				 "%.63s", mods[m]);
		/* The newest module with a counter event, unless one is named. */
		if (want ? !strcmp(want, mods[m]) :
			   w < 0 && (defines[m] & DRV_COUNTER_EVENTS))
			w = m;
	}
	if (!d->nmodules) {
		snprintf(err, len, "no bes2600 driver loaded (no bes2600 trace events): load bes2600_lab or a driver that uses include/trace/events/bes2600.h");
		return 1;
	}
	if (w < 0) {
		snprintf(err, len, want ? "--driver %s: no loaded module of that name defines bes2600 trace events (%s%s do)" :
			 "no loaded module defines a bes2600 counter event (%s%s define only other bes2600 events)",
			 want ? want : d->modules[0],
			 want ? d->modules[0] : "",
			 d->nmodules > 1 ? " and others" : "");
		return -1;
	}
	snprintf(d->driver, sizeof(d->driver), "%s", mods[w]);
	snprintf(path, sizeof(path), "%.200s/%s", p.btf_dir, d->driver);
	f = fopen(path, "r");
	d->btf = f != NULL;
	if (f)
		fclose(f);
	/* Parsed once for every event (the kernel's BTF alone is megabytes). */
	if (d->btf)
		btf = module_btf(p.btf_dir, d->driver, &base);
	for (e = 0; e < DRV_NR_EVENTS; e++) {
		struct drv_event_info *v = &d->ev[e];

		if (!(defines[w] & 1u << e)) {
			snprintf(v->note, sizeof(v->note), "absent: %s",
				 abi[e].without);
			continue;
		}
		v->present = true;
		/* Same size, NUL-terminated: a copy (snprintf upsets -Wrestrict). */
		memcpy(v->module, d->driver, sizeof(v->module));
		/* The kernel finds the newest module that defines the name. */
		for (m = 0; m < w; m++)
			if (defines[m] & 1u << e)
				break;
		if (m < w) {
			snprintf(v->note, sizeof(v->note),
				 "not attached: %s, loaded later, defines it too, and the kernel attaches by name to the newest (%s)",
				 mods[m], abi[e].without);
			continue;
		}
		for (m = w + 1; m < nmods; m++)
			if (defines[m] & 1u << e)
				v->shared = true;
		decide(d, e, &p, btf);
	}
	d->tp_btf = d->btf;
	for (e = 0; e < DRV_NR_EVENTS; e++)
		if (d->ev[e].attach && d->ev[e].shared)
			d->tp_btf = false;
	btf__free(btf);
	btf__free(base);
	if (!driver_events_counters(d)) {
		snprintf(err, len, "%s has no usable bes2600 counter event: %s",
			 d->driver, d->ev[DRV_HW_BUFS_USED].note);
		return -1;
	}
	return 0;
}

int driver_events_counters(const struct driver_events *d)
{
	int e, n = 0;

	for (e = DRV_HW_BUFS_USED; e <= DRV_WSM_TX_PENDING; e++)
		n += d->ev[e].attach;
	return n;
}

/* Every attached counter event has it: one flag serves the three. */
bool driver_events_has_capacity(const struct driver_events *d)
{
	int e;

	for (e = DRV_HW_BUFS_USED; e <= DRV_WSM_TX_PENDING; e++)
		if (d->ev[e].attach && d->ev[e].fields < BES2600_CTR_FIELDS)
			return false;
	return driver_events_counters(d) > 0;
}

bool driver_events_has_now(const struct driver_events *d)
{
	const struct drv_event_info *v = &d->ev[DRV_PENDING_TIMER];

	return v->attach && v->fields >= BES2600_TIMER_FIELDS;
}

void driver_events_print(FILE *f, const struct driver_events *d,
			 const char *indent, bool noted)
{
	int e;

	for (e = 0; e < DRV_NR_EVENTS; e++) {
		const struct drv_event_info *v = &d->ev[e];

		if (noted && !v->note[0])
			continue;
		fprintf(f, "%s%-20s ", indent, abi[e].name);
		if (v->present && v->fields >= 0)
			fprintf(f, "%d fields (%s)", v->fields, v->source);
		else if (v->present)
			fprintf(f, "present");
		if (v->note[0])
			fprintf(f, "%s%s", v->present ? ", " : "", v->note);
		fputc('\n', f);
	}
}
