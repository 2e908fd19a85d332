/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The BPF side of bes2600-top, shared by the audit and the dashboard:
 * find the driver, pick tp_btf or raw_tp, load, attach, stream records.
 */
#ifndef __BPF_SESSION_H
#define __BPF_SESSION_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bes2600/top_maps.h>

struct bpf_session;
struct driver_events;

/*
 * Every write is counted in maps; records go through the ring only where
 * the analysis needs them (bpf/bes2600_top.bpf.c says which).
 */
struct bpf_session_opts {
	bool stream;		/* send records (else maps only) */
	bool stream_all;	/* every write, atomic ones in bounds too */
	int32_t capacity;	/* hw_bufs_used bound, 0: none */
	bool stacks;		/* kernel stack ids in records */
	bool verbose;		/* libbpf's messages to stderr */
	const char *driver;	/* --driver: the module to audit, or NULL */
	/* What the caller found of the driver already, or NULL: probe it. */
	const struct driver_events *events;
	/* Called for each record, in ring order (not time order). */
	void (*on_event)(void *ctx, const struct bes2600_event *e);
	void *ctx;
	/*
	 * Or NULL.  When set, the load (seconds under load: the kernel's BTF,
	 * the verifier) runs in a thread of its own, and the open gives up,
	 * NULL with "stopped by a signal", as soon as *cancel is set; the
	 * thread closes what it made, or dies with the process.
	 */
	const volatile sig_atomic_t *cancel;
};

/* Why a session could not start, for the one-line reason and exit 2. */
struct bpf_session_error {
	char msg[256];
};

struct bpf_session *bpf_session_open(const struct bpf_session_opts *o,
				     struct bpf_session_error *err);
/*
 * Delivers what the ring holds, waiting up to timeout_ms for more; stops
 * delivering at deadline_ns (CLOCK_MONOTONIC, 0: none) and returns 1
 * then, with the rest left in the ring (bpf_session_backlog()).
 */
int bpf_session_poll(struct bpf_session *s, int timeout_ms,
		     uint64_t deadline_ns);
/*
 * Stores the time the writer rows are stamped with (each poll does):
 * a caller that waits longer than 100 ms between polls calls it.
 */
void bpf_session_tick(struct bpf_session *s);
/* Records sent by the BPF side and not delivered yet. */
uint64_t bpf_session_backlog(const struct bpf_session *s);
/* The chip (bes2600_common address) of an instance slot, 0: none yet. */
uint64_t bpf_session_hw(const struct bpf_session *s, int hw_slot);
/* Stops the programs; the ring and the counts stay readable. */
void bpf_session_detach(struct bpf_session *s);
void bpf_session_close(struct bpf_session *s);

const char *bpf_session_attach_mode(const struct bpf_session *s);
const char *bpf_session_driver(const struct bpf_session *s);
/* What the driver's events are, and which programs were loaded. */
const struct driver_events *bpf_session_events(const struct bpf_session *s);
/*
 * Per CPU, the records lost since its last sent one (none of them carried
 * a lost_before): lost[0 .. ncpu); returns the CPUs filled, or -1.
 */
int bpf_session_lost_tail(const struct bpf_session *s, uint64_t *lost,
			  int ncpu);
/* Records the BPF side could not send (ring full), all CPUs. */
uint64_t bpf_session_lost(const struct bpf_session *s);
/* Events seen by the BPF side, all CPUs. */
uint64_t bpf_session_seen(const struct bpf_session *s);
/* Fills ips[] with the stack of id; returns its depth or -1. */
int bpf_session_stack(const struct bpf_session *s, int32_t id,
		      uint64_t *ips, int max);
/* Writes the aggregation found no instance slot for, all CPUs. */
uint64_t bpf_session_unaggregated(const struct bpf_session *s);

/*
 * The aggregation, mapped: one instance slot (bes2600_inst_index()), or
 * NULL for an index out of range; BPF updates it while it is read,
 */
const struct bes2600_inst_stats *bpf_session_inst(const struct bpf_session *s,
						  int index);
/* a chip slot's sdio_rx_work figures, or NULL, */
const struct bes2600_rx_stats *bpf_session_rx(const struct bpf_session *s,
					      int hw_slot);
/* zeroes them all (the dashboard's "reset"; racy by a write or two), */
void bpf_session_reset_agg(struct bpf_session *s);
/* and the interval epoch: starts the next one, returns the one that ended. */
uint32_t bpf_session_next_epoch(struct bpf_session *s);

#endif /* __BPF_SESSION_H */
