/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bes2600 lab: the host-interface core of a bes2600-like SDIO WiFi driver,
 * driving a simulated chip.  Names follow the vendor driver where that
 * helps a reader map one onto the other.
 */
#ifndef _BES2600_LAB_H
#define _BES2600_LAB_H

#include <linux/irq_work.h>
#include <linux/kthread.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/timer.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

/* Fault injection: the gap between load and store of a plain write. */
void lab_race_window(void);
#define bes2600_ctr_race_window() lab_race_window()
#include <bes2600/counters.h>

#define BES2600_MAX_VIFS	2
#define BES2600_NUM_INP_CH_BUFS	16	/* what the firmware announces */
#define BES2600_MAX_FRAME	1600
#define BES2600_AGG_BUF_SIZE	(32 * 1024)
#define BES2600_AGG_MAX_MSGS	8	/* messages per SDIO transfer */
#define BES2600_TXQ_MAX		128	/* frames queued per vif */

/* WSM message ids of the lab's wire format (see chip.c). */
#define WSM_TX_REQ_ID		0x0004
#define WSM_TX_CONFIRM_ID	0x0404
#define WSM_MULTI_TX_CONFIRM_ID	0x041e
#define WSM_RX_IND_ID		0x0804

struct wsm_hdr {
	__le16 len;		/* whole message, header included */
	__le16 id;
} __packed;

struct wsm_tx_req {
	struct wsm_hdr hdr;
	u8 if_id;
	u8 pending_idx;
	__le16 reserved;
	__le32 packet_id;
	u8 frame[];
} __packed;

struct wsm_tx_confirm {
	__le32 packet_id;
	u8 if_id;
	u8 pending_idx;
	__le16 status;
} __packed;

struct wsm_multi_tx_confirm {
	struct wsm_hdr hdr;
	__le32 count;
	struct wsm_tx_confirm c[];
} __packed;

struct wsm_rx_ind {
	struct wsm_hdr hdr;
	u8 if_id;
	u8 reserved[3];
	u8 frame[];
} __packed;

/* One message in chip memory (a TX slot or the RX FIFO). */
struct lab_chip_msg {
	struct list_head list;
	u32 len;
	u8 data[];
};

struct bes2600_common;

/* The simulated SDIO chip and its firmware. */
struct lab_chip {
	struct bes2600_common *hw;
	spinlock_t lock;		/* protects everything below */
	struct list_head tx_slots;	/* written by the host, not consumed */
	unsigned int slots_used;
	struct list_head rx_fifo;	/* waiting for the host to read */
	unsigned int rx_fifo_msgs;	/* the control register */
	u32 confirms_made;

	wait_queue_head_t fw_wq;
	struct task_struct *fw_thread;
	struct irq_work irq;
};

struct lab_stats {
	atomic_long_t tx_packets, tx_bytes;	/* data frames host -> chip */
	atomic_long_t rx_packets, rx_bytes;	/* data frames chip -> host */
	atomic_long_t confirms;
	atomic_long_t irqs;
	atomic_long_t rx_work_runs;
	atomic_long_t sdio_transfers;
	atomic_long_t sdio_rx_packets, sdio_rx_bytes;	/* extracted msgs */
	atomic_long_t bh_redispatches;
	atomic_long_t tx_overruns;
	atomic_long_t release_underflows;	/* wsm_release_tx_buffer < 0 */
	atomic_long_t pending_timeouts;
	ktime_t since;
};

struct lab_generator {
	struct task_struct *thread;
	wait_queue_head_t wq;
	unsigned long count, size, rate;
	atomic_long_t sent, received, rx_bytes;
};

struct bes2600_vif {
	struct bes2600_common *hw;
	struct net_device *ndev;
	int if_id;
};

