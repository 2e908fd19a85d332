// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * A Perfetto trace of an audit (see perfetto.h): the protobuf wire format
 * written by hand, for the few messages of Perfetto's trace format it
 * needs (docs/perfetto.md lists them with their field numbers, from
 * Perfetto's public protos/perfetto/trace/).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "names.h"
#include "outfile.h"
#include "perfetto.h"
#include "record.h"
#include "symbols.h"

/* Field numbers: Trace, TracePacket, TrackDescriptor, TrackEvent, ... */
#define TRACE_PACKET 1
#define PKT_TIMESTAMP 8
#define PKT_SEQ_ID 10
#define PKT_TRACK_EVENT 11
#define PKT_INTERNED 12
#define PKT_SEQ_FLAGS 13
#define PKT_TRACK_DESC 60
#define DESC_UUID 1
#define DESC_NAME 2
#define DESC_PARENT 5
#define DESC_COUNTER 8
#define CTR_UNIT_NAME 6
#define EV_ANNOTATION 4
#define EV_TYPE 9
#define EV_NAME_IID 10
#define EV_TRACK 11
#define EV_EXTRA_CTR_VALUES 12
#define EV_EXTRA_CTR_TRACKS 31
#define EV_FLOW 47
#define EV_FLOW_END 48
#define ANN_NAME_IID 1
#define ANN_BOOL 2
#define ANN_INT 4
#define ANN_STRING_IID 17
#define INT_EVENT_NAMES 2
#define INT_ANN_NAMES 3
#define INT_ANN_STRINGS 29
#define INTERNED_IID 1
#define INTERNED_NAME 2

#define TYPE_SLICE_BEGIN 1
#define TYPE_SLICE_END 2
#define TYPE_INSTANT 3

#define SEQ_CLEARED 1
#define SEQ_NEEDS_STATE 2
#define SEQ_ID 1

/* Wire types. */
#define WT_VARINT 0
#define WT_FIXED64 1
#define WT_LEN 2

/* Nested messages are built inside out, each in its own buffer. */
struct pbuf {
	unsigned char *p;
	size_t len, cap;
	int err;
};

static void pb_room(struct pbuf *b, size_t n)
{
	unsigned char *v;
	size_t cap;

	if (b->err || b->len + n <= b->cap)
		return;
	cap = b->cap ? b->cap : 256;
	while (cap < b->len + n)
		cap *= 2;
	v = realloc(b->p, cap);
	if (!v) {
		b->err = ENOMEM;
		return;
	}
	b->p = v;
	b->cap = cap;
}

static void pb_varint(struct pbuf *b, uint64_t v)
{
	pb_room(b, 10);
	if (b->err)
		return;
	while (v >= 0x80) {
		b->p[b->len++] = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	b->p[b->len++] = (unsigned char)v;
}

static void pb_key(struct pbuf *b, unsigned int field, unsigned int wt)
{
	pb_varint(b, (uint64_t)field << 3 | wt);
}

static void pb_uint(struct pbuf *b, unsigned int field, uint64_t v)
{
	pb_key(b, field, WT_VARINT);
	pb_varint(b, v);
}

/* int64 fields take the two's complement, ten bytes for a negative. */
static void pb_int(struct pbuf *b, unsigned int field, int64_t v)
{
	pb_uint(b, field, (uint64_t)v);
}

static void pb_fixed64(struct pbuf *b, unsigned int field, uint64_t v)
{
	int i;

	pb_key(b, field, WT_FIXED64);
	pb_room(b, 8);
	if (b->err)
		return;
	for (i = 0; i < 8; i++)
		b->p[b->len++] = (unsigned char)(v >> (8 * i));
}

static void pb_bytes(struct pbuf *b, unsigned int field, const void *p,
		     size_t n)
{
	pb_key(b, field, WT_LEN);
	pb_varint(b, n);
	pb_room(b, n);
	if (b->err)
		return;
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

static void pb_str(struct pbuf *b, unsigned int field, const char *s)
{
	pb_bytes(b, field, s, strlen(s));
}

/* Appends sub as field of b, and empties sub for the next use. */
static void pb_msg(struct pbuf *b, unsigned int field, struct pbuf *sub)
{
	if (sub->err)
		b->err = sub->err;
	pb_bytes(b, field, sub->p, sub->len);
	sub->len = 0;
}

/* A string interned on the trace's one sequence: its iid, from 1. */
struct intern {
	char **s;
	size_t n, cap;
};

/* Indices of names, annotation names and annotation strings. */
enum { IN_EVENT, IN_ANN, IN_STR, IN_NR };

struct perfetto {
	struct outfile out;
	const struct analysis *an;
	struct symtab *syms;
	struct pbuf pkt, ev, sub, sub2, interned;
	struct intern in[IN_NR];
	bool cleared;		/* the first packet said so */
	uint64_t packets, bytes;
	int err;
};

/* The iid of s in table t (adding it, and its entry, when new). */
static uint64_t intern(struct perfetto *p, int t, const char *s)
{
	static const unsigned int field[IN_NR] = {
		INT_EVENT_NAMES, INT_ANN_NAMES, INT_ANN_STRINGS,
	};
	struct intern *in = &p->in[t];
	struct pbuf e = { 0 };
	size_t i;

	/* Few distinct strings (sites, contexts, names): a linear search. */
	for (i = in->n; i-- > 0;)
		if (!strcmp(in->s[i], s))
			return i + 1;
	if (in->n == in->cap) {
		size_t cap = in->cap ? in->cap * 2 : 64;
		char **v = realloc(in->s, cap * sizeof(*v));

		if (!v) {
			p->err = ENOMEM;
			return 0;
		}
		in->s = v;
		in->cap = cap;
	}
	in->s[in->n] = strdup(s);
	if (!in->s[in->n]) {
		p->err = ENOMEM;
		return 0;
	}
	in->n++;
	pb_uint(&e, INTERNED_IID, in->n);
	pb_str(&e, INTERNED_NAME, s);
	pb_msg(&p->interned, field[t], &e);
	free(e.p);
	return in->n;
}

/* Writes the packet in p->pkt (with the interned data it needs). */
static void emit(struct perfetto *p, uint64_t ts, bool has_ts)
{
	struct pbuf head = { 0 };

	if (has_ts)
		pb_uint(&head, PKT_TIMESTAMP, ts);
	pb_uint(&head, PKT_SEQ_ID, SEQ_ID);
	pb_uint(&head, PKT_SEQ_FLAGS, p->cleared ? SEQ_NEEDS_STATE :
		SEQ_CLEARED | SEQ_NEEDS_STATE);
	p->cleared = true;
	if (p->interned.len)
		pb_msg(&head, PKT_INTERNED, &p->interned);
	if (p->pkt.err || head.err || p->interned.err)
		p->err = ENOMEM;
	if (!p->err) {
		struct pbuf wrap = { 0 };

		pb_key(&wrap, TRACE_PACKET, WT_LEN);
		pb_varint(&wrap, head.len + p->pkt.len);
		if (wrap.err ||
		    fwrite(wrap.p, wrap.len, 1, p->out.f) != 1 ||
		    fwrite(head.p, head.len, 1, p->out.f) != 1 ||
		    (p->pkt.len && fwrite(p->pkt.p, p->pkt.len, 1,
					  p->out.f) != 1))
			p->err = errno ? errno : EIO;
		p->bytes += wrap.len + head.len + p->pkt.len;
		p->packets++;
		free(wrap.p);
	}
	free(head.p);
	p->pkt.len = 0;
}

static void describe(struct perfetto *p, uint64_t uuid, uint64_t parent,
		     const char *name, const char *unit)
{
	pb_uint(&p->sub, DESC_UUID, uuid);
	pb_str(&p->sub, DESC_NAME, name);
	if (parent)
		pb_uint(&p->sub, DESC_PARENT, parent);
	if (unit) {
		pb_str(&p->sub2, CTR_UNIT_NAME, unit);
		pb_msg(&p->sub, DESC_COUNTER, &p->sub2);
	}
	pb_msg(&p->pkt, PKT_TRACK_DESC, &p->sub);
	emit(p, 0, false);
}

/*
 * Track uuids: 1 the chip group, then per counter instance a counter
 * track (its value) and a findings track, per context a track, per chip
 * the sdio_rx_work runs and per queue the pending-count timer.  Fixed
 * from the analysis's own numbering, so the second pass needs no map.
 */
#define UUID_ROOT 1
static uint64_t uuid_counter(uint32_t inst) { return 16 + 4ULL * inst; }
static uint64_t uuid_findings(uint32_t inst) { return 17 + 4ULL * inst; }
static uint64_t uuid_timer(uint32_t inst) { return 18 + 4ULL * inst; }
static uint64_t uuid_ctx(uint32_t ctx) { return 1000000 + ctx; }
#define UUID_RX 2

static void ann_int(struct perfetto *p, const char *name, int64_t v)
{
	pb_uint(&p->sub, ANN_NAME_IID, intern(p, IN_ANN, name));
	pb_int(&p->sub, ANN_INT, v);
	pb_msg(&p->ev, EV_ANNOTATION, &p->sub);
}

static void ann_str(struct perfetto *p, const char *name, const char *v)
{
	pb_uint(&p->sub, ANN_NAME_IID, intern(p, IN_ANN, name));
	pb_uint(&p->sub, ANN_STRING_IID, intern(p, IN_STR, v));
	pb_msg(&p->ev, EV_ANNOTATION, &p->sub);
}

static void ann_bool(struct perfetto *p, const char *name, bool v)
{
	pb_uint(&p->sub, ANN_NAME_IID, intern(p, IN_ANN, name));
	pb_uint(&p->sub, ANN_BOOL, v);
	pb_msg(&p->ev, EV_ANNOTATION, &p->sub);
}

/* Starts a TrackEvent on track with an interned name. */
static void event_begin(struct perfetto *p, int type, uint64_t track,
			const char *name)
{
	pb_uint(&p->ev, EV_TYPE, type);
	pb_uint(&p->ev, EV_TRACK, track);
	if (name)
		pb_uint(&p->ev, EV_NAME_IID, intern(p, IN_EVENT, name));
}

static void event_end(struct perfetto *p, uint64_t ts)
{
	pb_msg(&p->pkt, PKT_TRACK_EVENT, &p->ev);
	emit(p, ts, true);
}

/* A write: an instant on its context's track, the value on its counter's. */
static void write_event(struct perfetto *p, const struct bes2600_event *e)
{
	const struct an_instance *in = analysis_find_inst(p->an, e->hw, e->ctr.counter,
					       e->ctr.idx);
	char name[NAME_LEN], site[NAME_LEN];

	if (!in)
		return;
	counter_name(name, sizeof(name), e->ctr.counter, e->ctr.idx);
	site_name(site, sizeof(site), e->ctr.caller, p->syms);
	event_begin(p, TYPE_INSTANT, uuid_ctx(analysis_find_ctx(p->an, e)),
		    op_name(e->ctr.op));
	pb_uint(&p->ev, EV_EXTRA_CTR_TRACKS, uuid_counter(in->index));
	pb_int(&p->ev, EV_EXTRA_CTR_VALUES, e->ctr.new_);
	ann_str(p, "counter", name);
	ann_int(p, "old", e->ctr.old);
	ann_int(p, "new", e->ctr.new_);
	ann_int(p, "delta", e->ctr.delta);
	ann_bool(p, "atomic", e->ctr.atomic);
	ann_str(p, "call_site", site);
	event_end(p, e->ts_ns);
}

static void rx_event(struct perfetto *p, const struct bes2600_event *e)
{
	switch (e->type) {
	case BES2600_EV_RX_WORK_START:
		event_begin(p, TYPE_SLICE_BEGIN, UUID_RX, "sdio_rx_work");
		event_end(p, e->ts_ns);
		break;
	case BES2600_EV_RX_WORK_END:
		event_begin(p, TYPE_SLICE_END, UUID_RX, NULL);
		ann_int(p, "packets", e->rxe.packets);
		ann_int(p, "bytes", e->rxe.bytes);
		ann_int(p, "direct", e->rxe.direct);
		ann_int(p, "queued", e->rxe.queued);
		ann_int(p, "err", e->rxe.err);
		event_end(p, e->ts_ns);
		break;
	default:
		event_begin(p, TYPE_INSTANT, UUID_RX,
			    e->rxq.reason ? "queue (BH re-dispatch)" :
			    "queue (interrupt)");
		ann_bool(p, "queued", e->rxq.queued);
		event_end(p, e->ts_ns);
		break;
	}
}

static void timer_event(struct perfetto *p, const struct bes2600_event *e)
{
	const struct an_instance *in = analysis_find_inst(p->an, e->hw,
					       BES2600_WSM_TX_PENDING,
					       e->timer.idx);

	if (!in)
		return;
	event_begin(p, TYPE_INSTANT, uuid_timer(in->index),
		    timer_action_name(e->timer.action));
	ann_int(p, "count", e->timer.count);
	if (!(e->flags & BES2600_REC_NO_NOW))
		ann_int(p, "now", e->timer.now);
	event_end(p, e->ts_ns);
}

static int on_event(void *ctx, const struct bes2600_event *e)
{
	struct perfetto *p = ctx;

	switch (e->type) {
	case BES2600_EV_COUNTER:
		if (e->ctr.counter < BES2600_NR_COUNTERS)
			write_event(p, e);
		break;
	case BES2600_EV_RX_WORK_QUEUE:
	case BES2600_EV_RX_WORK_START:
	case BES2600_EV_RX_WORK_END:
		rx_event(p, e);
		break;
	case BES2600_EV_PENDING_TIMER:
		timer_event(p, e);
		break;
	}
	return p->err ? -1 : 0;
}

/* The tracks, named as the reports name them. */
static void describe_tracks(struct perfetto *p)
{
	const struct analysis *a = p->an;
	char name[NAME_LEN], buf[NAME_LEN + 16];
	size_t i;

	describe(p, UUID_ROOT, 0, "bes2600", NULL);
	describe(p, UUID_RX, UUID_ROOT, "sdio_rx_work runs", NULL);
	for (i = 0; i < a->ninst; i++) {
		const struct an_instance *in = a->inst[i];

		instance_name(name, sizeof(name), in);
		describe(p, uuid_counter(in->index), UUID_ROOT, name,
			 "writes' value");
		snprintf(buf, sizeof(buf), "%s findings", name);
		describe(p, uuid_findings(in->index), UUID_ROOT, buf, NULL);
		if (in->counter == BES2600_WSM_TX_PENDING) {
			snprintf(buf, sizeof(buf), "%s timer", name);
			describe(p, uuid_timer(in->index), UUID_ROOT, buf,
				 NULL);
		}
	}
	for (i = 0; i <= a->nctx; i++) {
		if (i < a->nctx)
			ctx_name(name, sizeof(name), a, i, p->syms);
		else
			snprintf(name, sizeof(name), "other contexts");
		describe(p, uuid_ctx(i), UUID_ROOT, name, NULL);
	}
}

/*
 * A finding: an instant on its counter's findings track; a lost update
 * also a flow from the clobbered write to the clobbering one, between two
 * instants on their contexts' tracks.
 */
static void finding_event(struct perfetto *p, const struct finding *f,
			  uint64_t flow)
{
	const struct analysis *a = p->an;
	char name[NAME_LEN], site[NAME_LEN];
	const struct an_instance *in;

	if (f->inst >= a->ninst)
		return;
	in = a->inst[f->inst];
	instance_name(name, sizeof(name), in);
	event_begin(p, TYPE_INSTANT, uuid_findings(in->index),
		    finding_class_name(f->cls));
	ann_str(p, "counter", name);
	ann_int(p, "occurrences", f->count);
	ann_bool(p, "suppressed", f->suppressed);
	event_end(p, f->first_ts);
	if (f->cls != FC_LOST_UPDATE || !f->a.valid || !f->b.valid)
		return;
	site_name(site, sizeof(site), f->b.site, p->syms);
	event_begin(p, TYPE_INSTANT, uuid_ctx(f->b.ctx), "clobbered write");
	pb_fixed64(&p->ev, EV_FLOW, flow);
	ann_str(p, "call_site", site);
	ann_int(p, "new", f->b.new_);
	event_end(p, f->b.ts);
	site_name(site, sizeof(site), f->a.site, p->syms);
	event_begin(p, TYPE_INSTANT, uuid_ctx(f->a.ctx), "lost update");
	pb_fixed64(&p->ev, EV_FLOW_END, flow);
	ann_str(p, "call_site", site);
	ann_int(p, "old", f->a.old);
	ann_int(p, "new", f->a.new_);
	event_end(p, f->a.ts);
}

int perfetto_write(const char *path, const char *record,
		   const struct analysis *a, struct symtab *syms,
		   struct perfetto_stats *st, char *why, size_t whylen)
{
	static const struct rec_ops ops = { .event = on_event };
	struct perfetto p = { .an = a, .syms = syms };
	struct rec_reader *rd;
	struct rec_header h;
	uint64_t end_ns;
	char err[256];
	size_t i, t;
	int ret;

	rd = rec_reader_open(record, &h, why, whylen);
	if (!rd)
		return -1;
	if (outfile_open(&p.out, path, true, why, whylen)) {
		rec_reader_close(rd);
		return -1;
	}
	describe_tracks(&p);
	ret = rec_reader_run(rd, &ops, &p, &end_ns, err, sizeof(err));
	rec_reader_close(rd);
	for (i = 0; !ret && !p.err && i < a->findings.n; i++)
		finding_event(&p, &a->findings.v[i], i + 1);
	if (ret && !p.err)
		snprintf(why, whylen, "%s", err);
	else if (p.err)
		snprintf(why, whylen, "cannot write %s: %s", path,
			 strerror(p.err));
	if (!ret && !p.err && fflush(p.out.f))
		snprintf(why, whylen, "cannot write %s: %s", path,
			 strerror(errno)), p.err = errno;
	if (ret || p.err)
		outfile_abort(&p.out);
	else if (outfile_commit(&p.out, why, whylen))
		ret = -1;
	if (st) {
		st->packets = p.packets;
		st->bytes = p.bytes;
	}
	free(p.pkt.p);
	free(p.ev.p);
	free(p.sub.p);
	free(p.sub2.p);
	free(p.interned.p);
	for (t = 0; t < IN_NR; t++) {
		for (i = 0; i < p.in[t].n; i++)
			free(p.in[t].s[i]);
		free(p.in[t].s);
	}
	return ret || p.err ? -1 : 0;
}
