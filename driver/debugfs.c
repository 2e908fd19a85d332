// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/bes2600_lab/
 *   truth      ground truth of every counter instance (read)
 *   stats      Phase 7 figures (read; write "reset" to restart them)
 *   generator  built-in load (read its state; write
 *              "count=N size=BYTES rate=PPS" to start, "stop" to stop)
 * All root only: they expose kernel addresses' neighbours and drive load.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/math64.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>

#include "bes2600.h"

static DEFINE_MUTEX(lab_gen_mutex);

static void lab_truth_line(struct seq_file *m, const char *name, int idx,
			   struct bes2600_ctr *c)
{
	int value = bes2600_ctr_read(c);
	int intended = atomic_read(&c->intended);

	seq_printf(m, "%s[%d] value=%d intended=%d drift=%d plain_writes=%ld atomic_writes=%ld\n",
		   name, idx, value, intended, value - intended,
		   atomic_long_read(&c->plain_writes),
		   atomic_long_read(&c->atomic_writes));
}

static int truth_show(struct seq_file *m, void *v)
{
	struct bes2600_common *hw = m->private;
	int i;

	lab_truth_line(m, "hw_bufs_used", 0, &hw->hw_bufs_used);
	for (i = 0; i < BES2600_MAX_VIFS; i++)
		lab_truth_line(m, "hw_bufs_used_vif", i,
			       &hw->hw_bufs_used_vif[i]);
	for (i = 0; i < ARRAY_SIZE(hw->wsm_tx_pending); i++)
		lab_truth_line(m, "wsm_tx_pending", i, &hw->wsm_tx_pending[i]);
	for (i = 0; i < ARRAY_SIZE(hw->pending_stale); i++)
		seq_printf(m, "pending_timer[%d] stale_decisions=%ld\n", i,
			   atomic_long_read(&hw->pending_stale[i]));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(truth);

/* x per second, in thousandths, over ms milliseconds. */
static u64 lab_rate_milli(u64 x, u64 ms)
{
	return ms ? div64_u64(x * 1000 * 1000, ms) : 0;
}

static int stats_show(struct seq_file *m, void *v)
{
	struct bes2600_common *hw = m->private;
	struct lab_stats *s = &hw->stats;
	u64 ms = ktime_ms_delta(ktime_get(), s->since);
	u64 runs = atomic_long_read(&s->rx_work_runs);
	u64 rxp = atomic_long_read(&s->sdio_rx_packets);
	u64 rxb = atomic_long_read(&s->sdio_rx_bytes);
	u64 mbps = lab_rate_milli(rxb, ms) / 1000000;
	u64 runs_ps = lab_rate_milli(runs, ms);
	u64 per1000 = rxp ? div64_u64(runs * 1000 * 1000, rxp) : 0;

	seq_printf(m, "counters=%s rx_deliver=%s num_inp_ch_bufs=%d bh=%s\n",
		   hw->atomic_counters ? "atomic" : "plain",
		   hw->rx_direct ? "direct" : "queue", hw->wsm_caps.numInpChBufs,
		   hw->bh_kthread ? "kthread" : "work");
	seq_printf(m, "elapsed_ms=%llu\n", ms);
#define LAB_STAT(name) \
	seq_printf(m, #name "=%ld\n", atomic_long_read(&s->name))
	LAB_STAT(tx_packets);
	LAB_STAT(tx_bytes);
	LAB_STAT(rx_packets);
	LAB_STAT(rx_bytes);
	LAB_STAT(confirms);
	LAB_STAT(irqs);
	LAB_STAT(rx_work_runs);
	LAB_STAT(sdio_transfers);
	LAB_STAT(sdio_rx_packets);
	LAB_STAT(sdio_rx_bytes);
	LAB_STAT(bh_redispatches);
	LAB_STAT(tx_overruns);
	LAB_STAT(release_underflows);
	LAB_STAT(pending_timeouts);
#undef LAB_STAT
	/* The plan's Phase 7 figures, from what sdio_rx_work moved. */
	seq_printf(m, "mb_per_s=%llu.%03llu\n", mbps / 1000, mbps % 1000);
	seq_printf(m, "rx_work_per_s=%llu.%03llu\n", runs_ps / 1000,
		   runs_ps % 1000);
	seq_printf(m, "dispatches_per_1000_rx=%llu.%03llu\n", per1000 / 1000,
		   per1000 % 1000);
	return 0;
}

static void lab_stats_reset(struct lab_stats *s)
{
	atomic_long_t *f;

	/* Every field before "since" is an atomic_long_t counter. */
	for (f = &s->tx_packets; (void *)f < (void *)&s->since; f++)
		atomic_long_set(f, 0);
	s->since = ktime_get();
}

static int stats_open(struct inode *inode, struct file *file)
{
	return single_open(file, stats_show, inode->i_private);
}

static ssize_t stats_write(struct file *file, const char __user *ubuf,
			   size_t len, loff_t *ppos)
{
	struct bes2600_common *hw = file_inode(file)->i_private;
	char buf[16] = "";

	if (copy_from_user(buf, ubuf, min(len, sizeof(buf) - 1)))
		return -EFAULT;
	if (!sysfs_streq(buf, "reset"))
		return -EINVAL;
	lab_stats_reset(&hw->stats);
	return len;
}

static const struct file_operations stats_fops = {
	.owner = THIS_MODULE,
	.open = stats_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
	.write = stats_write,
};

static int generator_show(struct seq_file *m, void *v)
{
	struct bes2600_common *hw = m->private;
	struct lab_generator *gen = &hw->gen;
	long sent = atomic_long_read(&gen->sent);

	seq_printf(m, "state=%s count=%lu size=%lu rate=%lu sent=%ld received=%ld rx_bytes=%ld\n",
		   gen->thread && sent < gen->count ? "running" : "idle",
		   gen->count, gen->size, gen->rate, sent,
		   atomic_long_read(&gen->received),
		   atomic_long_read(&gen->rx_bytes));
	return 0;
}

static int generator_open(struct inode *inode, struct file *file)
{
	return single_open(file, generator_show, inode->i_private);
}

/* "count=N size=BYTES rate=PPS" (rate 0: as fast as the chip takes). */
static int lab_generator_parse(char *s, unsigned long *count,
			       unsigned long *size, unsigned long *rate)
{
	char *tok, *val;

	*count = 0;
	*size = 1000;
	*rate = 0;
	while ((tok = strsep(&s, " \t\n"))) {
		if (!*tok)
			continue;
		val = strchr(tok, '=');
		if (!val)
			return -EINVAL;
		*val++ = '\0';
		if (!strcmp(tok, "count")) {
			if (kstrtoul(val, 0, count))
				return -EINVAL;
		} else if (!strcmp(tok, "size")) {
			if (kstrtoul(val, 0, size))
				return -EINVAL;
		} else if (!strcmp(tok, "rate")) {
			if (kstrtoul(val, 0, rate))
				return -EINVAL;
		} else {
			return -EINVAL;
		}
	}
	return *count ? 0 : -EINVAL;
}

static ssize_t generator_write(struct file *file, const char __user *ubuf,
			       size_t len, loff_t *ppos)
{
	struct bes2600_common *hw = file_inode(file)->i_private;
	unsigned long count, size, rate;
	char buf[96] = "";
	int err;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	mutex_lock(&lab_gen_mutex);
	if (sysfs_streq(buf, "stop")) {
		lab_generator_stop(hw);
		err = 0;
	} else {
		err = lab_generator_parse(buf, &count, &size, &rate);
		if (!err)
			err = lab_generator_start(hw, count, size, rate);
	}
	mutex_unlock(&lab_gen_mutex);
	return err ? err : len;
}

static const struct file_operations generator_fops = {
	.owner = THIS_MODULE,
	.open = generator_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
	.write = generator_write,
};

void bes2600_debugfs_init(struct bes2600_common *hw)
{
	hw->stats.since = ktime_get();
	hw->debugfs = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("truth", 0400, hw->debugfs, hw, &truth_fops);
	debugfs_create_file("stats", 0600, hw->debugfs, hw, &stats_fops);
	debugfs_create_file("generator", 0600, hw->debugfs, hw,
			    &generator_fops);
}

void bes2600_debugfs_exit(struct bes2600_common *hw)
{
	debugfs_remove_recursive(hw->debugfs);
	hw->debugfs = NULL;
	mutex_lock(&lab_gen_mutex);
	lab_generator_stop(hw);
	mutex_unlock(&lab_gen_mutex);
}
