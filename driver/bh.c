// SPDX-License-Identifier: GPL-2.0
/*
 * The BH (a work item on an ordered workqueue, as in the vendor tree, or
 * a kthread, as in cw1200) and the TX-buffer accounting it shares with
 * sdio_rx_work.
 *
 * Writers of the three counters:
 *   TX submit (BH):     wsm_alloc_tx_buffer, the per-vif increment,
 *                       bes2600_bh_inc_pending_count
 *   TX confirm (BH in queued mode, sdio_rx_work in direct mode):
 *                       wsm_release_tx_buffer, wsm_release_vif_tx_buffer,
 *                       bes2600_bh_dec_pending_count
 * With counters=plain and rx_deliver=direct, the two sides race (Patch C).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/etherdevice.h>
#include <linux/module.h>
#include <linux/rcupdate.h>

#include "bes2600.h"

/* No confirm for this long while frames are pending: the chip looks dead. */
#define PENDING_TIMEOUT		(2 * HZ)
/* BH idle wait; a timeout with buffers in use re-dispatches sdio_rx_work. */
#define BH_IDLE_TIMEOUT		(HZ / 10)
/* Frames submitted per BH loop before it looks at RX again. */
#define BH_TX_BURST		8
/* Every n-th frame is a "special command" accounted in wsm_tx_pending[1]. */
#define SPECIAL_CMD_EVERY	64

/*
 * Counter writers stay whole functions under their own names, so call
 * sites and stacks read "wsm_release_tx_buffer", not an inlined caller or
 * a ".constprop.0.isra.0" clone.
 */
#define BES2600_WRITER	noinline __attribute__((__noclone__))

void bes2600_counters_init(struct bes2600_common *hw)
{
	bool at = hw->atomic_counters;
	int i;

	/* The chip's input buffers bound the total; the tools read it. */
	bes2600_ctr_set_capacity(&hw->hw_bufs_used, hw->wsm_caps.numInpChBufs);
	bes2600_ctr_set(&hw->hw_bufs_used, BES2600_CTR_HW_BUFS_USED, hw, 0, 0,
			at);
	for (i = 0; i < BES2600_MAX_VIFS; i++)
		bes2600_ctr_set(&hw->hw_bufs_used_vif[i],
				BES2600_CTR_HW_BUFS_USED_VIF, hw, i, 0, at);
	for (i = 0; i < ARRAY_SIZE(hw->wsm_tx_pending); i++)
		bes2600_ctr_set(&hw->wsm_tx_pending[i],
				BES2600_CTR_WSM_TX_PENDING, hw, i, 0, at);
}

static BES2600_WRITER void wsm_alloc_tx_buffer(struct bes2600_common *hw)
{
	bes2600_ctr_add(&hw->hw_bufs_used, BES2600_CTR_HW_BUFS_USED, hw, 0, 1,
			hw->atomic_counters);
}

/*
 * Returns 1 when TX may restart (the chip was full or one short of it),
 * 0 otherwise, -1 when the count went below zero.  Predicates come from
 * the prior value returned by the write, never from a second read.
 */
static BES2600_WRITER int wsm_release_tx_buffer(struct bes2600_common *hw,
					  int count)
{
	int prior = bes2600_ctr_sub(&hw->hw_bufs_used,
				    BES2600_CTR_HW_BUFS_USED, hw, 0, count,
				    hw->atomic_counters);
	int now = prior - count;

	if (now < 0) {
		atomic_long_inc(&hw->stats.release_underflows);
		/* Once per load: a storm would bury the first report. */
		WARN_ONCE(1, "hw_bufs_used underflow: %d - %d\n", prior, count);
		return -1;
	}
	/* Pairs with the release in the sub: act only after it. */
	smp_acquire__after_ctrl_dep();
	if (!now)
		wake_up(&hw->bh_evt_wq);
	return prior >= hw->wsm_caps.numInpChBufs - 1 ? 1 : 0;
}

