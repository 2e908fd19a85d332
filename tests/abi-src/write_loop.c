// SPDX-License-Identifier: GPL-2.0
/*
 * The writer-side cost benchmark's event source (bench/writer-cost.sh):
 * the writing task stores one counter (hw_bufs_used, through the ABI's
 * accessors) N times in a tight loop, plain or atomic, and times the loop
 * itself, so what a watcher adds to the driver's hot path is measured
 * where it is paid.
 *
 *   debugfs/write_loop/run: write "plain N" or "atomic N" (N <= 10^7);
 *                           returns when the loop is done.
 *   debugfs/write_loop/result: "writes=<n> ns=<loop time>
 *                              ns_per_write=<x.yy>" of the last run.
 */
#include <linux/debugfs.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>

#include <bes2600/counters.h>
/* counters.h declared the events; this module defines them. */
#define CREATE_TRACE_POINTS
#include <trace/events/bes2600.h>

#define MAX_WRITES 10000000

static struct write_loop {
	struct bes2600_ctr ctr[2];
	struct mutex lock;
	struct dentry *dir;
	unsigned int writes;
	u64 ns;
} wl;

/*
 * Adds then subs, so the count stays near 0 and never underflows.  Plain
 * writes go to index 0, atomic ones to index 1: a tool that streams an
 * instance once it saw a plain write treats the two apart.
 */
static noinline void write_loop_run(unsigned int n, bool atomic)
{
	struct bes2600_ctr *c = &wl.ctr[atomic];
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (i & 1)
			bes2600_ctr_sub(c, BES2600_CTR_HW_BUFS_USED, &wl,
					atomic, 1, atomic);
		else
			bes2600_ctr_add(c, BES2600_CTR_HW_BUFS_USED, &wl,
					atomic, 1, atomic);
	}
}

static ssize_t run_write(struct file *f, const char __user *ubuf, size_t len,
			 loff_t *off)
{
	char buf[32], kind[8];
	unsigned int n;
	u64 t0;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	if (sscanf(buf, "%7s %u", kind, &n) != 2 || !n || n > MAX_WRITES ||
	    (strcmp(kind, "plain") && strcmp(kind, "atomic")))
		return -EINVAL;
	mutex_lock(&wl.lock);
	t0 = ktime_get_ns();
	write_loop_run(n, !strcmp(kind, "atomic"));
	wl.ns = ktime_get_ns() - t0;
	wl.writes = n;
	mutex_unlock(&wl.lock);
	return len;
}

static const struct file_operations run_fops = {
	.owner = THIS_MODULE,
	.write = run_write,
};

static int result_show(struct seq_file *m, void *v)
{
	u64 x100;

	mutex_lock(&wl.lock);
	x100 = wl.writes ? div_u64(wl.ns * 100, wl.writes) : 0;
	seq_printf(m, "writes=%u ns=%llu ns_per_write=%llu.%02llu\n",
		   wl.writes, wl.ns, div_u64(x100, 100), x100 % 100);
	mutex_unlock(&wl.lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(result);

static int __init write_loop_init(void)
{
	mutex_init(&wl.lock);
	wl.dir = debugfs_create_dir("write_loop", NULL);
	debugfs_create_file("run", 0200, wl.dir, NULL, &run_fops);
	debugfs_create_file("result", 0400, wl.dir, NULL, &result_fops);
	return 0;
}

static void __exit write_loop_exit(void)
{
	debugfs_remove_recursive(wl.dir);
}

module_init(write_loop_init);
module_exit(write_loop_exit);
MODULE_DESCRIPTION("bes2600-top benchmark: a counter written in a loop");
MODULE_LICENSE("GPL");
