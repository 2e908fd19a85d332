// SPDX-License-Identifier: GPL-2.0
/*
 * sdio_rx_work: reads the chip's control register, pulls the aggregated
 * RX buffer over "SDIO", extracts the WSM messages and delivers them,
 * either through rx_queue and the BH (queued, the vendor driver today) or
 * straight into bes2600_bh_handle_rx_skb (direct, Patch C).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>

#include "bes2600.h"

void bes2600_sdio_queue_rx_work(struct bes2600_common *hw, int reason)
{
	bool queued = queue_work(hw->sdio_wq, &hw->sdio_rx_work);

	trace_sdio_rx_work_queue(hw, reason, queued);
}

/* Splits one SDIO transfer into skbs; returns the first error or 0. */
static int bes2600_sdio_extract_packets(struct bes2600_common *hw,
					const u8 *buf, unsigned int len,
					unsigned int *packets,
					unsigned int *bytes,
					unsigned int *direct,
					unsigned int *queued)
{
	unsigned int off = 0;

	while (off + sizeof(struct wsm_hdr) <= len) {
		const struct wsm_hdr *hdr = (const void *)(buf + off);
		unsigned int mlen = le16_to_cpu(hdr->len);
		struct sk_buff *skb;

		if (mlen < sizeof(*hdr) || off + mlen > len)
			return -EPROTO;
		skb = dev_alloc_skb(mlen + NET_IP_ALIGN);
		if (!skb)
			return -ENOMEM;
		skb_reserve(skb, NET_IP_ALIGN);
		skb_put_data(skb, hdr, mlen);
		off += mlen;
		(*packets)++;
		*bytes += mlen;
		if (hw->rx_direct) {
			bes2600_bh_handle_rx_skb(hw, skb);
			(*direct)++;
		} else {
			skb_queue_tail(&hw->rx_queue, skb);
			(*queued)++;
		}
	}
	return off == len ? 0 : -EPROTO;
}

static void sdio_rx_work(struct work_struct *work)
{
	struct bes2600_common *hw = container_of(work, struct bes2600_common,
						 sdio_rx_work);
	unsigned int transfers = 0, packets = 0, bytes = 0;
	unsigned int direct = 0, queued = 0;
	unsigned int len;
	int err = 0, ret;

	trace_sdio_rx_work_start(hw);
	atomic_long_inc(&hw->stats.rx_work_runs);

	while (lab_chip_read_ctrl(&hw->chip)) {
		len = lab_chip_read_agg(&hw->chip, hw->agg_buf,
					BES2600_AGG_BUF_SIZE,
					BES2600_AGG_MAX_MSGS);
		if (!len)
			break;
		transfers++;
		ret = bes2600_sdio_extract_packets(hw, hw->agg_buf, len,
						   &packets, &bytes, &direct,
						   &queued);
		if (ret && !err)
			err = ret;
		if (queued)
			bes2600_bh_wakeup(hw);
		cond_resched();
	}

	atomic_long_add(transfers, &hw->stats.sdio_transfers);
	atomic_long_add(packets, &hw->stats.sdio_rx_packets);
	atomic_long_add(bytes, &hw->stats.sdio_rx_bytes);
	if (err)
		pr_err_ratelimited("sdio_rx_work: bad transfer: %d\n", err);
	trace_sdio_rx_work_end(hw, transfers, packets, bytes, direct, queued,
			       err);
}

int bes2600_sdio_init(struct bes2600_common *hw)
{
	hw->agg_buf = kmalloc(BES2600_AGG_BUF_SIZE, GFP_KERNEL);
	if (!hw->agg_buf)
		return -ENOMEM;
	INIT_WORK(&hw->sdio_rx_work, sdio_rx_work);
	/* As the vendor driver: a high-priority queue of its own. */
	hw->sdio_wq = alloc_workqueue("bes_sdio", WQ_HIGHPRI | WQ_MEM_RECLAIM,
				      1);
	if (!hw->sdio_wq) {
		kfree(hw->agg_buf);
		hw->agg_buf = NULL;
		return -ENOMEM;
	}
	return 0;
}

/* Callers stop the chip interrupt and the BH first: nothing re-queues. */
void bes2600_sdio_exit(struct bes2600_common *hw)
{
	if (hw->sdio_wq) {
		cancel_work_sync(&hw->sdio_rx_work);
		destroy_workqueue(hw->sdio_wq);
		hw->sdio_wq = NULL;
	}
	kfree(hw->agg_buf);
	hw->agg_buf = NULL;
}
