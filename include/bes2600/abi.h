/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * The codes of the bes2600 tracepoint ABI (docs/tracepoints.md), in one
 * place: the trace header, the counter accessors, the BPF programs and the
 * tools all take them from here.  Plain defines, so the kernel, BPF and
 * userspace can include it alike.  Never renumber: recordings, JSON
 * reports and bpftrace one-liners carry the values.
 */
#ifndef _BES2600_ABI_H
#define _BES2600_ABI_H

/* The counter events' "op" field. */
#define BES2600_CTR_OP_SET	0
#define BES2600_CTR_OP_ADD	1
#define BES2600_CTR_OP_SUB	2

/* sdio_rx_work_queue's "reason" field. */
#define BES2600_RX_WORK_IRQ		0
#define BES2600_RX_WORK_BH_REDISPATCH	1
#define BES2600_RX_WORK_TX		2	/* a kick after a TX transfer */

/* pending_count_timer's "action" field. */
#define BES2600_PENDING_TIMER_DEL	0
#define BES2600_PENDING_TIMER_MOD	1

/*
 * Fields of each event, in ABI order.  A driver may stop after the
 * MIN count (an earlier version of the ABI); the tools read a later
 * field only where the driver's event has it.
 */
#define BES2600_CTR_FIELDS_MIN		8	/* hw .. caller */
#define BES2600_CTR_FIELDS		9	/* + capacity */
#define BES2600_TIMER_FIELDS_MIN	4	/* hw, idx, count, action */
#define BES2600_TIMER_FIELDS		5	/* + now */
#define BES2600_RXQ_FIELDS		3
#define BES2600_RXS_FIELDS		1
#define BES2600_RXE_FIELDS		7

#endif /* _BES2600_ABI_H */
