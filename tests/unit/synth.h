/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Synthetic bes2600 event streams for the unit tests, written to a record
 * file with the real recorder, so that the tests go through exactly the
 * code path of "bes2600-top audit --replay FILE".
 */
#ifndef __SYNTH_H
#define __SYNTH_H

#include <stdbool.h>
#include <stdint.h>

#include <bes2600/top_event.h>

#define MS 1000000ULL
#define US 1000ULL

/* Where the lab's functions sit in the synthetic kernel. */
#define SYM_BASE 0xffffffffc0a00000ULL
#define SITE_ALLOC (SYM_BASE + 0x100 + 0x22)	/* wsm_alloc_tx_buffer */
#define SITE_RELEASE (SYM_BASE + 0x200 + 0x4a)	/* wsm_release_tx_buffer */
#define SITE_INC_PENDING (SYM_BASE + 0x400 + 0x10)
#define SITE_DEC_PENDING (SYM_BASE + 0x500 + 0x18)
#define SITE_INIT (SYM_BASE + 0x600 + 0x30)	/* bes2600_counters_init */
#define FN_RX_WORK (SYM_BASE + 0x800)		/* sdio_rx_work */
#define HW 0xffff888003a1c000ULL

/* The writers of the lab. */
enum synth_ctx {
	BH,		/* kthread:bes2600_bh, pid 100 */
	WORK,		/* work:sdio_rx_work, kworker pid 200 */
	WORK2,		/* work:sdio_rx_work, kworker pid 201 */
	IRQ,		/* hardirq */
	INSMOD,		/* task:insmod, pid 300 */
};

struct synth {
	char path[64];
	struct recorder *rec;
	uint64_t start_ns;
	uint64_t last_ts;
	uint64_t events;
};

/* Creates a record file in /tmp; window_ns goes into its header. */
void synth_open(struct synth *s, uint64_t window_ns);
/* With header flags (REC_F_COUNTS: s->rec takes recorder_counts()). */
void synth_open_flags(struct synth *s, uint64_t window_ns, uint32_t flags);
struct bes2600_event synth_ctr(uint64_t ts, enum synth_ctx who,
			       uint32_t counter, int32_t idx, int op,
			       int32_t old, int32_t new_, bool atomic,
			       uint64_t site, uint32_t cpu);
void synth_put(struct synth *s, const struct bes2600_event *e);
/* A counter write in one call. */
void synth_w(struct synth *s, uint64_t ts, enum synth_ctx who,
	     uint32_t counter, int32_t old, int32_t new_, bool atomic,
	     uint64_t site);
/* Writes the symbol chunk and the end chunk. */
void synth_close(struct synth *s);
void synth_unlink(struct synth *s);

/* Runs audit_cli() with a NULL-terminated argument list; output captured. */
struct synth_out {
	int status;
	char *out, *err;
};
int synth_audit(struct synth_out *o, ...);
void synth_out_free(struct synth_out *o);
/* Runs the replay of s with extra arguments, JSON into s->path + ".json". */
struct json;
struct json *synth_replay_json(struct synth *s, struct synth_out *o, ...);

#endif /* __SYNTH_H */
