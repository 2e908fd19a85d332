// SPDX-License-Identifier: GPL-2.0
// The sdio_rx_work events (docs/tracepoints.md) at the tree's own sites:
// each queue_work() of the rx work item fires sdio_rx_work_queue with the
// reason of its function (the interrupt, the BH's re-dispatch from
// pipe_read, the kick after a TX transfer), and the work item fires
// sdio_rx_work_start and sdio_rx_work_end around it (port.sh wraps the
// work function; see tools/port/README.md).

@q_irq@
identifier fn = bes2600_sdio_irq_handler;
expression Q, S;
@@
fn(...) { <...
- queue_work(Q, &S->rx_work);
+ trace_sdio_rx_work_queue(S->core, BES2600_RX_WORK_IRQ,
+			   queue_work(Q, &S->rx_work));
...> }

@q_bh@
identifier fn = bes2600_sdio_pipe_read;
expression Q, S;
@@
fn(...) { <...
- queue_work(Q, &S->rx_work);
+ trace_sdio_rx_work_queue(S->core, BES2600_RX_WORK_BH_REDISPATCH,
+			   queue_work(Q, &S->rx_work));
...> }

@q_tx@
identifier fn != {bes2600_sdio_irq_handler, bes2600_sdio_pipe_read};
expression Q, S;
@@
fn(...) { <...
- queue_work(Q, &S->rx_work);
+ trace_sdio_rx_work_queue(S->core, BES2600_RX_WORK_TX,
+			   queue_work(Q, &S->rx_work));
...> }
