// SPDX-License-Identifier: GPL-2.0
// The bes2600 counters hw_bufs_used, hw_bufs_used_vif[] and
// wsm_tx_pending[] of struct bes2600_common, rewritten to the accessors
// of include/bes2600/counters.h (tools/port/README.md).
//
// Bases are matched by type: any expression of type
// struct bes2600_common * (hw_priv, priv, self->core); local variables
// that share a field's name are not field accesses and stay.  The
// flavour is the accessors' last argument, BES2600_PORT_ATOMIC, from the
// bes2600_port.h the kit adds; with -D atomic the read-then-decide sites
// read with acquire ordering (the plan's C-prep, risk 1).
//
// Order: the sites whose shape a line-by-line rewrite gets wrong first,
// then every other write, then every read.
virtual atomic

// wsm_release_tx_buffer: a snapshot read, -=, then re-reads.  One call
// returns the prior value; the re-reads become prior - count.
@release@
identifier x;
struct bes2600_common *E;
expression C;
type T;
@@
- T x = E->hw_bufs_used;
+ T x = bes2600_ctr_sub(&E->hw_bufs_used, BES2600_CTR_HW_BUFS_USED, E, 0, C, BES2600_PORT_ATOMIC);
  ...
- E->hw_bufs_used -= C;
  <...
- E->hw_bufs_used
+ (x - C)
  ...>

// C-prep: what the release found (the last buffer back) is acted on
// (waking the waiters, leaving the busy state) only after an acquire on
// that control dependency, pairing with the release of the decrement
// (Documentation/atomic_t.txt; the plan's risk 1).
@release_acquire depends on atomic@
identifier release.x;
expression release.C;
statement list SL;
@@
  if (!(x - C)) {
+	/* C-prep: acquire on the release's control dependency first. */
+	smp_acquire__after_ctrl_dep();
	SL
  }

// A decrement of hw_bufs_used_vif[] re-read right after: the re-reads use the
// value the write returned.
@reread_hw_bufs_used_vif@
identifier fn;
struct bes2600_common *E;
expression I, C;
fresh identifier prior = "prior_";
@@
fn(...) {
+ int prior;
  ...
- E->hw_bufs_used_vif[I] -= C;
+ prior = bes2600_ctr_sub(&E->hw_bufs_used_vif[I], BES2600_CTR_HW_BUFS_USED_VIF, E, I, C, BES2600_PORT_ATOMIC);
  <...
- E->hw_bufs_used_vif[I]
+ (prior - C)
  ...>
}

// A decrement of wsm_tx_pending[] re-read right after: the re-reads use the
// value the write returned.
@reread_wsm_tx_pending@
identifier fn;
struct bes2600_common *E;
expression I, C;
fresh identifier prior = "prior_";
@@
fn(...) {
+ int prior;
  ...
- E->wsm_tx_pending[I] -= C;
+ prior = bes2600_ctr_sub(&E->wsm_tx_pending[I], BES2600_CTR_WSM_TX_PENDING, E, I, C, BES2600_PORT_ATOMIC);
  <...
- E->wsm_tx_pending[I]
+ (prior - C)
  ...>
}

// bes2600_bh_dec_pending_count: the decision on the decremented count
// keeps its meaning and fires pending_count_timer after the timer call,
// with the count read back (docs/tracepoints.md).
@dec_pending@
identifier fn;
struct bes2600_common *E;
expression I;
statement S1, S2;
fresh identifier left = "left_";
@@
fn(...) {
+ int left;
  ...
- if (--E->wsm_tx_pending[I] == 0)
-	S1
- else
-	S2
+ left = bes2600_ctr_sub(&E->wsm_tx_pending[I], BES2600_CTR_WSM_TX_PENDING, E, I, 1, BES2600_PORT_ATOMIC) - 1;
+ if (left == 0) {
+	S1
+	trace_pending_count_timer(E, I, left, BES2600_PENDING_TIMER_DEL, bes2600_ctr_read(&E->wsm_tx_pending[I]));
+ } else {
+	S2
+	trace_pending_count_timer(E, I, left, BES2600_PENDING_TIMER_MOD, bes2600_ctr_read(&E->wsm_tx_pending[I]));
+ }
  ...
}

