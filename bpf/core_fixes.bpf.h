/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Kernel-version differences bes2600-top's BPF side has to bridge, each
 * resolved with CO-RE so one object loads on Debian 6.1 and 6.12 (and
 * builds for arm64, the user's tablet).
 */
#ifndef __BES2600_CORE_FIXES_BPF_H
#define __BES2600_CORE_FIXES_BPF_H

#include <vmlinux.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>

/* x86: 6.2 moved the per-CPU preempt count into struct pcpu_hot. */
struct pcpu_hot___x {
	int preempt_count;
} __attribute__((preserve_access_index));

extern struct pcpu_hot___x pcpu_hot __ksym __weak;
extern int __preempt_count __ksym __weak;

/* arm64 keeps it in thread_info. */
struct thread_info___arm64 {
	union {
		__u64 preempt_count;
		struct {
			__u32 count;
			__u32 need_resched;
		} preempt;
	};
} __attribute__((preserve_access_index));

struct task_struct___ti {
	struct thread_info___arm64 thread_info;
} __attribute__((preserve_access_index));

static __always_inline int get_preempt_count(void)
{
#if defined(__TARGET_ARCH_x86)
	if (bpf_core_type_exists(struct pcpu_hot___x) && &pcpu_hot)
		return ((struct pcpu_hot___x *)bpf_this_cpu_ptr(&pcpu_hot))->preempt_count;
	if (&__preempt_count)
		return *(int *)bpf_this_cpu_ptr(&__preempt_count);
	return 0;
#elif defined(__TARGET_ARCH_arm64)
	struct task_struct___ti *t = (void *)bpf_get_current_task();

	return BPF_CORE_READ(t, thread_info.preempt.count);
#else
	return 0;
#endif
}

/*
 * The worker a workqueue kthread runs: kthread_data() of the task, which
 * lives in task->worker_private since 5.17 (set_child_tid before).
 */
struct task_struct___old {
	int *set_child_tid;
} __attribute__((preserve_access_index));

static __always_inline struct worker *current_worker(struct task_struct *t)
{
	struct kthread *kt;

	/* t is a BTF pointer: a plain load where the field exists. */
	if (bpf_core_field_exists(t->worker_private))
		kt = t->worker_private;
	else
		kt = (void *)BPF_CORE_READ((struct task_struct___old *)t,
					   set_child_tid);
	return kt ? BPF_CORE_READ(kt, data) : NULL;
}

#endif /* __BES2600_CORE_FIXES_BPF_H */
