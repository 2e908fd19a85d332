// SPDX-License-Identifier: GPL-2.0
/*
 * The simulated SDIO chip: numInpChBufs input buffers the host writes TX
 * requests into, a firmware thread that consumes them after a latency and
 * answers with TX confirms (one to three per message) and, for data
 * frames, an RX indication on the other interface, an RX FIFO behind a
 * control register, and an interrupt (hardirq, via irq_work) that queues
 * sdio_rx_work.
 *
 * The chip keeps its own count of used slots: it is what really happened,
 * whatever the host's hw_bufs_used believes.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/slab.h>

#include "bes2600.h"

/* Firmware time to consume a buffer; lets confirms batch up. */
#define FW_LATENCY_US	50

/* Messages alive anywhere: must be 0 once the chip is stopped. */
static atomic_t lab_chip_live_msgs = ATOMIC_INIT(0);

struct lab_chip_msg *lab_chip_msg_alloc(size_t len, u16 id, gfp_t gfp)
{
	struct lab_chip_msg *msg = kzalloc(struct_size(msg, data, len), gfp);
	struct wsm_hdr *hdr;

	if (!msg)
		return NULL;
	atomic_inc(&lab_chip_live_msgs);
	msg->len = len;
	hdr = (void *)msg->data;
	hdr->len = cpu_to_le16(len);
	hdr->id = cpu_to_le16(id);
	return msg;
}

void lab_chip_msg_free(struct lab_chip_msg *msg)
{
	atomic_dec(&lab_chip_live_msgs);
	kfree(msg);
}

static void lab_chip_free_list(struct list_head *head)
{
	struct lab_chip_msg *msg, *tmp;

	list_for_each_entry_safe(msg, tmp, head, list) {
		list_del(&msg->list);
		lab_chip_msg_free(msg);
	}
}

/* The host's SDIO write of one TX request into an input buffer. */
void lab_chip_write(struct lab_chip *chip, struct lab_chip_msg *msg)
{
	unsigned long flags;
	bool overrun;

	spin_lock_irqsave(&chip->lock, flags);
	list_add_tail(&msg->list, &chip->tx_slots);
	overrun = ++chip->slots_used > BES2600_NUM_INP_CH_BUFS;
	spin_unlock_irqrestore(&chip->lock, flags);
	/* The host trusted a wrong hw_bufs_used: the real chip would choke. */
	if (overrun)
		atomic_long_inc(&chip->hw->stats.tx_overruns);
	wake_up(&chip->fw_wq);
}

/* The control register: messages waiting in the RX FIFO. */
unsigned int lab_chip_read_ctrl(struct lab_chip *chip)
{
	unsigned long flags;
	unsigned int n;

	spin_lock_irqsave(&chip->lock, flags);
	n = chip->rx_fifo_msgs;
	spin_unlock_irqrestore(&chip->lock, flags);
	return n;
}

/* One aggregated SDIO read: up to max_msgs messages, back to back. */
unsigned int lab_chip_read_agg(struct lab_chip *chip, u8 *buf, size_t size,
			       unsigned int max_msgs)
{
	struct lab_chip_msg *msg, *tmp;
	unsigned long flags;
	unsigned int len = 0, n = 0;
	LIST_HEAD(xfer);

	spin_lock_irqsave(&chip->lock, flags);
	list_for_each_entry_safe(msg, tmp, &chip->rx_fifo, list) {
		if (n == max_msgs || len + msg->len > size)
			break;
		list_move_tail(&msg->list, &xfer);
		len += msg->len;
		n++;
	}
	chip->rx_fifo_msgs -= n;
	spin_unlock_irqrestore(&chip->lock, flags);

	len = 0;
	list_for_each_entry(msg, &xfer, list) {
		memcpy(buf + len, msg->data, msg->len);
		len += msg->len;
	}
	lab_chip_free_list(&xfer);
	return len;
}

static void lab_chip_irq(struct irq_work *work)
{
	struct lab_chip *chip = container_of(work, struct lab_chip, irq);

	atomic_long_inc(&chip->hw->stats.irqs);
	bes2600_sdio_queue_rx_work(chip->hw, BES2600_RX_WORK_IRQ);
}

static struct lab_chip_msg *lab_chip_confirm_msg(struct wsm_tx_confirm *c,
						 unsigned int n)
{
	struct wsm_multi_tx_confirm *m;
	struct lab_chip_msg *msg;

	if (n == 1) {
		msg = lab_chip_msg_alloc(sizeof(struct wsm_hdr) + sizeof(*c),
					 WSM_TX_CONFIRM_ID, GFP_KERNEL);
		if (msg)
			memcpy(msg->data + sizeof(struct wsm_hdr), c,
			       sizeof(*c));
		return msg;
	}
	msg = lab_chip_msg_alloc(struct_size(m, c, n), WSM_MULTI_TX_CONFIRM_ID,
				 GFP_KERNEL);
	if (!msg)
		return NULL;
	m = (void *)msg->data;
	m->count = cpu_to_le32(n);
	memcpy(m->c, c, n * sizeof(*c));
	return msg;
}