// Every other write of hw_bufs_used: statements first (no value used), then
// expressions, which take the value the accessor returns (the prior one).
@w_stmt_hw_bufs_used@
struct bes2600_common *E;
expression V;
@@
(
- E->hw_bufs_used = V;
+ bes2600_ctr_set(&E->hw_bufs_used, BES2600_CTR_HW_BUFS_USED, E, 0, V, BES2600_PORT_ATOMIC);
|
- E->hw_bufs_used += V;
+ bes2600_ctr_add(&E->hw_bufs_used, BES2600_CTR_HW_BUFS_USED, E, 0, V, BES2600_PORT_ATOMIC);
|
- E->hw_bufs_used -= V;
+ bes2600_ctr_sub(&E->hw_bufs_used, BES2600_CTR_HW_BUFS_USED, E, 0, V, BES2600_PORT_ATOMIC);
|
- ++E->hw_bufs_used;
+ bes2600_ctr_add(&E->hw_bufs_used, BES2600_CTR_HW_BUFS_USED, E, 0, 1, BES2600_PORT_ATOMIC);
|
- E->hw_bufs_used++;
+ bes2600_ctr_add(&E->hw_bufs_used, BES2600_CTR_HW_BUFS_USED, E, 0, 1, BES2600_PORT_ATOMIC);
|
- --E->hw_bufs_used;
+ bes2600_ctr_sub(&E->hw_bufs_used, BES2600_CTR_HW_BUFS_USED, E, 0, 1, BES2600_PORT_ATOMIC);
|
- E->hw_bufs_used--;
+ bes2600_ctr_sub(&E->hw_bufs_used, BES2600_CTR_HW_BUFS_USED, E, 0, 1, BES2600_PORT_ATOMIC);
)

@w_expr_hw_bufs_used@
struct bes2600_common *E;
expression V;
@@
(
- E->hw_bufs_used++
+ bes2600_ctr_add(&E->hw_bufs_used, BES2600_CTR_HW_BUFS_USED, E, 0, 1, BES2600_PORT_ATOMIC)
|
- E->hw_bufs_used--
+ bes2600_ctr_sub(&E->hw_bufs_used, BES2600_CTR_HW_BUFS_USED, E, 0, 1, BES2600_PORT_ATOMIC)
|
- ++E->hw_bufs_used
+ (bes2600_ctr_add(&E->hw_bufs_used, BES2600_CTR_HW_BUFS_USED, E, 0, 1, BES2600_PORT_ATOMIC) + 1)
|
- --E->hw_bufs_used
+ (bes2600_ctr_sub(&E->hw_bufs_used, BES2600_CTR_HW_BUFS_USED, E, 0, 1, BES2600_PORT_ATOMIC) - 1)
|
- E->hw_bufs_used += V
+ (bes2600_ctr_add(&E->hw_bufs_used, BES2600_CTR_HW_BUFS_USED, E, 0, V, BES2600_PORT_ATOMIC) + (V))
|
- E->hw_bufs_used -= V
+ (bes2600_ctr_sub(&E->hw_bufs_used, BES2600_CTR_HW_BUFS_USED, E, 0, V, BES2600_PORT_ATOMIC) - (V))
)

// Every other write of hw_bufs_used_vif: statements first (no value used), then
// expressions, which take the value the accessor returns (the prior one).
@w_stmt_hw_bufs_used_vif@
struct bes2600_common *E;
expression I, V;
@@
(
- E->hw_bufs_used_vif[I] = V;
+ bes2600_ctr_set(&E->hw_bufs_used_vif[I], BES2600_CTR_HW_BUFS_USED_VIF, E, I, V, BES2600_PORT_ATOMIC);
|
- E->hw_bufs_used_vif[I] += V;
+ bes2600_ctr_add(&E->hw_bufs_used_vif[I], BES2600_CTR_HW_BUFS_USED_VIF, E, I, V, BES2600_PORT_ATOMIC);
|
- E->hw_bufs_used_vif[I] -= V;
+ bes2600_ctr_sub(&E->hw_bufs_used_vif[I], BES2600_CTR_HW_BUFS_USED_VIF, E, I, V, BES2600_PORT_ATOMIC);
|
- ++E->hw_bufs_used_vif[I];
+ bes2600_ctr_add(&E->hw_bufs_used_vif[I], BES2600_CTR_HW_BUFS_USED_VIF, E, I, 1, BES2600_PORT_ATOMIC);
|
- E->hw_bufs_used_vif[I]++;
+ bes2600_ctr_add(&E->hw_bufs_used_vif[I], BES2600_CTR_HW_BUFS_USED_VIF, E, I, 1, BES2600_PORT_ATOMIC);
|
- --E->hw_bufs_used_vif[I];
+ bes2600_ctr_sub(&E->hw_bufs_used_vif[I], BES2600_CTR_HW_BUFS_USED_VIF, E, I, 1, BES2600_PORT_ATOMIC);
|
- E->hw_bufs_used_vif[I]--;
+ bes2600_ctr_sub(&E->hw_bufs_used_vif[I], BES2600_CTR_HW_BUFS_USED_VIF, E, I, 1, BES2600_PORT_ATOMIC);
)

