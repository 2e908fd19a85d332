// SPDX-License-Identifier: GPL-2.0
/*
 * bes2600-top state's test module: a struct whose fields are written by
 * known functions from known contexts, one after another (no two calls
 * overlap), so that the tool's table is known exactly.  Each round:
 *
 *   sf_round (task)           inner.b[0] itself, then calls
 *     sf_write_plain          plain_count += 1
 *     sf_write_atomic         atomic_inc(&hits)
 *   sf_write_nested (softirq, a timer_list)   inner.a += 1
 *   sf_write_array (work, sf_work_fn)         inner.b[2] += 1
 *   sf_write_slot (kthread sf_thread)         slots[1] += 1
 *   sf_write_atomic (hardirq, an hrtimer)     atomic_inc(&hits)
 *
 * untouched is never written.  The timers, the work and the thread live
 * outside the measured struct: their own state is not the test's.
 * debugfs/state_fields/run: write N to make N rounds (returns when done);
 * read it for the rounds made.
 */
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/debugfs.h>
#include <linux/hrtimer.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/timer.h>
#include <linux/workqueue.h>

/* Whole functions under their own names (no inlining, no .isra clones). */
#define SF_WRITER noinline __attribute__((__noclone__))

struct sf_inner {
	int a;
	u16 b[4];
};

struct sf_state {
	int plain_count;
	struct sf_inner inner;
	atomic_t hits;
	u32 slots[4];
	long untouched;
};

static struct sf_state sf_data;

static struct {
	struct timer_list timer;
	struct hrtimer hrt;
	struct work_struct work;
	struct task_struct *thread;
	wait_queue_head_t thread_wq;
	bool thread_go;
	struct completion done;
	struct mutex run_lock;
	unsigned long rounds;
	struct dentry *dir;
} sf;

static SF_WRITER void sf_write_plain(struct sf_state *s)
{
	WRITE_ONCE(s->plain_count, READ_ONCE(s->plain_count) + 1);
}

static SF_WRITER void sf_write_atomic(struct sf_state *s)
{
	atomic_inc(&s->hits);
}

static SF_WRITER void sf_write_nested(struct sf_state *s)
{
	WRITE_ONCE(s->inner.a, READ_ONCE(s->inner.a) + 1);
}

static SF_WRITER void sf_write_array(struct sf_state *s, int i)
{
	WRITE_ONCE(s->inner.b[i], READ_ONCE(s->inner.b[i]) + 1);
}

static SF_WRITER void sf_write_slot(struct sf_state *s)
{
	WRITE_ONCE(s->slots[1], READ_ONCE(s->slots[1]) + 1);
}

/* The function the test asks about: one write of its own, two callees. */
static SF_WRITER void sf_round(struct sf_state *s)
{
	WRITE_ONCE(s->inner.b[0], READ_ONCE(s->inner.b[0]) + 1);
	sf_write_plain(s);
	sf_write_atomic(s);
}

static void sf_timer_fn(struct timer_list *t)
{
	sf_write_nested(&sf_data);
	complete(&sf.done);
}

static enum hrtimer_restart sf_hrt_fn(struct hrtimer *t)
{
	sf_write_atomic(&sf_data);
	complete(&sf.done);
	return HRTIMER_NORESTART;
}

static void sf_work_fn(struct work_struct *w)
{
	sf_write_array(&sf_data, 2);
	complete(&sf.done);
}

static int sf_thread_fn(void *arg)
{
	while (!kthread_should_stop()) {
		wait_event_interruptible(sf.thread_wq, READ_ONCE(sf.thread_go) ||
					 kthread_should_stop());
		if (!READ_ONCE(sf.thread_go))
			continue;
		WRITE_ONCE(sf.thread_go, false);
		sf_write_slot(&sf_data);
		complete(&sf.done);
	}
	return 0;
}

/* One round, each context's write done before the next one starts. */
static void sf_one_round(void)
{
	sf_round(&sf_data);

	reinit_completion(&sf.done);
	mod_timer(&sf.timer, jiffies + 1);
	wait_for_completion(&sf.done);

	reinit_completion(&sf.done);
	queue_work(system_wq, &sf.work);
	wait_for_completion(&sf.done);

	reinit_completion(&sf.done);
	WRITE_ONCE(sf.thread_go, true);
	wake_up(&sf.thread_wq);
	wait_for_completion(&sf.done);

	reinit_completion(&sf.done);
	hrtimer_start(&sf.hrt, ns_to_ktime(100 * NSEC_PER_USEC),
		      HRTIMER_MODE_REL_HARD);
	wait_for_completion(&sf.done);
	sf.rounds++;
}

static ssize_t run_write(struct file *f, const char __user *buf, size_t len,
			 loff_t *ppos)
{
	unsigned long n, i;
	int ret = kstrtoul_from_user(buf, len, 10, &n);

	if (ret)
		return ret;
	if (n > 100000)
		return -EINVAL;
	mutex_lock(&sf.run_lock);
	for (i = 0; i < n; i++)
		sf_one_round();
	mutex_unlock(&sf.run_lock);
	return len;
}

static ssize_t run_read(struct file *f, char __user *buf, size_t len,
			loff_t *ppos)
{
	char tmp[32];
	int n = scnprintf(tmp, sizeof(tmp), "%lu\n", sf.rounds);

	return simple_read_from_buffer(buf, len, ppos, tmp, n);
}

static const struct file_operations run_fops = {
	.owner = THIS_MODULE,
	.write = run_write,
	.read = run_read,
};

static int __init sf_init(void)
{
	mutex_init(&sf.run_lock);
	init_completion(&sf.done);
	init_waitqueue_head(&sf.thread_wq);
	timer_setup(&sf.timer, sf_timer_fn, 0);
	hrtimer_init(&sf.hrt, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
	sf.hrt.function = sf_hrt_fn;
	INIT_WORK(&sf.work, sf_work_fn);
	sf.thread = kthread_run(sf_thread_fn, NULL, "sf_thread");
	if (IS_ERR(sf.thread))
		return PTR_ERR(sf.thread);
	sf.dir = debugfs_create_dir("state_fields", NULL);
	debugfs_create_file("run", 0600, sf.dir, NULL, &run_fops);
	return 0;
}

static void __exit sf_exit(void)
{
	debugfs_remove_recursive(sf.dir);
	kthread_stop(sf.thread);
	del_timer_sync(&sf.timer);
	hrtimer_cancel(&sf.hrt);
	cancel_work_sync(&sf.work);
}

module_init(sf_init);
module_exit(sf_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("bes2600-top state's test module: known field writes");