struct bes2600_common {
	/* The three counters of the plan, behind the accessors. */
	struct bes2600_ctr hw_bufs_used;
	struct bes2600_ctr hw_bufs_used_vif[BES2600_MAX_VIFS];
	struct bes2600_ctr wsm_tx_pending[2];
	bool atomic_counters;		/* counters=atomic */
	bool rx_direct;			/* rx_deliver=direct */
	bool bh_kthread;		/* bh=kthread (else bh=work) */

	struct {
		int numInpChBufs;
	} wsm_caps;

	/*
	 * The BH: the work item bes2600_bh_work on an ordered workqueue, as
	 * in the vendor tree (bh=work), or a kthread, as in cw1200
	 * (bh=kthread).  bh_running: started and not yet told to stop.
	 */
	struct task_struct *bh_thread;
	struct workqueue_struct *bh_workqueue;
	struct work_struct bh_work;
	bool bh_running;
	bool bh_term;
	wait_queue_head_t bh_wq;	/* wakes the BH */
	wait_queue_head_t bh_evt_wq;	/* hw_bufs_used reached 0 */
	struct sk_buff_head tx_queue[BES2600_MAX_VIFS];
	struct sk_buff_head rx_queue;	/* queued RX delivery */
	u32 tx_seq;

	/* RX path */
	struct workqueue_struct *sdio_wq;
	struct work_struct sdio_rx_work;
	u8 *agg_buf;			/* only sdio_rx_work touches it */

	/* Pending-count monitor timers, one per wsm_tx_pending index. */
	struct bes2600_pending_timer {
		struct timer_list timer;
		struct bes2600_common *hw;
		int idx;
	} pending_timer[2];
	atomic_long_t pending_stale[2];

	struct lab_chip chip;
	struct bes2600_vif vif[BES2600_MAX_VIFS];
	struct lab_generator gen;
	struct lab_stats stats;
	struct dentry *debugfs;
};

/* bh.c */
void bes2600_bh_init(struct bes2600_common *hw);
int bes2600_bh_start(struct bes2600_common *hw);
void bes2600_bh_stop(struct bes2600_common *hw);
void bes2600_bh_cleanup(struct bes2600_common *hw);
void bes2600_bh_wakeup(struct bes2600_common *hw);
void bes2600_bh_handle_rx_skb(struct bes2600_common *hw, struct sk_buff *skb);
void bes2600_counters_init(struct bes2600_common *hw);

/* sdio.c */
int bes2600_sdio_init(struct bes2600_common *hw);
void bes2600_sdio_exit(struct bes2600_common *hw);
void bes2600_sdio_queue_rx_work(struct bes2600_common *hw, int reason);

/* chip.c */
int lab_chip_start(struct lab_chip *chip, struct bes2600_common *hw);
void lab_chip_stop(struct lab_chip *chip);
void lab_chip_write(struct lab_chip *chip, struct lab_chip_msg *msg);
unsigned int lab_chip_read_ctrl(struct lab_chip *chip);
unsigned int lab_chip_read_agg(struct lab_chip *chip, u8 *buf, size_t size,
			       unsigned int max_msgs);
struct lab_chip_msg *lab_chip_msg_alloc(size_t len, u16 id, gfp_t gfp);
void lab_chip_msg_free(struct lab_chip_msg *msg);

/* netdev.c */
int bes2600_netdev_init(struct bes2600_common *hw);
void bes2600_netdev_exit(struct bes2600_common *hw);
void bes2600_netdev_rx(struct bes2600_common *hw, int if_id,
		       struct sk_buff *skb);
void bes2600_netdev_tx_drained(struct bes2600_common *hw, int if_id);
int lab_generator_start(struct bes2600_common *hw, unsigned long count,
			unsigned long size, unsigned long rate);
void lab_generator_stop(struct bes2600_common *hw);

/* debugfs.c */
void bes2600_debugfs_init(struct bes2600_common *hw);
void bes2600_debugfs_exit(struct bes2600_common *hw);

#endif /* _BES2600_LAB_H */