@w_expr_hw_bufs_used_vif@
struct bes2600_common *E;
expression I, V;
@@
(
- E->hw_bufs_used_vif[I]++
+ bes2600_ctr_add(&E->hw_bufs_used_vif[I], BES2600_CTR_HW_BUFS_USED_VIF, E, I, 1, BES2600_PORT_ATOMIC)
|
- E->hw_bufs_used_vif[I]--
+ bes2600_ctr_sub(&E->hw_bufs_used_vif[I], BES2600_CTR_HW_BUFS_USED_VIF, E, I, 1, BES2600_PORT_ATOMIC)
|
- ++E->hw_bufs_used_vif[I]
+ (bes2600_ctr_add(&E->hw_bufs_used_vif[I], BES2600_CTR_HW_BUFS_USED_VIF, E, I, 1, BES2600_PORT_ATOMIC) + 1)
|
- --E->hw_bufs_used_vif[I]
+ (bes2600_ctr_sub(&E->hw_bufs_used_vif[I], BES2600_CTR_HW_BUFS_USED_VIF, E, I, 1, BES2600_PORT_ATOMIC) - 1)
|
- E->hw_bufs_used_vif[I] += V
+ (bes2600_ctr_add(&E->hw_bufs_used_vif[I], BES2600_CTR_HW_BUFS_USED_VIF, E, I, V, BES2600_PORT_ATOMIC) + (V))
|
- E->hw_bufs_used_vif[I] -= V
+ (bes2600_ctr_sub(&E->hw_bufs_used_vif[I], BES2600_CTR_HW_BUFS_USED_VIF, E, I, V, BES2600_PORT_ATOMIC) - (V))
)

// Every other write of wsm_tx_pending: statements first (no value used), then
// expressions, which take the value the accessor returns (the prior one).
@w_stmt_wsm_tx_pending@
struct bes2600_common *E;
expression I, V;
@@
(
- E->wsm_tx_pending[I] = V;
+ bes2600_ctr_set(&E->wsm_tx_pending[I], BES2600_CTR_WSM_TX_PENDING, E, I, V, BES2600_PORT_ATOMIC);
|
- E->wsm_tx_pending[I] += V;
+ bes2600_ctr_add(&E->wsm_tx_pending[I], BES2600_CTR_WSM_TX_PENDING, E, I, V, BES2600_PORT_ATOMIC);
|
- E->wsm_tx_pending[I] -= V;
+ bes2600_ctr_sub(&E->wsm_tx_pending[I], BES2600_CTR_WSM_TX_PENDING, E, I, V, BES2600_PORT_ATOMIC);
|
- ++E->wsm_tx_pending[I];
+ bes2600_ctr_add(&E->wsm_tx_pending[I], BES2600_CTR_WSM_TX_PENDING, E, I, 1, BES2600_PORT_ATOMIC);
|
- E->wsm_tx_pending[I]++;
+ bes2600_ctr_add(&E->wsm_tx_pending[I], BES2600_CTR_WSM_TX_PENDING, E, I, 1, BES2600_PORT_ATOMIC);
|
- --E->wsm_tx_pending[I];
+ bes2600_ctr_sub(&E->wsm_tx_pending[I], BES2600_CTR_WSM_TX_PENDING, E, I, 1, BES2600_PORT_ATOMIC);
|
- E->wsm_tx_pending[I]--;
+ bes2600_ctr_sub(&E->wsm_tx_pending[I], BES2600_CTR_WSM_TX_PENDING, E, I, 1, BES2600_PORT_ATOMIC);
)

@w_expr_wsm_tx_pending@
struct bes2600_common *E;
expression I, V;
@@
(
- E->wsm_tx_pending[I]++
+ bes2600_ctr_add(&E->wsm_tx_pending[I], BES2600_CTR_WSM_TX_PENDING, E, I, 1, BES2600_PORT_ATOMIC)
|
- E->wsm_tx_pending[I]--
+ bes2600_ctr_sub(&E->wsm_tx_pending[I], BES2600_CTR_WSM_TX_PENDING, E, I, 1, BES2600_PORT_ATOMIC)
|
- ++E->wsm_tx_pending[I]
+ (bes2600_ctr_add(&E->wsm_tx_pending[I], BES2600_CTR_WSM_TX_PENDING, E, I, 1, BES2600_PORT_ATOMIC) + 1)
|
- --E->wsm_tx_pending[I]
+ (bes2600_ctr_sub(&E->wsm_tx_pending[I], BES2600_CTR_WSM_TX_PENDING, E, I, 1, BES2600_PORT_ATOMIC) - 1)
|
- E->wsm_tx_pending[I] += V
+ (bes2600_ctr_add(&E->wsm_tx_pending[I], BES2600_CTR_WSM_TX_PENDING, E, I, V, BES2600_PORT_ATOMIC) + (V))
|
- E->wsm_tx_pending[I] -= V
+ (bes2600_ctr_sub(&E->wsm_tx_pending[I], BES2600_CTR_WSM_TX_PENDING, E, I, V, BES2600_PORT_ATOMIC) - (V))
)

