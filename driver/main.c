// SPDX-License-Identifier: GPL-2.0
/*
 * bes2600_lab: the bes2600 host-interface concurrency on a simulated chip,
 * in the four variants of the Patch C v2 plan:
 *
 *   baseline  counters=plain  rx_deliver=queue
 *   patch-c   counters=plain  rx_deliver=direct   (the race)
 *   c-prep    counters=atomic rx_deliver=queue
 *   c-v2      counters=atomic rx_deliver=direct
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "bes2600.h"

static char *counters = "plain";
module_param(counters, charp, 0444);
MODULE_PARM_DESC(counters, "plain (load + store, as the vendor driver) or atomic (Patch C-prep)");

static char *rx_deliver = "queue";
module_param(rx_deliver, charp, 0444);
MODULE_PARM_DESC(rx_deliver, "queue (rx_queue + BH) or direct (sdio_rx_work delivers, Patch C)");

static char *bh = "work";
module_param(bh, charp, 0444);
MODULE_PARM_DESC(bh, "work (the BH as the work item bes2600_bh_work, as the vendor tree) or kthread (as cw1200)");

static unsigned int race_window_ns;
module_param(race_window_ns, uint, 0444);
MODULE_PARM_DESC(race_window_ns, "gap between load and store of plain counter writes, 0.." __stringify(LAB_RACE_WINDOW_MAX_NS) " ns");

/* 10 ms: wide enough for any test, short enough to unload under load. */
#define LAB_RACE_WINDOW_MAX_NS	10000000U
/* Below this the window spins; above it sleeps, like a preemption would. */
#define LAB_RACE_WINDOW_SPIN_NS	10000U

static struct bes2600_common *lab_hw;

/*
 * Every counter write happens in process context with no lock held (BH
 * kthread, sdio_rx_work, module init), so a long window may sleep and let
 * the other context run even on the same CPU.
 */
void lab_race_window(void)
{
	unsigned int ns = READ_ONCE(race_window_ns);

	if (!ns)
		return;
	if (ns < LAB_RACE_WINDOW_SPIN_NS)
		ndelay(ns);
	else
		usleep_range(ns / NSEC_PER_USEC, ns / NSEC_PER_USEC + 10);
}

static int lab_parse_params(struct bes2600_common *hw)
{
	if (sysfs_streq(counters, "plain")) {
		hw->atomic_counters = false;
	} else if (sysfs_streq(counters, "atomic")) {
		hw->atomic_counters = true;
	} else {
		pr_err("counters=%s is not valid: use plain or atomic\n",
		       counters);
		return -EINVAL;
	}
	if (sysfs_streq(rx_deliver, "queue")) {
		hw->rx_direct = false;
	} else if (sysfs_streq(rx_deliver, "direct")) {
		hw->rx_direct = true;
	} else {
		pr_err("rx_deliver=%s is not valid: use queue or direct\n",
		       rx_deliver);
		return -EINVAL;
	}
	if (sysfs_streq(bh, "work")) {
		hw->bh_kthread = false;
	} else if (sysfs_streq(bh, "kthread")) {
		hw->bh_kthread = true;
	} else {
		pr_err("bh=%s is not valid: use work or kthread\n", bh);
		return -EINVAL;
	}
	if (race_window_ns > LAB_RACE_WINDOW_MAX_NS) {
		pr_err("race_window_ns=%u is too large: at most %u\n",
		       race_window_ns, LAB_RACE_WINDOW_MAX_NS);
		return -EINVAL;
	}
	return 0;
}

/*
 * Teardown order: stop the load, let the chip return what it holds, stop
 * the BH (no more chip writes or re-dispatches), silence the chip (no more
 * interrupts), flush sdio_rx_work (no more RX delivery), and only then
 * remove the interfaces and the timers.
 */
static void bes2600_lab_teardown(struct bes2600_common *hw)
{
	int i;

	bes2600_debugfs_exit(hw);
	for (i = 0; i < BES2600_MAX_VIFS; i++)
		if (hw->vif[i].ndev)
			netif_tx_disable(hw->vif[i].ndev);
	if (hw->bh_running &&
	    !wait_event_timeout(hw->bh_evt_wq,
				!bes2600_ctr_read(&hw->hw_bufs_used), HZ))
		pr_info("unloading with hw_bufs_used=%d\n",
			bes2600_ctr_read(&hw->hw_bufs_used));
	bes2600_bh_stop(hw);
	lab_chip_stop(&hw->chip);
	bes2600_sdio_exit(hw);
	bes2600_netdev_exit(hw);
	bes2600_bh_cleanup(hw);
}

static int __init bes2600_lab_init(void)
{
	struct bes2600_common *hw;
	int err;

	hw = kzalloc(sizeof(*hw), GFP_KERNEL);
	if (!hw)
		return -ENOMEM;
	err = lab_parse_params(hw);
	if (err)
		goto free;
	hw->wsm_caps.numInpChBufs = BES2600_NUM_INP_CH_BUFS;
	init_waitqueue_head(&hw->gen.wq);
	bes2600_bh_init(hw);
	bes2600_counters_init(hw);

	err = bes2600_sdio_init(hw);
	if (err)
		goto free;
	err = lab_chip_start(&hw->chip, hw);
	if (err)
		goto sdio;
	err = bes2600_bh_start(hw);
	if (err)
		goto chip;
	err = bes2600_netdev_init(hw);
	if (err)
		goto bh;
	bes2600_debugfs_init(hw);
	lab_hw = hw;
	pr_info("loaded: counters=%s rx_deliver=%s race_window_ns=%u numInpChBufs=%d bh=%s\n",
		hw->atomic_counters ? "atomic" : "plain",
		hw->rx_direct ? "direct" : "queue", race_window_ns,
		hw->wsm_caps.numInpChBufs, hw->bh_kthread ? "kthread" : "work");
	return 0;

bh:
	bes2600_bh_stop(hw);
chip:
	lab_chip_stop(&hw->chip);
sdio:
	bes2600_sdio_exit(hw);
	bes2600_bh_cleanup(hw);
free:
	kfree(hw);
	return err;
}

static void __exit bes2600_lab_exit(void)
{
	bes2600_lab_teardown(lab_hw);
	kfree(lab_hw);
	pr_info("unloaded\n");
}

module_init(bes2600_lab_init);
module_exit(bes2600_lab_exit);

MODULE_DESCRIPTION("bes2600 host-interface concurrency lab on a simulated SDIO chip");
MODULE_VERSION(BES2600_LAB_VERSION);
MODULE_LICENSE("GPL");
