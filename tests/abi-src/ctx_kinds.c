// SPDX-License-Identifier: GPL-2.0
/*
 * The context classification test's event source: one counter
 * (hw_bufs_used, through the ABI's accessors) written from every kind of
 * context the ABI names but NMI, a different number of times per kind, so
 * that a writer put in the wrong kind shows in the counts.
 *
 *   hardirq  an hrtimer in hard mode        1 add + 1 sub per round
 *   softirq  a timer_list                   2 + 2
 *   work     a work item (ctx_kinds_work)   3 + 3
 *   kthread  a kthread (ctx_kthread)        4 + 4
 *   task     the process writing "run"      5 + 5
 *
 * debugfs/ctx_kinds/run: write N to make N rounds (returns when done).
 * debugfs/ctx_kinds/truth: per context, as the kernel itself sees it at
 * each write (in_hardirq(), in_serving_softirq(), current_work(),
 * PF_KTHREAD), the number of writes: "<context> writes=<n>".
 */
#include <linux/completion.h>
#include <linux/debugfs.h>
#include <linux/hrtimer.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/timer.h>
#include <linux/workqueue.h>

#include <bes2600/counters.h>
/* counters.h declared the events; this module defines them. */
#define CREATE_TRACE_POINTS
#include <trace/events/bes2600.h>

enum { K_HARDIRQ, K_SOFTIRQ, K_WORK, K_KTHREAD, K_TASK, K_NR };

#define MAX_NAMES 8
#define NAME_LEN 64

static struct ctx_kinds {
	struct bes2600_ctr ctr;
	struct hrtimer hrt;
	struct timer_list timer;
	struct work_struct work;
	struct task_struct *thread;
	struct completion done;
	bool thread_go;
	wait_queue_head_t thread_wq;
	struct mutex run_lock;
	struct dentry *dir;
	/* The kernel's own view of each write's context, counted. */
	spinlock_t truth_lock;
	char names[MAX_NAMES][NAME_LEN];
	unsigned long writes[MAX_NAMES];
	int unnamed;
} ck;

/* What the kernel says the current context is, in the tools' words. */
static void kernel_view(char *buf, size_t len)
{
	struct work_struct *w = current_work();

	if (in_nmi()) {
		snprintf(buf, len, "nmi");
	} else if (in_hardirq()) {
		snprintf(buf, len, "hardirq");
	} else if (in_serving_softirq()) {
		snprintf(buf, len, "softirq");
	} else if (w) {
		snprintf(buf, len, "work:%ps", w->func);
		/* %ps adds " [module]" after a module's function. */
		strreplace(buf, ' ', '\0');
	} else if (current->flags & PF_KTHREAD) {
		snprintf(buf, len, "kthread:%s", current->comm);
	} else {
		snprintf(buf, len, "task:%s", current->comm);
	}
}

static void count_truth(void)
{
	char name[NAME_LEN];
	unsigned long flags;
	int i;

	kernel_view(name, sizeof(name));
	spin_lock_irqsave(&ck.truth_lock, flags);
	for (i = 0; i < MAX_NAMES && ck.names[i][0]; i++)
		if (!strcmp(ck.names[i], name))
			break;
	if (i == MAX_NAMES) {
		ck.unnamed++;
	} else {
		if (!ck.names[i][0])
			strscpy(ck.names[i], name, NAME_LEN);
		ck.writes[i]++;
	}
	spin_unlock_irqrestore(&ck.truth_lock, flags);
}

/* n adds then n subs, atomic: the count returns to where it was. */
static noinline void ctx_kinds_write(int n)
{
	int i;

	for (i = 0; i < n; i++) {
		bes2600_ctr_add(&ck.ctr, BES2600_CTR_HW_BUFS_USED, &ck, 0, 1,
				true);
		count_truth();
	}
	for (i = 0; i < n; i++) {
		bes2600_ctr_sub(&ck.ctr, BES2600_CTR_HW_BUFS_USED, &ck, 0, 1,
				true);
		count_truth();
	}
}

