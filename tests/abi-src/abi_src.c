// SPDX-License-Identifier: GPL-2.0
/*
 * A second source of bes2600 trace events for the tests: not the lab,
 * but a small module that implements the tracepoint ABI as a driver
 * adopting it from the documentation would, in the variant its wrapper
 * file selects (abi_src_trace.h).  One "chip": a kthread (abi_src_tx)
 * adds to the three counters, a work item (abi_src_work) subtracts what
 * it added, so with plain writes and a race window they lose updates.
 *
 * debugfs/<module>/run: write N to make N rounds (returns when done);
 * debugfs/<module>/truth: the lab's ground-truth format, per counter.
 */
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/timer.h>
#include <linux/workqueue.h>

#define CREATE_TRACE_POINTS
#include "abi_src_trace.h"

#define CAPACITY 16

static bool atomic;
module_param(atomic, bool, 0444);
MODULE_PARM_DESC(atomic, "atomic read-modify-writes (else plain: load, then store)");
static unsigned int race_window_us;
module_param(race_window_us, uint, 0444);
MODULE_PARM_DESC(race_window_us, "gap between load and store of a plain write");

enum { C_HW_BUFS, C_VIF0, C_PENDING0, C_NR };

struct abi_ctr {
	atomic_t val;
	atomic_t intended;
	atomic_long_t plain, atomic;
};

static struct abi_hw {
	struct abi_ctr ctr[C_NR];
	atomic_t credits;		/* rounds added, not yet released */
	struct work_struct work;
	struct timer_list timer;
	struct dentry *dir;
	struct mutex run_lock;
	struct completion done;
	unsigned int rounds;
} chip;

static void abi_window(void)
{
	if (race_window_us >= 10)
		usleep_range(race_window_us, race_window_us + 1);
	else if (race_window_us)
		udelay(race_window_us);
}

/* One write, and its event with the writer's own address. */
static int abi_write(int c, int delta, unsigned long caller)
{
	struct abi_ctr *x = &chip.ctr[c];
	int old;

	if (atomic) {
		old = atomic_fetch_add(delta, &x->val);
	} else {
		old = atomic_read(&x->val);
		abi_window();
		atomic_set(&x->val, old + delta);
	}
	atomic_add(delta, &x->intended);
	atomic_long_inc(atomic ? &x->atomic : &x->plain);
#ifdef ABI_CTR_CAPACITY
#define CAP(c) , (c) == C_HW_BUFS ? CAPACITY : 0
#else
#define CAP(c)
#endif
	switch (c) {
	case C_HW_BUFS:
		trace_hw_bufs_used(&chip, 0, delta > 0 ? 1 : 2, delta, old,
				   old + delta, atomic, caller CAP(c));
		break;
	case C_VIF0:
		trace_hw_bufs_used_vif(&chip, 0, delta > 0 ? 1 : 2, delta, old,
				       old + delta, atomic, caller CAP(c));
		break;
	default:
		trace_wsm_tx_pending(&chip, 0, delta > 0 ? 1 : 2, delta, old,
				     old + delta, atomic, caller CAP(c));
		break;
	}
	return old + delta;
}

static noinline void abi_tx_alloc(void)
{
	abi_write(C_HW_BUFS, 1, _THIS_IP_);
	abi_write(C_VIF0, 1, _THIS_IP_);
	abi_write(C_PENDING0, 1, _THIS_IP_);
}

static noinline void abi_rx_release(void)
{
	int left;

	abi_write(C_HW_BUFS, -1, _THIS_IP_);
	abi_write(C_VIF0, -1, _THIS_IP_);
	left = abi_write(C_PENDING0, -1, _THIS_IP_);
#ifdef ABI_TIMER
	if (left <= 0) {
		del_timer(&chip.timer);
		trace_pending_count_timer(&chip, 0, left, 0);
	} else {
		mod_timer(&chip.timer, jiffies + HZ);
		trace_pending_count_timer(&chip, 0, left, 1);
	}
#else
	(void)left;
#endif
}