static BES2600_WRITER int wsm_release_vif_tx_buffer(struct bes2600_common *hw,
					      int if_id, int count)
{
	int prior;

	if (if_id < 0 || if_id >= BES2600_MAX_VIFS)
		return -EINVAL;
	prior = bes2600_ctr_sub(&hw->hw_bufs_used_vif[if_id],
				BES2600_CTR_HW_BUFS_USED_VIF, hw, if_id, count,
				hw->atomic_counters);
	if (prior - count < 0) {
		pr_err_ratelimited("hw_bufs_used_vif[%d] underflow: %d - %d\n",
				   if_id, prior, count);
		return -1;
	}
	return 0;
}

static BES2600_WRITER void bes2600_bh_inc_pending_count(struct bes2600_common *hw,
						  int idx)
{
	int prior = bes2600_ctr_add(&hw->wsm_tx_pending[idx],
				    BES2600_CTR_WSM_TX_PENDING, hw, idx, 1,
				    hw->atomic_counters);

	if (!prior)
		mod_timer(&hw->pending_timer[idx].timer, jiffies + PENDING_TIMEOUT);
}

/*
 * The decision del vs mod is taken on the value this write produced.
 * Another context may change the count before the timer call returns
 * (risk 6 of the plan): atomics do not prevent it.  The lab counts such
 * stale decisions as ground truth and lets them happen.
 */
static BES2600_WRITER void bes2600_bh_dec_pending_count(struct bes2600_common *hw,
						  int idx)
{
	int count = bes2600_ctr_sub(&hw->wsm_tx_pending[idx],
				    BES2600_CTR_WSM_TX_PENDING, hw, idx, 1,
				    hw->atomic_counters) - 1;
	int action, now;

	if (!count) {
		del_timer_sync(&hw->pending_timer[idx].timer);
		action = BES2600_PENDING_TIMER_DEL;
	} else {
		mod_timer(&hw->pending_timer[idx].timer, jiffies + PENDING_TIMEOUT);
		action = BES2600_PENDING_TIMER_MOD;
	}
	now = bes2600_ctr_read(&hw->wsm_tx_pending[idx]);
	if (now != count)
		atomic_long_inc(&hw->pending_stale[idx]);
	trace_pending_count_timer(hw, idx, count, action, now);
}

static void bes2600_pending_timeout(struct timer_list *t)
{
	struct bes2600_pending_timer *pt = from_timer(pt, t, timer);
	struct bes2600_common *hw = pt->hw;

	atomic_long_inc(&hw->stats.pending_timeouts);
	pr_warn_ratelimited("wsm_tx_pending[%d]=%d: no confirm for %u ms\n",
			    pt->idx,
			    bes2600_ctr_read(&hw->wsm_tx_pending[pt->idx]),
			    jiffies_to_msecs(PENDING_TIMEOUT));
}

static void bes2600_handle_confirms(struct bes2600_common *hw,
				    const struct wsm_tx_confirm *c, u32 n)
{
	u32 i;
	int ret;

	ret = wsm_release_tx_buffer(hw, n);
	if (ret < 0)
		pr_err_ratelimited("wsm_release_tx_buffer failed: %d\n", ret);
	for (i = 0; i < n; i++) {
		wsm_release_vif_tx_buffer(hw, c[i].if_id, 1);
		bes2600_bh_dec_pending_count(hw, c[i].pending_idx & 1);
	}
	atomic_long_add(n, &hw->stats.confirms);
	/* The chip has room again: let the BH submit. */
	if (ret > 0 || skb_queue_len(&hw->tx_queue[0]) ||
	    skb_queue_len(&hw->tx_queue[1]))
		bes2600_bh_wakeup(hw);
}

/*
 * Handles one WSM message from the chip.  Runs in the BH (queued mode)
 * or in sdio_rx_work (direct mode): everything it writes is shared.
 */