/* Data frames cross the "air" to the other interface. */
static void lab_chip_rx_ind(struct wsm_tx_req *req, unsigned int frame_len,
			    struct list_head *out)
{
	struct lab_chip_msg *msg;
	struct wsm_rx_ind *ind;

	msg = lab_chip_msg_alloc(sizeof(*ind) + frame_len, WSM_RX_IND_ID,
				 GFP_KERNEL);
	if (!msg)
		return;
	ind = (void *)msg->data;
	ind->if_id = (req->if_id + 1) % BES2600_MAX_VIFS;
	memcpy(ind->frame, req->frame, frame_len);
	list_add_tail(&msg->list, out);
}

static void lab_chip_process(struct lab_chip *chip, struct list_head *batch)
{
	struct wsm_tx_confirm c[3];
	struct lab_chip_msg *msg, *tmp, *cmsg;
	unsigned int n = 0, group, done = 0;
	unsigned long flags;
	LIST_HEAD(out);
	LIST_HEAD(confirms);

	/* One, two or three confirms per message, in turn. */
	group = 1 + chip->confirms_made % 3;
	list_for_each_entry_safe(msg, tmp, batch, list) {
		struct wsm_tx_req *req = (void *)msg->data;

		if (msg->len > sizeof(*req) + ETH_HLEN)
			lab_chip_rx_ind(req, msg->len - sizeof(*req), &out);
		c[n].packet_id = req->packet_id;
		c[n].if_id = req->if_id;
		c[n].pending_idx = req->pending_idx;
		c[n].status = 0;
		list_del(&msg->list);
		lab_chip_msg_free(msg);
		if (++n == group || list_empty(batch)) {
			cmsg = lab_chip_confirm_msg(c, n);
			if (cmsg) {
				list_add_tail(&cmsg->list, &confirms);
				done += n;
			} else {
				pr_err_ratelimited("lost %u confirms\n", n);
			}
			chip->confirms_made++;
			group = 1 + chip->confirms_made % 3;
			n = 0;
		}
	}
	list_splice_tail(&confirms, &out);

	n = 0;
	list_for_each_entry(msg, &out, list)
		n++;
	spin_lock_irqsave(&chip->lock, flags);
	chip->slots_used -= done;
	list_splice_tail(&out, &chip->rx_fifo);
	chip->rx_fifo_msgs += n;
	spin_unlock_irqrestore(&chip->lock, flags);
	if (n)
		irq_work_queue(&chip->irq);
}

static bool lab_chip_has_tx(struct lab_chip *chip)
{
	unsigned long flags;
	bool ret;

	spin_lock_irqsave(&chip->lock, flags);
	ret = !list_empty(&chip->tx_slots);
	spin_unlock_irqrestore(&chip->lock, flags);
	return ret;
}

static int lab_chip_fw(void *arg)
{
	struct lab_chip *chip = arg;
	unsigned long flags;
	LIST_HEAD(batch);

	while (!kthread_should_stop()) {
		wait_event_interruptible(chip->fw_wq, lab_chip_has_tx(chip) ||
					 kthread_should_stop());
		if (kthread_should_stop())
			break;
		usleep_range(FW_LATENCY_US, 2 * FW_LATENCY_US);
		spin_lock_irqsave(&chip->lock, flags);
		list_splice_init(&chip->tx_slots, &batch);
		spin_unlock_irqrestore(&chip->lock, flags);
		lab_chip_process(chip, &batch);
		cond_resched_tasks_rcu_qs();
	}
	return 0;
}

int lab_chip_start(struct lab_chip *chip, struct bes2600_common *hw)
{
	chip->hw = hw;
	spin_lock_init(&chip->lock);
	INIT_LIST_HEAD(&chip->tx_slots);
	INIT_LIST_HEAD(&chip->rx_fifo);
	init_waitqueue_head(&chip->fw_wq);
	init_irq_work(&chip->irq, lab_chip_irq);
	chip->fw_thread = kthread_run(lab_chip_fw, chip, "bes2600_chip");
	if (IS_ERR(chip->fw_thread)) {
		int err = PTR_ERR(chip->fw_thread);

		chip->fw_thread = NULL;
		return err;
	}
	return 0;
}

/* The host stops writing first (BH stopped); then the chip goes quiet. */
void lab_chip_stop(struct lab_chip *chip)
{
	unsigned long flags;

	if (chip->fw_thread)
		kthread_stop(chip->fw_thread);
	chip->fw_thread = NULL;
	irq_work_sync(&chip->irq);
	spin_lock_irqsave(&chip->lock, flags);
	lab_chip_free_list(&chip->tx_slots);
	lab_chip_free_list(&chip->rx_fifo);
	chip->rx_fifo_msgs = 0;
	chip->slots_used = 0;
	spin_unlock_irqrestore(&chip->lock, flags);
	if (atomic_read(&lab_chip_live_msgs))
		pr_err("leaked %d chip messages\n",
		       atomic_read(&lab_chip_live_msgs));
}
