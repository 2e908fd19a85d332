/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The logical context of the running code, as every bes2600-top program
 * decides it: NMI, hard IRQ, softirq, then a workqueue worker, a kthread
 * or a task.  The order matters: an interrupt borrows the task below it.
 */
#ifndef __BES2600_CONTEXT_BPF_H
#define __BES2600_CONTEXT_BPF_H

#include <vmlinux.h>
#include "core_fixes.bpf.h"

#define PF_KTHREAD	0x00200000
#define PF_WQ_WORKER	0x00000020
#define NMI_MASK	0x00f00000
#define HARDIRQ_MASK	0x000f0000
#define SOFTIRQ_OFFSET	0x00000100

static __always_inline __u8 context_kind(struct task_struct *t, int pc)
{
	unsigned int flags;

	if (pc & NMI_MASK)
		return BES2600_CTX_NMI;
	if (pc & HARDIRQ_MASK)
		return BES2600_CTX_HARDIRQ;
	if (pc & SOFTIRQ_OFFSET)
		return BES2600_CTX_SOFTIRQ;
	flags = t->flags;
	if (flags & PF_WQ_WORKER)
		return BES2600_CTX_WORK;
	return flags & PF_KTHREAD ? BES2600_CTX_KTHREAD : BES2600_CTX_TASK;
}

/* Interrupt contexts borrow the task: they are told apart by level. */
static __always_inline bool context_is_task(__u8 kind)
{
	return kind >= BES2600_CTX_WORK;
}

#endif /* __BES2600_CONTEXT_BPF_H */
