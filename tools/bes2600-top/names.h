/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The names the report, the JSON and suppressions use for counters,
 * contexts and call sites.  Context names are exactly: hardirq, softirq,
 * nmi, work:<work function>, kthread:<comm>, task:<comm>.
 */
#ifndef __BES2600_NAMES_H
#define __BES2600_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct analysis;
struct an_instance;
struct symtab;

#define NAME_LEN 160

/*
 * Text from a record or the kernel (task names, symbols, the release),
 * made printable in place: a byte outside ASCII 0x20..0x7e becomes '?',
 * so no report or dashboard line carries a terminal escape.
 */
void text_printable(char *s);

/* "hw_bufs_used", "hw_bufs_used_vif", "wsm_tx_pending". */
const char *counter_base_name(uint32_t counter);
/* "hw_bufs_used", "hw_bufs_used_vif[1]", "wsm_tx_pending[0]". */
void counter_name(char *buf, size_t len, uint32_t counter, int32_t idx);
void instance_name(char *buf, size_t len, const struct an_instance *in);
void ctx_name(char *buf, size_t len, const struct analysis *a, uint32_t ctx,
	      struct symtab *syms);
/* Drops a per-CPU kthread's "/N" suffix: its copies are one context. */
void kthread_base_name(char *comm);
/* The same name from a context's parts (the BPF aggregation's rows). */
void ctx_parts_name(char *buf, size_t len, uint8_t kind, uint64_t func,
		    const char *comm, struct symtab *syms);
void site_name(char *buf, size_t len, uint64_t addr, struct symtab *syms);
/*
 * "wsm_alloc_tx_buffer+0x1d [bes2600_lab]" -> "wsm_alloc_tx_buffer", or
 * with keep_module "wsm_alloc_tx_buffer [bes2600_lab]": offsets move with
 * every build, so runs are compared by function.
 */
void call_site_function(char *buf, size_t len, const char *site,
			bool keep_module);
/* The function of a call site: "wsm_alloc_tx_buffer", or the address. */
void func_name(char *buf, size_t len, uint64_t addr, struct symtab *syms);
const char *op_name(int op);
/* pending_count_timer's action: "del_timer" or "mod_timer". */
const char *timer_action_name(int action);

#endif /* __BES2600_NAMES_H */