void bes2600_bh_handle_rx_skb(struct bes2600_common *hw, struct sk_buff *skb)
{
	const struct wsm_hdr *hdr = (const void *)skb->data;
	u16 id;

	if (skb->len < sizeof(*hdr))
		goto drop;
	id = le16_to_cpu(hdr->id);
	switch (id) {
	case WSM_TX_CONFIRM_ID:
		if (skb->len < sizeof(*hdr) + sizeof(struct wsm_tx_confirm))
			goto drop;
		bes2600_handle_confirms(hw, (const void *)(hdr + 1), 1);
		break;
	case WSM_MULTI_TX_CONFIRM_ID: {
		const struct wsm_multi_tx_confirm *m = (const void *)hdr;
		u32 n;

		if (skb->len < sizeof(*m))
			goto drop;
		n = le32_to_cpu(m->count);
		if (!n || skb->len < struct_size(m, c, n))
			goto drop;
		bes2600_handle_confirms(hw, m->c, n);
		break;
	}
	case WSM_RX_IND_ID: {
		const struct wsm_rx_ind *ind = (const void *)hdr;
		int if_id = ind->if_id;

		if (skb->len < sizeof(*ind) + ETH_HLEN ||
		    if_id >= BES2600_MAX_VIFS)
			goto drop;
		skb_pull(skb, sizeof(*ind));
		bes2600_netdev_rx(hw, if_id, skb);
		return;
	}
	default:
		pr_err_ratelimited("unknown WSM message 0x%04x\n", id);
	}
drop:
	consume_skb(skb);
}

/* TX submit: account the buffer, then hand the frame to the chip. */
static BES2600_WRITER void bes2600_bh_tx(struct bes2600_common *hw,
					 int if_id, struct sk_buff *skb)
{
	struct lab_chip_msg *msg;
	struct wsm_tx_req *req;
	int idx = (++hw->tx_seq % SPECIAL_CMD_EVERY) ? 0 : 1;

	msg = lab_chip_msg_alloc(sizeof(*req) + skb->len, WSM_TX_REQ_ID,
				 GFP_KERNEL);
	if (!msg) {
		dev_kfree_skb(skb);
		return;
	}
	req = (void *)msg->data;
	req->if_id = if_id;
	req->pending_idx = idx;
	req->packet_id = cpu_to_le32(hw->tx_seq);
	skb_copy_bits(skb, 0, req->frame, skb->len);

	wsm_alloc_tx_buffer(hw);
	bes2600_ctr_add(&hw->hw_bufs_used_vif[if_id],
			BES2600_CTR_HW_BUFS_USED_VIF, hw, if_id, 1,
			hw->atomic_counters);
	bes2600_bh_inc_pending_count(hw, idx);

	atomic_long_inc(&hw->stats.tx_packets);
	atomic_long_add(skb->len, &hw->stats.tx_bytes);
	consume_skb(skb);
	lab_chip_write(&hw->chip, msg);
}

static bool bes2600_bh_can_tx(struct bes2600_common *hw)
{
	return bes2600_ctr_read_acquire(&hw->hw_bufs_used) <
	       hw->wsm_caps.numInpChBufs &&
	       (skb_queue_len(&hw->tx_queue[0]) ||
		skb_queue_len(&hw->tx_queue[1]));
}

static bool bes2600_bh_has_work(struct bes2600_common *hw)
{
	return skb_queue_len(&hw->rx_queue) || bes2600_bh_can_tx(hw);
}

static bool bes2600_bh_should_stop(struct bes2600_common *hw)
{
	return hw->bh_kthread ? kthread_should_stop() : READ_ONCE(hw->bh_term);
}

