/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What the loaded driver's bes2600 trace events are, decided before any
 * BPF program is loaded: which module defines each event, how many fields
 * it has and whether they are the ABI's, so that only programs that fit
 * are loaded, and the report can say what the driver leaves out.
 *
 * The kernel attaches a BPF program to a trace point by its name alone,
 * to the module loaded last among those that define it; so when several
 * modules define one event, only that one can be audited.
 */
#ifndef __BES2600_DRIVER_EVENTS_H
#define __BES2600_DRIVER_EVENTS_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum drv_event {
	DRV_HW_BUFS_USED,
	DRV_HW_BUFS_USED_VIF,
	DRV_WSM_TX_PENDING,
	DRV_RX_WORK_QUEUE,
	DRV_RX_WORK_START,
	DRV_RX_WORK_END,
	DRV_PENDING_TIMER,
	DRV_NR_EVENTS,
};

/* The three counter events, as bits (1 << event). */
#define DRV_COUNTER_EVENTS \
	(1u << DRV_HW_BUFS_USED | 1u << DRV_HW_BUFS_USED_VIF | \
	 1u << DRV_WSM_TX_PENDING)

#define DRV_MAX_MODULES 8
#define DRV_NAME_LEN 64

struct drv_event_info {
	bool present;		/* the module defines it */
	bool attach;		/* a program for it is loaded */
	bool shared;		/* an older module defines it too */
	int fields;		/* -1: unknown (no BTF, no tracefs) */
	const char *source;	/* "btf", "tracefs" or "none" */
	char module[DRV_NAME_LEN];
	char note[256];		/* why not attached, or what is missing */
};

struct driver_events {
	char driver[DRV_NAME_LEN];	/* the module audited */
	bool btf;			/* it has BTF (field counts) */
	/*
	 * tp_btf programs: it has BTF and no other module defines its
	 * events (libbpf 1.1 checks a tp_btf program against the first
	 * module BTF that has the event, the kernel attaches to the newest).
	 */
	bool tp_btf;
	struct drv_event_info ev[DRV_NR_EVENTS];
	/* every module that defines a bes2600 event, newest first */
	char modules[DRV_MAX_MODULES][DRV_NAME_LEN];
	int nmodules;
};

const char *drv_event_name(enum drv_event e);

/*
 * Finds the modules with bes2600 events and decides, for want (NULL: the
 * one the kernel attaches the counter events to), what to load.  The
 * kallsyms, modules and tracefs paths are parameters for the tests; NULL
 * takes the system's.  0; 1 when no module has bes2600 events; -1 when
 * none can be audited; a one-line reason in err.
 */
struct drv_paths {
	const char *kallsyms;	/* /proc/kallsyms */
	const char *modules;	/* /proc/modules */
	const char *tracefs;	/* events/bes2600 directory */
	const char *btf_dir;	/* /sys/kernel/btf */
	/* Reading kallsyms stops, -1 with EINTR, once set (NULL: never). */
	const volatile sig_atomic_t *cancel;
};

int driver_events_probe(struct driver_events *d, const char *want,
			const struct drv_paths *paths, char *err, size_t len);
/* Counter events with a program: 0 means nothing to audit. */
int driver_events_counters(const struct driver_events *d);
/* Whether the driver's counter events carry capacity, the timer now. */
bool driver_events_has_capacity(const struct driver_events *d);
bool driver_events_has_now(const struct driver_events *d);
/* One line per event (only those with a note: noted), for -v and the report. */
void driver_events_print(FILE *f, const struct driver_events *d,
			 const char *indent, bool noted);

#endif /* __BES2600_DRIVER_EVENTS_H */
