// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The cost floors of watching a bes2600 event: a raw_tp program that does
 * nothing, and one that only sends a record of the tools' size through a
 * ring buffer of theirs.  What a tool adds to the writer beyond the first
 * is the tool's; the second is what sending any record costs.
 */
#include <linux/bpf.h>
#include <linux/types.h>
#include <bpf/bpf_helpers.h>
#include <bes2600/top_event.h>

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16 * 1024 * 1024);
} ring SEC(".maps");

SEC("raw_tp/hw_bufs_used")
int floor_hw_bufs_used(void *ctx)
{
	return 0;
}

SEC("raw_tp/hw_bufs_used")
int ring_hw_bufs_used(void *ctx)
{
	struct bes2600_event *e = bpf_ringbuf_reserve(&ring, sizeof(*e), 0);

	if (e)
		bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