/* The BH loop, in either shape: it runs until told to stop. */
static void bes2600_bh_loop(struct bes2600_common *hw)
{
	struct sk_buff *skb;
	int burst, i;
	long ret;

	while (!bes2600_bh_should_stop(hw)) {
		ret = wait_event_interruptible_timeout(hw->bh_wq,
				bes2600_bh_has_work(hw) ||
				bes2600_bh_should_stop(hw), BH_IDLE_TIMEOUT);
		if (bes2600_bh_should_stop(hw))
			break;
		/*
		 * Nothing came while the chip holds our buffers: a confirm
		 * interrupt may have been missed, so poll the chip again.
		 */
		if (!ret && !skb_queue_len(&hw->rx_queue) &&
		    bes2600_ctr_read(&hw->hw_bufs_used) > 0) {
			atomic_long_inc(&hw->stats.bh_redispatches);
			bes2600_sdio_queue_rx_work(hw,
						   BES2600_RX_WORK_BH_REDISPATCH);
		}

		while ((skb = skb_dequeue(&hw->rx_queue)))
			bes2600_bh_handle_rx_skb(hw, skb);

		for (burst = 0; burst < BH_TX_BURST && bes2600_bh_can_tx(hw);
		     burst++) {
			for (i = 0; i < BES2600_MAX_VIFS; i++) {
				skb = skb_dequeue(&hw->tx_queue[i]);
				if (!skb)
					continue;
				bes2600_bh_tx(hw, i, skb);
				bes2600_netdev_tx_drained(hw, i);
				break;
			}
		}
		/* A busy BH must not stall RCU-tasks (BPF attach waits). */
		cond_resched_tasks_rcu_qs();
	}
}

static int bes2600_bh(void *arg)
{
	bes2600_bh_loop(arg);
	return 0;
}

/*
 * As the vendor's: one work item that runs the loop for the whole life of
 * the device, alone on its ordered workqueue.
 */
static void bes2600_bh_work(struct work_struct *work)
{
	bes2600_bh_loop(container_of(work, struct bes2600_common, bh_work));
}

void bes2600_bh_wakeup(struct bes2600_common *hw)
{
	wake_up(&hw->bh_wq);
}

/* Everything bes2600_bh_cleanup() may touch, set up before anything runs. */
void bes2600_bh_init(struct bes2600_common *hw)
{
	int i;

	init_waitqueue_head(&hw->bh_wq);
	init_waitqueue_head(&hw->bh_evt_wq);
	skb_queue_head_init(&hw->rx_queue);
	for (i = 0; i < BES2600_MAX_VIFS; i++)
		skb_queue_head_init(&hw->tx_queue[i]);
	for (i = 0; i < ARRAY_SIZE(hw->pending_timer); i++) {
		hw->pending_timer[i].hw = hw;
		hw->pending_timer[i].idx = i;
		timer_setup(&hw->pending_timer[i].timer,
			    bes2600_pending_timeout, 0);
	}
}

int bes2600_bh_start(struct bes2600_common *hw)
{
	if (!hw->bh_kthread) {
		hw->bh_workqueue = alloc_ordered_workqueue("bes2600_bh",
							   WQ_MEM_RECLAIM |
							   WQ_HIGHPRI);
		if (!hw->bh_workqueue)
			return -ENOMEM;
		INIT_WORK(&hw->bh_work, bes2600_bh_work);
		WRITE_ONCE(hw->bh_term, false);
		queue_work(hw->bh_workqueue, &hw->bh_work);
		hw->bh_running = true;
		return 0;
	}
	hw->bh_thread = kthread_run(bes2600_bh, hw, "bes2600_bh");
	if (IS_ERR(hw->bh_thread)) {
		int err = PTR_ERR(hw->bh_thread);

		hw->bh_thread = NULL;
		return err;
	}
	hw->bh_running = true;
	return 0;
}

void bes2600_bh_stop(struct bes2600_common *hw)
{
	if (!hw->bh_running)
		return;
	hw->bh_running = false;
	if (hw->bh_kthread) {
		kthread_stop(hw->bh_thread);
		hw->bh_thread = NULL;
		return;
	}
	WRITE_ONCE(hw->bh_term, true);
	wake_up(&hw->bh_wq);
	flush_work(&hw->bh_work);
	destroy_workqueue(hw->bh_workqueue);
	hw->bh_workqueue = NULL;
}

/* After the BH and sdio_rx_work are gone: nothing re-arms a timer now. */
void bes2600_bh_cleanup(struct bes2600_common *hw)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(hw->pending_timer); i++)
		del_timer_sync(&hw->pending_timer[i].timer);
	skb_queue_purge(&hw->rx_queue);
	for (i = 0; i < BES2600_MAX_VIFS; i++)
		skb_queue_purge(&hw->tx_queue[i]);
}
