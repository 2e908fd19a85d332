/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Accessors for the bes2600 host-interface counters: hw_bufs_used,
 * hw_bufs_used_vif[] and wsm_tx_pending[].
 *
 * Every write goes through bes2600_ctr_add/sub/set(), which fire the
 * matching bes2600:* trace event once, after the store, with the writer's
 * address.  Every read goes through bes2600_ctr_read*().  Each write comes
 * in two flavours chosen by the "atomic" argument:
 *
 *   plain:  a load, then a store, as the vendor driver does with "int"
 *           today.  Correct only while a single context writes.
 *   atomic: one atomic read-modify-write (Patch C-prep of the plan).
 *
 * The storage is an atomic_t in both flavours, so the plain flavour is a
 * data race on purpose but never undefined behaviour: it loses updates the
 * way "hw_priv->hw_bufs_used -= count" does, and nothing else.
 *
 * A driver that includes this header must also include
 * <trace/events/bes2600.h> and define its trace points in one .c file.
 *
 * Optional hooks, defined before including this header:
 *   BES2600_CTR_TRUTH          keep the intended sum and write counts beside
 *                              each counter (the lab's ground truth).
 *   bes2600_ctr_race_window()  called between the load and the store of a
 *                              plain write (the lab's fault injection).
 */
#ifndef _BES2600_COUNTERS_H
#define _BES2600_COUNTERS_H

#include <linux/atomic.h>
#include <linux/compiler.h>
#include <linux/kernel.h>
#include <linux/types.h>
#include <trace/events/bes2600.h>

#ifndef bes2600_ctr_race_window
#define bes2600_ctr_race_window() do { } while (0)
#endif

/* Which counter a struct bes2600_ctr is: selects its trace event. */
enum bes2600_ctr_kind {
	BES2600_CTR_HW_BUFS_USED,
	BES2600_CTR_HW_BUFS_USED_VIF,
	BES2600_CTR_WSM_TX_PENDING,
};

struct bes2600_ctr {
	atomic_t val;
	int capacity;			/* bound for the tools, 0: none */
#ifdef BES2600_CTR_TRUTH
	atomic_t intended;		/* sum of the deltas writers meant */
	atomic_long_t plain_writes;
	atomic_long_t atomic_writes;
#endif
};

/*
 * The counter's bound (hw_bufs_used: wsm_caps.numInpChBufs), carried by
 * every trace event of it, so that a tool attached at any time knows it.
 */
static inline void bes2600_ctr_set_capacity(struct bes2600_ctr *c, int n)
{
	WRITE_ONCE(c->capacity, n);
}

static __always_inline int bes2600_ctr_read(const struct bes2600_ctr *c)
{
	return atomic_read(&c->val);
}

/* For read-then-decide sites that must see what a releasing writer saw. */
static __always_inline int bes2600_ctr_read_acquire(const struct bes2600_ctr *c)
{
	return atomic_read_acquire(&c->val);
}

static __always_inline void
bes2600_ctr_note(struct bes2600_ctr *c, enum bes2600_ctr_kind kind, void *hw,
		 int idx, int op, int delta, int old, int new, bool atomic,
		 unsigned long caller)
{
	int cap = READ_ONCE(c->capacity);

#ifdef BES2600_CTR_TRUTH
	atomic_add(delta, &c->intended);
	atomic_long_inc(atomic ? &c->atomic_writes : &c->plain_writes);
#endif
	switch (kind) {
	case BES2600_CTR_HW_BUFS_USED:
		trace_hw_bufs_used(hw, idx, op, delta, old, new, atomic, caller,
				   cap);
		break;
	case BES2600_CTR_HW_BUFS_USED_VIF:
		trace_hw_bufs_used_vif(hw, idx, op, delta, old, new, atomic,
				       caller, cap);
		break;
	case BES2600_CTR_WSM_TX_PENDING:
		trace_wsm_tx_pending(hw, idx, op, delta, old, new, atomic,
				     caller, cap);
		break;
	}
}

/* The plain flavour: a load and a store, with the fault-injection gap. */
static __always_inline int bes2600_ctr_plain_rmw(struct bes2600_ctr *c,
						 int delta)
{
	int old = atomic_read(&c->val);

	bes2600_ctr_race_window();
	atomic_set(&c->val, old + delta);
	return old;
}

/*
 * Add delta; returns the prior value.  The atomic flavour is fully ordered
 * (atomic_fetch_add), as atomic_inc_return() would be for the TX submit.
 */
static __always_inline int
__bes2600_ctr_add(struct bes2600_ctr *c, enum bes2600_ctr_kind kind, void *hw,
		  int idx, int delta, bool atomic, unsigned long caller)
{
	int old = atomic ? atomic_fetch_add(delta, &c->val) :
			   bes2600_ctr_plain_rmw(c, delta);

	bes2600_ctr_note(c, kind, hw, idx, BES2600_CTR_OP_ADD, delta, old,
			 old + delta, atomic, caller);
	return old;
}

/*
 * Subtract count; returns the prior value, from which the caller derives
 * its predicates (the plan's "prior >= numInpChBufs - 1").  The atomic
 * flavour is a release: the buffer's contents are done with before the
 * count says so.  A caller that acts on the prior value (waking a waiter,
 * restarting TX) follows with smp_acquire__after_ctrl_dep().
 */
static __always_inline int
__bes2600_ctr_sub(struct bes2600_ctr *c, enum bes2600_ctr_kind kind, void *hw,
		  int idx, int count, bool atomic, unsigned long caller)
{
	int old = atomic ? atomic_fetch_sub_release(count, &c->val) :
			   bes2600_ctr_plain_rmw(c, -count);

	bes2600_ctr_note(c, kind, hw, idx, BES2600_CTR_OP_SUB, -count, old,
			 old - count, atomic, caller);
	return old;
}

/*
 * Store v; returns the prior value.  Meant for initialisation and reset;
 * the intended delta of a set is v - old.
 */
static __always_inline int
__bes2600_ctr_set(struct bes2600_ctr *c, enum bes2600_ctr_kind kind, void *hw,
		  int idx, int v, bool atomic, unsigned long caller)
{
	int old;

	if (atomic) {
		old = atomic_xchg(&c->val, v);
	} else {
		old = atomic_read(&c->val);
		atomic_set(&c->val, v);
	}
	bes2600_ctr_note(c, kind, hw, idx, BES2600_CTR_OP_SET, v - old, old, v,
			 atomic, caller);
	return old;
}

/*
 * The caller argument is the address of the write itself (_THIS_IP_ taken
 * in the writing function), so a call site names the function that wrote.
 */
#define bes2600_ctr_add(c, kind, hw, idx, delta, atomic) \
	__bes2600_ctr_add(c, kind, hw, idx, delta, atomic, _THIS_IP_)
#define bes2600_ctr_sub(c, kind, hw, idx, count, atomic) \
	__bes2600_ctr_sub(c, kind, hw, idx, count, atomic, _THIS_IP_)
#define bes2600_ctr_set(c, kind, hw, idx, v, atomic) \
	__bes2600_ctr_set(c, kind, hw, idx, v, atomic, _THIS_IP_)

#endif /* _BES2600_COUNTERS_H */
