// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The cost floor of watching a bes2600 event: a raw_tp program that does
 * nothing.  What any tool adds to the writer beyond this is the tool's.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("raw_tp/hw_bufs_used")
int floor_hw_bufs_used(void *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
