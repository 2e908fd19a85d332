/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The plan's Phase 7 figures from the sdio_rx_work events: MB/s, runs per
 * second, dispatches per 1000 RX packets, BH re-dispatches, and the
 * queue -> start and start -> end latencies.  Memory does not grow with
 * the length of the run: latencies go into log-linear histograms.
 */
#ifndef __BES2600_RXWORK_H
#define __BES2600_RXWORK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bes2600/top_maps.h>

struct rx_hist {
	uint64_t n;
	uint64_t b[BES2600_HIST_BUCKETS];
};

struct rx_hw;

struct rxwork {
	uint64_t window_ns;
	struct bes2600_event *buf;	/* reorder buffer, sorted by ts: mem + off */
	size_t n, cap;
	struct bes2600_event *mem;
	size_t off;
	uint64_t newest;
	struct rx_hw *hws;
	size_t nhw;
	struct bes2600_rx_totals t;
	uint64_t first_ts, last_ts;
	struct rx_hist q2s, s2e;
};

struct rx_figures {
	double duration_s;
	double mb_per_s;
	double runs_per_s;
	double dispatches_per_1000_rx;	/* < 0 when no packet was seen */
	uint64_t runs, packets, bytes, redispatches, queue_events, errors;
	uint64_t q2s_n, s2e_n;
	double q2s_p50_us, q2s_p99_us, s2e_p50_us, s2e_p99_us;
};

void rxwork_init(struct rxwork *r, uint64_t window_ns);
/* Returns -1 when out of memory. */
int rxwork_add(struct rxwork *r, const struct bes2600_event *e);
void rxwork_flush(struct rxwork *r);
void rxwork_free(struct rxwork *r);
void rx_hist_add(struct rx_hist *h, uint64_t v);
/* The p-th percentile (0..100) in ns, 0 when empty. */
uint64_t rx_hist_pct(const struct rx_hist *h, double p);
void rxwork_figures(const struct rxwork *r, uint64_t duration_ns,
		    struct rx_figures *f);
/*
 * Adds a chip's figures as the BPF side counted them to r's totals and
 * latencies, or replaces them with it; r then takes no events.
 */
void rxwork_add_stats(struct rxwork *r, const struct bes2600_rx_stats *st);
void rxwork_take_stats(struct rxwork *r, const struct bes2600_rx_stats *st);

#endif /* __BES2600_RXWORK_H */
