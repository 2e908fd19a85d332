// SPDX-License-Identifier: GPL-2.0
/*
 * Load for the lab: two Ethernet interfaces, beslab0 (vif 0) and beslab1
 * (vif 1), whose frames cross the simulated chip to each other, so ping,
 * nc and iperf3 drive the host interface; and a built-in generator that
 * sends frames of a fixed size at a fixed rate from vif 0 to vif 1.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/etherdevice.h>
#include <linux/delay.h>

#include "bes2600.h"

/* IEEE 802 local experimental ethertype: generator frames. */
#define LAB_GEN_ETHERTYPE	0x88b5

static struct bes2600_vif *lab_vif(struct net_device *ndev)
{
	return *(struct bes2600_vif **)netdev_priv(ndev);
}

static int lab_ndo_open(struct net_device *ndev)
{
	netif_carrier_on(ndev);
	netif_start_queue(ndev);
	return 0;
}

static int lab_ndo_stop(struct net_device *ndev)
{
	netif_stop_queue(ndev);
	netif_carrier_off(ndev);
	return 0;
}

static netdev_tx_t lab_ndo_start_xmit(struct sk_buff *skb,
				      struct net_device *ndev)
{
	struct bes2600_vif *vif = lab_vif(ndev);
	struct sk_buff_head *q = &vif->hw->tx_queue[vif->if_id];

	if (skb->len > BES2600_MAX_FRAME) {
		ndev->stats.tx_dropped++;
		dev_kfree_skb_any(skb);
		return NETDEV_TX_OK;
	}
	skb_queue_tail(q, skb);
	ndev->stats.tx_packets++;
	ndev->stats.tx_bytes += skb->len;
	if (skb_queue_len(q) >= BES2600_TXQ_MAX)
		netif_stop_queue(ndev);
	bes2600_bh_wakeup(vif->hw);
	return NETDEV_TX_OK;
}

static const struct net_device_ops lab_netdev_ops = {
	.ndo_open = lab_ndo_open,
	.ndo_stop = lab_ndo_stop,
	.ndo_start_xmit = lab_ndo_start_xmit,
	.ndo_set_mac_address = eth_mac_addr,
	.ndo_validate_addr = eth_validate_addr,
};

/* Called by the BH after it took a frame off the vif's queue. */
void bes2600_netdev_tx_drained(struct bes2600_common *hw, int if_id)
{
	struct net_device *ndev = hw->vif[if_id].ndev;

	if (if_id == 0)
		wake_up(&hw->gen.wq);
	if (ndev && netif_queue_stopped(ndev) &&
	    skb_queue_len(&hw->tx_queue[if_id]) < BES2600_TXQ_MAX / 2)
		netif_wake_queue(ndev);
}

/* An RX indication's frame, in the BH or in sdio_rx_work. */
void bes2600_netdev_rx(struct bes2600_common *hw, int if_id,
		       struct sk_buff *skb)
{
	struct net_device *ndev = hw->vif[if_id].ndev;
	const struct ethhdr *eth = (const void *)skb->data;

	atomic_long_inc(&hw->stats.rx_packets);
	atomic_long_add(skb->len, &hw->stats.rx_bytes);
	if (eth->h_proto == htons(LAB_GEN_ETHERTYPE)) {
		atomic_long_inc(&hw->gen.received);
		atomic_long_add(skb->len, &hw->gen.rx_bytes);
		consume_skb(skb);
		return;
	}
	if (!ndev || !(ndev->flags & IFF_UP)) {
		consume_skb(skb);
		return;
	}
	skb->protocol = eth_type_trans(skb, ndev);
	ndev->stats.rx_packets++;
	ndev->stats.rx_bytes += skb->len;
	netif_rx(skb);
}

int bes2600_netdev_init(struct bes2600_common *hw)
{
	struct net_device *ndev;
	int i, err;

	for (i = 0; i < BES2600_MAX_VIFS; i++) {
		ndev = alloc_etherdev(sizeof(struct bes2600_vif *));
		if (!ndev) {
			err = -ENOMEM;
			goto fail;
		}
		strscpy(ndev->name, "beslab%d", IFNAMSIZ);
		ndev->netdev_ops = &lab_netdev_ops;
		ndev->min_mtu = ETH_MIN_MTU;
		ndev->max_mtu = BES2600_MAX_FRAME - ETH_HLEN;
		eth_hw_addr_random(ndev);
		*(struct bes2600_vif **)netdev_priv(ndev) = &hw->vif[i];
		hw->vif[i].hw = hw;
		hw->vif[i].if_id = i;
		err = register_netdev(ndev);
		if (err) {
			free_netdev(ndev);
			goto fail;
		}
		hw->vif[i].ndev = ndev;
	}
	return 0;
fail:
	bes2600_netdev_exit(hw);
	return err;
}