static enum hrtimer_restart ctx_kinds_hrtimer(struct hrtimer *t)
{
	ctx_kinds_write(K_HARDIRQ + 1);
	complete(&ck.done);
	return HRTIMER_NORESTART;
}

static void ctx_kinds_timer(struct timer_list *t)
{
	ctx_kinds_write(K_SOFTIRQ + 1);
	complete(&ck.done);
}

static void ctx_kinds_work(struct work_struct *w)
{
	ctx_kinds_write(K_WORK + 1);
}

static int ctx_kinds_thread(void *arg)
{
	while (!kthread_should_stop()) {
		wait_event_interruptible(ck.thread_wq,
					 READ_ONCE(ck.thread_go) ||
					 kthread_should_stop());
		if (kthread_should_stop())
			break;
		WRITE_ONCE(ck.thread_go, false);
		ctx_kinds_write(K_KTHREAD + 1);
		complete(&ck.done);
	}
	return 0;
}

static void one_round(void)
{
	reinit_completion(&ck.done);
	hrtimer_start(&ck.hrt, ns_to_ktime(1000), HRTIMER_MODE_REL_HARD);
	wait_for_completion(&ck.done);

	reinit_completion(&ck.done);
	mod_timer(&ck.timer, jiffies + 1);
	wait_for_completion(&ck.done);

	queue_work(system_wq, &ck.work);
	flush_work(&ck.work);

	reinit_completion(&ck.done);
	WRITE_ONCE(ck.thread_go, true);
	wake_up(&ck.thread_wq);
	wait_for_completion(&ck.done);

	ctx_kinds_write(K_TASK + 1);
}

static ssize_t run_write(struct file *f, const char __user *ubuf, size_t len,
			 loff_t *off)
{
	unsigned int n, i;
	int err;

	err = kstrtouint_from_user(ubuf, len, 0, &n);
	if (err)
		return err;
	if (n > 100000)
		return -EINVAL;
	mutex_lock(&ck.run_lock);
	for (i = 0; i < n; i++)
		one_round();
	mutex_unlock(&ck.run_lock);
	return len;
}

static const struct file_operations run_fops = {
	.owner = THIS_MODULE,
	.write = run_write,
};

static int truth_show(struct seq_file *m, void *v)
{
	unsigned long flags;
	int i;

	spin_lock_irqsave(&ck.truth_lock, flags);
	for (i = 0; i < MAX_NAMES && ck.names[i][0]; i++)
		seq_printf(m, "%s writes=%lu\n", ck.names[i], ck.writes[i]);
	if (ck.unnamed)
		seq_printf(m, "(more contexts) writes=%d\n", ck.unnamed);
	spin_unlock_irqrestore(&ck.truth_lock, flags);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(truth);

static int __init ctx_kinds_init(void)
{
	mutex_init(&ck.run_lock);
	spin_lock_init(&ck.truth_lock);
	init_completion(&ck.done);
	init_waitqueue_head(&ck.thread_wq);
	hrtimer_init(&ck.hrt, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
	ck.hrt.function = ctx_kinds_hrtimer;
	timer_setup(&ck.timer, ctx_kinds_timer, 0);
	INIT_WORK(&ck.work, ctx_kinds_work);
	ck.thread = kthread_run(ctx_kinds_thread, NULL, "ctx_kthread");
	if (IS_ERR(ck.thread))
		return PTR_ERR(ck.thread);
	ck.dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("run", 0200, ck.dir, NULL, &run_fops);
	debugfs_create_file("truth", 0444, ck.dir, NULL, &truth_fops);
	return 0;
}

static void __exit ctx_kinds_exit(void)
{
	debugfs_remove_recursive(ck.dir);
	kthread_stop(ck.thread);
	hrtimer_cancel(&ck.hrt);
	del_timer_sync(&ck.timer);
	cancel_work_sync(&ck.work);
}

module_init(ctx_kinds_init);
module_exit(ctx_kinds_exit);
MODULE_DESCRIPTION("bes2600 ABI test source: one counter written from every kind of context");
MODULE_LICENSE("GPL");