static void abi_src_work(struct work_struct *w)
{
	unsigned int n = 0;

#ifdef ABI_RX_WORK
	trace_sdio_rx_work_start(&chip);
#endif
	/*
	 * Release, then drop the credit (only this work item drops them):
	 * the count never passes the credits, which stay within CAPACITY.
	 */
	while (atomic_read(&chip.credits) > 0) {
		abi_rx_release();
		atomic_dec(&chip.credits);
		n++;
		cond_resched();
	}
#ifdef ABI_RX_WORK
	trace_sdio_rx_work_end(&chip, 1, n, n * 100, n, 0, 0);
#endif
}

static void abi_timer_fn(struct timer_list *t)
{
}

static int abi_src_tx(void *arg)
{
	unsigned int i;
	bool queued;

	for (i = 0; i < chip.rounds; i++) {
		/* Like a chip: no more buffers in flight than it has. */
		while (atomic_read(&chip.credits) >= CAPACITY) {
			queue_work(system_unbound_wq, &chip.work);
			usleep_range(20, 40);
		}
		abi_tx_alloc();
		atomic_inc(&chip.credits);
		queued = queue_work(system_unbound_wq, &chip.work);
#ifdef ABI_RX_WORK
		trace_sdio_rx_work_queue(&chip, 0, queued);
#else
		(void)queued;
#endif
		/* RCU-tasks needs a quiescent state now and then. */
		cond_resched();
	}
	while (atomic_read(&chip.credits))
		flush_work(&chip.work);
	kthread_complete_and_exit(&chip.done, 0);
}

static ssize_t run_write(struct file *f, const char __user *buf, size_t len,
			 loff_t *pos)
{
	struct task_struct *t;
	unsigned int n;
	int err;

	err = kstrtouint_from_user(buf, len, 0, &n);
	if (err)
		return err;
	if (!n || n > 10000000)
		return -EINVAL;
	mutex_lock(&chip.run_lock);
	chip.rounds = n;
	reinit_completion(&chip.done);
	t = kthread_run(abi_src_tx, NULL, "abi_src_tx");
	if (IS_ERR(t)) {
		mutex_unlock(&chip.run_lock);
		return PTR_ERR(t);
	}
	wait_for_completion(&chip.done);
	mutex_unlock(&chip.run_lock);
	return len;
}

static const struct file_operations run_fops = {
	.owner = THIS_MODULE,
	.write = run_write,
};

static int truth_show(struct seq_file *m, void *v)
{
	static const char *const names[C_NR] = {
		"hw_bufs_used[0]", "hw_bufs_used_vif[0]", "wsm_tx_pending[0]",
	};
	int c;

	for (c = 0; c < C_NR; c++) {
		struct abi_ctr *x = &chip.ctr[c];
		int val = atomic_read(&x->val), want = atomic_read(&x->intended);

		seq_printf(m, "%s value=%d intended=%d drift=%d plain_writes=%ld atomic_writes=%ld\n",
			   names[c], val, want, val - want,
			   atomic_long_read(&x->plain),
			   atomic_long_read(&x->atomic));
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(truth);

static int __init abi_src_init(void)
{
	mutex_init(&chip.run_lock);
	init_completion(&chip.done);
	INIT_WORK(&chip.work, abi_src_work);
	timer_setup(&chip.timer, abi_timer_fn, 0);
	chip.dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("run", 0200, chip.dir, NULL, &run_fops);
	debugfs_create_file("truth", 0400, chip.dir, NULL, &truth_fops);
	pr_info("loaded: atomic=%d race_window_us=%u\n", atomic,
		race_window_us);
	return 0;
}

static void __exit abi_src_exit(void)
{
	debugfs_remove_recursive(chip.dir);
	cancel_work_sync(&chip.work);
	del_timer_sync(&chip.timer);
}

module_init(abi_src_init);
module_exit(abi_src_exit);
MODULE_DESCRIPTION("bes2600 tracepoint ABI test source (not a driver)");
MODULE_LICENSE("GPL");