// Reads of hw_bufs_used, but not the accessors' own &hw_bufs_used.
@addr_hw_bufs_used@
struct bes2600_common *E;
position p;
@@
 &E->hw_bufs_used@p

// C-prep: a wait condition and a test for zero decide on the value a
// releasing writer stored: read them with acquire ordering.
@r_wait_hw_bufs_used depends on atomic@
struct bes2600_common *E;
position p != addr_hw_bufs_used.p;
identifier wait =~ "^wait_event";
expression Q;
@@
wait(Q, <+...
- E->hw_bufs_used@p
+ bes2600_ctr_read_acquire(&E->hw_bufs_used)
  ...+>, ...)

@r_zero_hw_bufs_used depends on atomic@
struct bes2600_common *E;
position p != addr_hw_bufs_used.p;
@@
- !E->hw_bufs_used@p
+ !bes2600_ctr_read_acquire(&E->hw_bufs_used)

// Again, with the acquire reads' own &hw_bufs_used.
@addr2_hw_bufs_used@
struct bes2600_common *E;
position p;
@@
 &E->hw_bufs_used@p

@r_hw_bufs_used@
struct bes2600_common *E;
position p != addr2_hw_bufs_used.p;
@@
- E->hw_bufs_used@p
+ bes2600_ctr_read(&E->hw_bufs_used)

// Reads of hw_bufs_used_vif, but not the accessors' own &hw_bufs_used_vif.
@addr_hw_bufs_used_vif@
struct bes2600_common *E;
expression I;
position p;
@@
 &E->hw_bufs_used_vif[I]@p

// C-prep: a wait condition and a test for zero decide on the value a
// releasing writer stored: read them with acquire ordering.
@r_wait_hw_bufs_used_vif depends on atomic@
struct bes2600_common *E;
expression I;
position p != addr_hw_bufs_used_vif.p;
identifier wait =~ "^wait_event";
expression Q;
@@
wait(Q, <+...
- E->hw_bufs_used_vif[I]@p
+ bes2600_ctr_read_acquire(&E->hw_bufs_used_vif[I])
  ...+>, ...)

@r_zero_hw_bufs_used_vif depends on atomic@
struct bes2600_common *E;
expression I;
position p != addr_hw_bufs_used_vif.p;
@@
- !E->hw_bufs_used_vif[I]@p
+ !bes2600_ctr_read_acquire(&E->hw_bufs_used_vif[I])

// Again, with the acquire reads' own &hw_bufs_used_vif.
@addr2_hw_bufs_used_vif@
struct bes2600_common *E;
expression I;
position p;
@@
 &E->hw_bufs_used_vif[I]@p

@r_hw_bufs_used_vif@
struct bes2600_common *E;
expression I;
position p != addr2_hw_bufs_used_vif.p;
@@
- E->hw_bufs_used_vif[I]@p
+ bes2600_ctr_read(&E->hw_bufs_used_vif[I])

// Reads of wsm_tx_pending, but not the accessors' own &wsm_tx_pending.
@addr_wsm_tx_pending@
struct bes2600_common *E;
expression I;
position p;
@@
 &E->wsm_tx_pending[I]@p

// C-prep: a wait condition and a test for zero decide on the value a
// releasing writer stored: read them with acquire ordering.
@r_wait_wsm_tx_pending depends on atomic@
struct bes2600_common *E;
expression I;
position p != addr_wsm_tx_pending.p;
identifier wait =~ "^wait_event";
expression Q;
@@
wait(Q, <+...
- E->wsm_tx_pending[I]@p
+ bes2600_ctr_read_acquire(&E->wsm_tx_pending[I])
  ...+>, ...)

@r_zero_wsm_tx_pending depends on atomic@
struct bes2600_common *E;
expression I;
position p != addr_wsm_tx_pending.p;
@@
- !E->wsm_tx_pending[I]@p
+ !bes2600_ctr_read_acquire(&E->wsm_tx_pending[I])

// Again, with the acquire reads' own &wsm_tx_pending.
@addr2_wsm_tx_pending@
struct bes2600_common *E;
expression I;
position p;
@@
 &E->wsm_tx_pending[I]@p

@r_wsm_tx_pending@
struct bes2600_common *E;
expression I;
position p != addr2_wsm_tx_pending.p;
@@
- E->wsm_tx_pending[I]@p
+ bes2600_ctr_read(&E->wsm_tx_pending[I])


// The chip's input buffers bound hw_bufs_used: every event of it carries
// the bound once the firmware announced it.
@capacity@
struct bes2600_common *E;
expression V;
@@
  E->wsm_caps.numInpChBufs = V;
+ bes2600_ctr_set_capacity(&E->hw_bufs_used, E->wsm_caps.numInpChBufs);