/* Nothing delivers RX any more when this runs (see bes2600_lab_exit). */
void bes2600_netdev_exit(struct bes2600_common *hw)
{
	int i;

	for (i = 0; i < BES2600_MAX_VIFS; i++) {
		if (!hw->vif[i].ndev)
			continue;
		unregister_netdev(hw->vif[i].ndev);
		free_netdev(hw->vif[i].ndev);
		hw->vif[i].ndev = NULL;
	}
}

static struct sk_buff *lab_gen_frame(struct bes2600_common *hw,
				     unsigned long seq)
{
	struct sk_buff *skb = alloc_skb(hw->gen.size, GFP_KERNEL);
	struct ethhdr *eth;
	__be64 be_seq;

	if (!skb)
		return NULL;
	eth = skb_put_zero(skb, hw->gen.size);
	ether_addr_copy(eth->h_dest, hw->vif[1].ndev->dev_addr);
	ether_addr_copy(eth->h_source, hw->vif[0].ndev->dev_addr);
	eth->h_proto = htons(LAB_GEN_ETHERTYPE);
	if (hw->gen.size >= ETH_HLEN + sizeof(be_seq)) {
		be_seq = cpu_to_be64(seq);
		memcpy(eth + 1, &be_seq, sizeof(be_seq));
	}
	return skb;
}

/* Paced by a deadline per frame, so the rate holds whatever the jitter. */
static int lab_generator(void *arg)
{
	struct bes2600_common *hw = arg;
	struct lab_generator *gen = &hw->gen;
	u64 start = ktime_get_ns(), due;
	unsigned long i;
	struct sk_buff *skb;
	s64 ahead;

	for (i = 0; i < gen->count && !kthread_should_stop(); i++) {
		if (gen->rate) {
			due = start + div64_u64((u64)i * NSEC_PER_SEC,
						gen->rate);
			ahead = (s64)(due - ktime_get_ns());
			if (ahead > 20 * NSEC_PER_USEC)
				usleep_range(ahead / NSEC_PER_USEC,
					     ahead / NSEC_PER_USEC + 20);
		}
		wait_event_interruptible(gen->wq, kthread_should_stop() ||
			skb_queue_len(&hw->tx_queue[0]) < BES2600_TXQ_MAX);
		if (kthread_should_stop())
			break;
		skb = lab_gen_frame(hw, i);
		if (!skb)
			break;
		skb_queue_tail(&hw->tx_queue[0], skb);
		atomic_long_inc(&gen->sent);
		bes2600_bh_wakeup(hw);
		cond_resched_tasks_rcu_qs();
	}
	/* Stay until stopped, so kthread_stop() always has a thread to reap. */
	while (!kthread_should_stop()) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (!kthread_should_stop())
			schedule();
		__set_current_state(TASK_RUNNING);
	}
	return 0;
}

int lab_generator_start(struct bes2600_common *hw, unsigned long count,
			unsigned long size, unsigned long rate)
{
	struct task_struct *t;

	if (size < ETH_HLEN || size > BES2600_MAX_FRAME)
		return -EINVAL;
	lab_generator_stop(hw);
	hw->gen.count = count;
	hw->gen.size = size;
	hw->gen.rate = rate;
	atomic_long_set(&hw->gen.sent, 0);
	atomic_long_set(&hw->gen.received, 0);
	atomic_long_set(&hw->gen.rx_bytes, 0);
	t = kthread_run(lab_generator, hw, "bes2600_gen");
	if (IS_ERR(t))
		return PTR_ERR(t);
	hw->gen.thread = t;
	return 0;
}

void lab_generator_stop(struct bes2600_common *hw)
{
	if (!hw->gen.thread)
		return;
	kthread_stop(hw->gen.thread);
	hw->gen.thread = NULL;
}
