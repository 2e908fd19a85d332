// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Writes a lab-like record file of N events (c-v2: atomic counters, BH
 * allocates, sdio_rx_work releases, up to 8 buffers in flight, an
 * sdio_rx_work run per 4 confirms), for the memory benchmark: replaying
 * it runs the audit's analysis over N events without a guest.
 *
 *   mkrecord FILE N
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"

#define HW 0xffff888003a1c000ULL
#define SITE 0xffffffffc0a00100ULL
#define RX_WORK_FN 0xffffffffc0a00800ULL

static uint64_t ts = 1000000000ULL;
static uint64_t written;
static struct recorder *rec;

static void put(struct bes2600_event *e, int bh)
{
	e->ts_ns = ts += 3000;
	e->hw = HW;
	e->cpu = bh ? 0 : 1;
	e->stack_id = -1;
	e->pid = bh ? 100 : 200;
	e->ctx_kind = bh ? BES2600_CTX_KTHREAD : BES2600_CTX_WORK;
	e->ctx_func = bh ? 0 : RX_WORK_FN;
	snprintf(e->comm, sizeof(e->comm), "%s",
		 bh ? "bes2600_bh" : "kworker/u4:1");
	if (recorder_event(rec, e)) {
		fprintf(stderr, "mkrecord: write failed\n");
		exit(1);
	}
	written++;
}

static void ctr(int bh, uint32_t counter, int32_t idx, int32_t *v, int d)
{
	struct bes2600_event e;

	memset(&e, 0, sizeof(e));
	e.type = BES2600_EV_COUNTER;
	e.ctr.counter = counter;
	e.ctr.idx = idx;
	e.ctr.op = d > 0 ? 1 : 2;
	e.ctr.delta = d;
	e.ctr.old = *v;
	e.ctr.new_ = *v + d;
	e.ctr.atomic = 1;
	e.ctr.caller = SITE + 0x100 * counter + (d > 0 ? 0 : 0x40);
	*v += d;
	put(&e, bh);
}

static void rx(uint32_t type, uint32_t packets)
{
	struct bes2600_event e;

	memset(&e, 0, sizeof(e));
	e.type = type;
	if (type == BES2600_EV_RX_WORK_QUEUE)
		e.rxq.queued = 1;
	if (type == BES2600_EV_RX_WORK_END) {
		e.rxe.transfers = 1;
		e.rxe.packets = packets;
		e.rxe.bytes = packets * 1000;
		e.rxe.direct = packets;
	}
	put(&e, type != BES2600_EV_RX_WORK_QUEUE);
}

int main(int argc, char **argv)
{
	struct rec_header h = { .capacity = 16, .start_ns = ts,
				.window_ns = 50000000 };
	int32_t used = 0, vif = 0, pend = 0;
	unsigned long long n;
	char err[256];
	int i;

	if (argc != 3 || !(n = strtoull(argv[2], NULL, 10))) {
		fprintf(stderr, "usage: mkrecord FILE EVENTS\n");
		return 2;
	}
	snprintf(h.release, sizeof(h.release), "synthetic");
	snprintf(h.machine, sizeof(h.machine), "x86_64");
	rec = recorder_open(argv[1], &h, err, sizeof(err));
	if (!rec) {
		fprintf(stderr, "mkrecord: %s\n", err);
		return 2;
	}
	while (written < n) {
		for (i = 0; i < 8; i++) {
			ctr(1, BES2600_HW_BUFS_USED, 0, &used, 1);
			ctr(1, BES2600_HW_BUFS_USED_VIF, 0, &vif, 1);
			ctr(1, BES2600_WSM_TX_PENDING, 0, &pend, 1);
		}
		for (i = 0; i < 8; i++) {
			if (i % 4 == 0) {
				rx(BES2600_EV_RX_WORK_QUEUE, 0);
				rx(BES2600_EV_RX_WORK_START, 0);
			}
			ctr(0, BES2600_HW_BUFS_USED, 0, &used, -1);
			ctr(0, BES2600_HW_BUFS_USED_VIF, 0, &vif, -1);
			ctr(0, BES2600_WSM_TX_PENDING, 0, &pend, -1);
			if (i % 4 == 3)
				rx(BES2600_EV_RX_WORK_END, 4);
		}
	}
	if (recorder_close(rec, ts + 1000, err, sizeof(err))) {
		fprintf(stderr, "mkrecord: %s\n", err);
		return 1;
	}
	printf("%s: %llu events\n", argv[1], (unsigned long long)written);
	return 0;
}
