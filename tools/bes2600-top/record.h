/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Record files: the raw stream of an audit (--record) for an offline
 * replay (--replay) on any machine.  Versioned binary format, documented
 * byte by byte in docs/record-format.md: a header, then tagged,
 * length-prefixed, CRC-checked chunks (events, drops, stacks, symbols)
 * and an end chunk.  The reader never trusts a length it has not checked.
 */
#ifndef __BES2600_RECORD_H
#define __BES2600_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bes2600/top_maps.h>

#define REC_MAGIC "B2600REC"
#define REC_VERSION 1
#define REC_HEADER_SIZE 192
#define REC_CHUNK_HEADER 16
#define REC_MAX_CHUNK (64u << 20)
#define REC_MAX_STACK 128
#define REC_F_STACKS 1u
/*
 * The BPF side's counts are in COUNT and RXST chunks; the events are only
 * those the analysis needs (a reader that does not know this flag would
 * count from them, so it refuses the file).
 */
#define REC_F_COUNTS 2u
/* Header bounds: --window's 0.001..10000 ms, --capacity's 0..2^20. */
#define REC_MIN_WINDOW_NS 1000ULL
#define REC_MAX_WINDOW_NS 10000000000ULL
#define REC_MAX_CAPACITY (1u << 20)

struct rec_header {
	uint32_t version;
	uint32_t record_size;	/* bytes per event record */
	uint32_t flags;		/* REC_F_* */
	int32_t capacity;	/* numInpChBufs the audit used; 0 unknown */
	uint64_t start_ns;	/* CLOCK_MONOTONIC, the clock of the events */
	uint64_t start_realtime_ns;
	uint64_t window_ns;	/* reorder window the audit used */
	char release[64];	/* uname -r of the recording machine */
	char machine[32];	/* uname -m */
	char tool_version[16];	/* of the writer; the reader fills it */
};

struct recorder;

/* Creates path and writes the header; NULL with a reason in err. */
struct recorder *recorder_open(const char *path, const struct rec_header *h,
			       char *err, size_t errlen);
/* The writers below return -1 once a write failed (see recorder_close). */
int recorder_event(struct recorder *r, const struct bes2600_event *e);
int recorder_drop(struct recorder *r, uint32_t cpu, uint64_t from,
		  uint64_t to, uint64_t lost);
int recorder_stack(struct recorder *r, int32_t id, const uint64_t *ips,
		   uint32_t n);
int recorder_symbol(struct recorder *r, uint64_t addr, uint64_t size,
		    const char *name, const char *module);
/* One instance's counts, one chip's sdio_rx_work figures (REC_F_COUNTS). */
int recorder_counts(struct recorder *r, uint64_t hw, uint32_t counter,
		    int32_t idx, const struct bes2600_inst_stats *st);
int recorder_rx(struct recorder *r, uint64_t hw,
		const struct bes2600_rx_stats *st);
/* Writes what is pending and the end chunk, closes, frees. */
int recorder_close(struct recorder *r, uint64_t end_ns, char *err,
		   size_t errlen);
/* Closes without an end chunk (the file then reads as truncated). */
void recorder_discard(struct recorder *r);

struct rec_ops {
	int (*event)(void *ctx, const struct bes2600_event *e);
	int (*drop)(void *ctx, uint32_t cpu, uint64_t from, uint64_t to,
		    uint64_t lost);
	int (*stack)(void *ctx, int32_t id, const uint64_t *ips, uint32_t n);
	int (*symbol)(void *ctx, uint64_t addr, uint64_t size,
		      const char *name, const char *module);
	int (*counts)(void *ctx, uint64_t hw, uint32_t counter, int32_t idx,
		      const struct bes2600_inst_stats *st);
	int (*rx)(void *ctx, uint64_t hw, const struct bes2600_rx_stats *st);
};

struct rec_reader;

/* Opens path and checks its header; NULL with a reason in err. */
struct rec_reader *rec_reader_open(const char *path, struct rec_header *h,
				   char *err, size_t errlen);
/*
 * Reads every chunk, calling ops (a callback's non-zero return stops the
 * read: -1).  0 at a valid end chunk, with its end time in *end_ns.
 */
int rec_reader_run(struct rec_reader *rd, const struct rec_ops *ops,
		   void *ctx, uint64_t *end_ns, char *err, size_t errlen);
void rec_reader_close(struct rec_reader *rd);

uint32_t rec_crc32(uint32_t crc, const void *buf, size_t len);

#endif /* __BES2600_RECORD_H */
