// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Names of counters, contexts and call sites (see names.h).
 */
#include <stdio.h>
#include <string.h>

#include <bes2600/abi.h>

#include "analysis.h"
#include "names.h"
#include "symbols.h"

const char *counter_base_name(uint32_t counter)
{
	switch (counter) {
	case BES2600_HW_BUFS_USED:
		return "hw_bufs_used";
	case BES2600_HW_BUFS_USED_VIF:
		return "hw_bufs_used_vif";
	case BES2600_WSM_TX_PENDING:
		return "wsm_tx_pending";
	}
	return "unknown";
}

void counter_name(char *buf, size_t len, uint32_t counter, int32_t idx)
{
	/* hw_bufs_used is a single counter: its idx is always 0. */
	if (counter == BES2600_HW_BUFS_USED && !idx)
		snprintf(buf, len, "%s", counter_base_name(counter));
	else
		snprintf(buf, len, "%s[%d]", counter_base_name(counter), idx);
}

void instance_name(char *buf, size_t len, const struct an_instance *in)
{
	counter_name(buf, len, in->counter, in->idx);
}

void text_printable(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			*s = '?';
}

/* A task name is chosen by whoever runs it: keep it printable. */
static void clean_comm(char *dst, size_t len, const char *comm)
{
	size_t n = len - 1 < BES2600_COMM_LEN ? len - 1 : BES2600_COMM_LEN;

	snprintf(dst, len, "%.*s", (int)n, comm);
	text_printable(dst);
}

void ctx_name(char *buf, size_t len, const struct analysis *a, uint32_t ctx,
	      struct symtab *syms)
{
	const struct an_ctx *c;

	if (ctx >= a->nctx) {
		snprintf(buf, len, "unknown");
		return;
	}
	c = &a->ctxs[ctx];
	ctx_parts_name(buf, len, c->kind, c->func, c->comm, syms);
}

void kthread_base_name(char *comm)
{
	char *slash = strchr(comm, '/');

	if (slash)
		*slash = '\0';
}

void ctx_parts_name(char *buf, size_t len, uint8_t kind, uint64_t func,
		    const char *comm, struct symtab *syms)
{
	char tmp[NAME_LEN];

	switch (kind) {
	case BES2600_CTX_HARDIRQ:
		snprintf(buf, len, "hardirq");
		break;
	case BES2600_CTX_SOFTIRQ:
		snprintf(buf, len, "softirq");
		break;
	case BES2600_CTX_NMI:
		snprintf(buf, len, "nmi");
		break;
	case BES2600_CTX_WORK:
		symtab_name(syms, func, tmp, sizeof(tmp));
		snprintf(buf, len, "work:%s", tmp);
		break;
	case BES2600_CTX_KTHREAD:
		clean_comm(tmp, sizeof(tmp), comm);
		kthread_base_name(tmp);
		snprintf(buf, len, "kthread:%s", tmp);
		break;
	case BES2600_CTX_TASK:
		clean_comm(tmp, sizeof(tmp), comm);
		snprintf(buf, len, "task:%s", tmp);
		break;
	case 0:
		/* Writers past the rows the counts keep (top_maps.h). */
		snprintf(buf, len, "others");
		break;
	default:
		snprintf(buf, len, "context-%u", kind);
		break;
	}
}

void site_name(char *buf, size_t len, uint64_t addr, struct symtab *syms)
{
	symtab_format(syms, addr, buf, len);
}

void call_site_function(char *buf, size_t len, const char *site,
			bool keep_module)
{
	const char *plus = strchr(site, '+'), *mod = strstr(site, " [");
	int n = plus ? (int)(plus - site) : (int)strlen(site);

	snprintf(buf, len, "%.*s%s", n, site, keep_module && plus && mod ?
		 mod : "");
}

void func_name(char *buf, size_t len, uint64_t addr, struct symtab *syms)
{
	char site[NAME_LEN];

	site_name(site, sizeof(site), addr, syms);
	call_site_function(buf, len, site, false);
}

const char *timer_action_name(int action)
{
	return action == BES2600_PENDING_TIMER_MOD ? "mod_timer" : "del_timer";
}

const char *op_name(int op)
{
	switch (op) {
	case BES2600_CTR_OP_SET:
		return "set";
	case BES2600_CTR_OP_ADD:
		return "add";
	case BES2600_CTR_OP_SUB:
		return "sub";
	}
	return "op?";
}
