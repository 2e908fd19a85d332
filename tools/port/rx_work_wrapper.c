// SPDX-License-Identifier: GPL-2.0
/*
 * Added by the bes2600-lab porting kit: the sdio_rx_work events around
 * the work's own body.  transfers: the SDIO reads it made (rx_xfer_cnt);
 * the body counts no packets, so packets, bytes, direct and queued are 0.
 */
static void sdio_rx_work(struct work_struct *work)
{
	struct sbus_priv *self = container_of(work, struct sbus_priv, rx_work);
	u32 xfers = self->rx_xfer_cnt;

	trace_sdio_rx_work_start(self->core);
	sdio_rx_work_run(work);
	trace_sdio_rx_work_end(self->core, self->rx_xfer_cnt - xfers, 0, 0, 0,
			       0, 0);
}
