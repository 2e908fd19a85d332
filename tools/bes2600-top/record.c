// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Record files (see record.h and docs/record-format.md).  Everything is in
 * the writer's byte order; the header says which, and a reader on the
 * other byte order refuses the file rather than guess.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "names.h"
#include "outfile.h"
#include "record.h"
#include "version.h"

#define BYTE_ORDER_MARK 0x01020304u
#define EV_BATCH 4096		/* event records per chunk */
#define AUX_FLUSH (1u << 20)	/* stack/symbol chunk size */
#define END_SIZE 32
#define DROP_SIZE 32
#define SYM_HEAD 24

static const char tag_events[4] = { 'E', 'V', 'T', 'S' };
static const char tag_drops[4] = { 'D', 'R', 'O', 'P' };
static const char tag_stacks[4] = { 'S', 'T', 'K', 'S' };
static const char tag_syms[4] = { 'S', 'Y', 'M', 'S' };
static const char tag_end[4] = { 'E', 'N', 'D', ' ' };
static const char tag_counts[4] = { 'C', 'N', 'T', 'S' };
static const char tag_rx[4] = { 'R', 'X', 'S', 'T' };
#define COUNTS_HEAD 16
#define COUNTS_SIZE (COUNTS_HEAD + sizeof(struct bes2600_inst_stats))
#define RX_SIZE (8 + sizeof(struct bes2600_rx_stats))

/* CRC-32 (IEEE 802.3), zlib's; chunks are far below its 4 GiB length. */
uint32_t rec_crc32(uint32_t crc, const void *buf, size_t len)
{
	return crc32(crc, buf, len);
}

static void seterr(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
}

/* ---- writer ---- */

struct buf {
	unsigned char *p;
	size_t len, cap;
};

struct recorder {
	struct outfile out;	/* renamed into place by recorder_close() */
	FILE *f;		/* out.f */
	uint32_t record_size;
	struct buf ev, stk, sym;
	size_t nev;
	uint64_t events;
	int err;		/* errno of the first failed write */
};

static int buf_put(struct buf *b, const void *p, size_t len)
{
	if (b->len + len > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		unsigned char *v;

		while (cap < b->len + len)
			cap *= 2;
		v = realloc(b->p, cap);
		if (!v)
			return -1;
		b->p = v;
		b->cap = cap;
	}
	memcpy(b->p + b->len, p, len);
	b->len += len;
	return 0;
}

static int write_chunk(struct recorder *r, const char tag[4],
		       const void *payload, uint32_t len)
{
	unsigned char head[REC_CHUNK_HEADER] = { 0 };
	uint32_t crc;

	if (r->err)
		return -1;
	memcpy(head, tag, 4);
	memcpy(head + 4, &len, 4);
	crc = rec_crc32(0, head, 8);
	crc = rec_crc32(crc, payload, len);
	memcpy(head + 8, &crc, 4);
	if (fwrite(head, sizeof(head), 1, r->f) != 1 ||
	    (len && fwrite(payload, len, 1, r->f) != 1)) {
		r->err = errno ? errno : EIO;
		return -1;
	}
	return 0;
}

static int flush_events(struct recorder *r)
{
	int ret;

	if (!r->nev)
		return 0;
	ret = write_chunk(r, tag_events, r->ev.p, r->ev.len);
	r->ev.len = 0;
	r->nev = 0;
	return ret;
}

static int flush_aux(struct recorder *r, struct buf *b, const char tag[4])
{
	int ret;

	if (!b->len)
		return 0;
	ret = write_chunk(r, tag, b->p, b->len);
	b->len = 0;
	return ret;
}

struct recorder *recorder_open(const char *path, const struct rec_header *h,
			       char *err, size_t errlen)
{
	unsigned char head[REC_HEADER_SIZE] = { 0 };
	uint16_t version = REC_VERSION, hsize = REC_HEADER_SIZE;
	uint32_t bom = BYTE_ORDER_MARK, crc;
	struct recorder *r = calloc(1, sizeof(*r));

	if (!r) {
		seterr(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	r->record_size = sizeof(struct bes2600_event);
	if (outfile_open(&r->out, path, true, err, errlen)) {
		free(r);
		return NULL;
	}
	r->f = r->out.f;
	memcpy(head, REC_MAGIC, 8);
	memcpy(head + 8, &version, 2);
	memcpy(head + 10, &hsize, 2);
	memcpy(head + 12, &bom, 4);
	memcpy(head + 16, &r->record_size, 4);
	memcpy(head + 20, &h->flags, 4);
	memcpy(head + 24, &h->capacity, 4);
	memcpy(head + 32, &h->start_ns, 8);
	memcpy(head + 40, &h->start_realtime_ns, 8);
	memcpy(head + 48, &h->window_ns, 8);
	memcpy(head + 56, h->release, strnlen(h->release, 63));
	memcpy(head + 120, h->machine, strnlen(h->machine, 31));
	_Static_assert(sizeof(BES2600_TOP_VERSION) <= 16,
		       "the version fits the header's 16 bytes");
	memcpy(head + 152, BES2600_TOP_VERSION, sizeof(BES2600_TOP_VERSION));
	crc = rec_crc32(0, head, REC_HEADER_SIZE - 4);
	memcpy(head + REC_HEADER_SIZE - 4, &crc, 4);
	if (fwrite(head, sizeof(head), 1, r->f) != 1) {
		seterr(err, errlen, "cannot write record %s: %s", path,
		       strerror(errno));
		outfile_abort(&r->out);
		free(r);
		return NULL;
	}
	return r;
}

int recorder_event(struct recorder *r, const struct bes2600_event *e)
{
	if (r->err)
		return -1;
	if (buf_put(&r->ev, e, sizeof(*e))) {
		r->err = ENOMEM;
		return -1;
	}
	r->events++;
	if (++r->nev == EV_BATCH)
		return flush_events(r);
	return 0;
}

int recorder_drop(struct recorder *r, uint32_t cpu, uint64_t from,
		  uint64_t to, uint64_t lost)
{
	unsigned char p[DROP_SIZE] = { 0 };

	/* After the events before it, so a reader meets it in order. */
	if (flush_events(r))
		return -1;
	memcpy(p, &cpu, 4);
	memcpy(p + 8, &from, 8);
	memcpy(p + 16, &to, 8);
	memcpy(p + 24, &lost, 8);
	return write_chunk(r, tag_drops, p, sizeof(p));
}

int recorder_counts(struct recorder *r, uint64_t hw, uint32_t counter,
		    int32_t idx, const struct bes2600_inst_stats *st)
{
	unsigned char p[COUNTS_SIZE];

	if (flush_events(r))
		return -1;
	memcpy(p, &hw, 8);
	memcpy(p + 8, &counter, 4);
	memcpy(p + 12, &idx, 4);
	memcpy(p + COUNTS_HEAD, st, sizeof(*st));
	return write_chunk(r, tag_counts, p, sizeof(p));
}

int recorder_rx(struct recorder *r, uint64_t hw,
		const struct bes2600_rx_stats *st)
{
	unsigned char *p = malloc(RX_SIZE);
	int ret;

	if (!p) {
		r->err = ENOMEM;
		return -1;
	}
	memcpy(p, &hw, 8);
	memcpy(p + 8, st, sizeof(*st));
	ret = flush_events(r) ? -1 : write_chunk(r, tag_rx, p, RX_SIZE);
	free(p);
	return ret;
}

int recorder_stack(struct recorder *r, int32_t id, const uint64_t *ips,
		   uint32_t n)
{
	if (r->err)
		return -1;
	if (n > REC_MAX_STACK)
		n = REC_MAX_STACK;
	if (buf_put(&r->stk, &id, 4) || buf_put(&r->stk, &n, 4) ||
	    buf_put(&r->stk, ips, n * sizeof(*ips))) {
		r->err = ENOMEM;
		return -1;
	}
	return r->stk.len >= AUX_FLUSH ? flush_aux(r, &r->stk, tag_stacks) : 0;
}

int recorder_symbol(struct recorder *r, uint64_t addr, uint64_t size,
		    const char *name, const char *module)
{
	uint16_t nl = strnlen(name, 1024), ml = module ? strnlen(module, 256) : 0;
	unsigned char head[SYM_HEAD] = { 0 };

	if (r->err)
		return -1;
	memcpy(head, &addr, 8);
	memcpy(head + 8, &size, 8);
	memcpy(head + 16, &nl, 2);
	memcpy(head + 18, &ml, 2);
	if (buf_put(&r->sym, head, sizeof(head)) ||
	    buf_put(&r->sym, name, nl) || (ml && buf_put(&r->sym, module, ml))) {
		r->err = ENOMEM;
		return -1;
	}
	return r->sym.len >= AUX_FLUSH ? flush_aux(r, &r->sym, tag_syms) : 0;
}

static void recorder_free(struct recorder *r)
{
	free(r->ev.p);
	free(r->stk.p);
	free(r->sym.p);
	free(r);
}

int recorder_close(struct recorder *r, uint64_t end_ns, char *err,
		   size_t errlen)
{
	unsigned char p[END_SIZE] = { 0 };
	int ret;

	memcpy(p, &end_ns, 8);
	memcpy(p + 8, &r->events, 8);
	flush_events(r);
	flush_aux(r, &r->stk, tag_stacks);
	flush_aux(r, &r->sym, tag_syms);
	write_chunk(r, tag_end, p, sizeof(p));
	if (r->err) {
		seterr(err, errlen, "cannot write the record: %s",
		       strerror(r->err));
		outfile_abort(&r->out);
		ret = -1;
	} else {
		ret = outfile_commit(&r->out, err, errlen);
	}
	recorder_free(r);
	return ret;
}

/* A failed run's record: the temporary file goes, the target stays. */
void recorder_discard(struct recorder *r)
{
	if (!r)
		return;
	outfile_abort(&r->out);
	recorder_free(r);
}

/* ---- reader ---- */

struct rec_reader {
	FILE *f;
	char path[256];
	struct rec_header h;
	uint64_t size, off;
	unsigned char *buf;
	size_t cap;
};

void rec_reader_close(struct rec_reader *rd)
{
	if (!rd)
		return;
	if (rd->f)
		fclose(rd->f);
	free(rd->buf);
	free(rd);
}

struct rec_reader *rec_reader_open(const char *path, struct rec_header *h,
				   char *err, size_t errlen)
{
	unsigned char head[REC_HEADER_SIZE];
	struct rec_reader *rd = calloc(1, sizeof(*rd));
	uint16_t version, hsize;
	uint32_t bom, crc;
	struct stat st;
	size_t got;

	if (!rd) {
		seterr(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	snprintf(rd->path, sizeof(rd->path), "%s", path);
	rd->f = fopen(path, "rbe");
	if (!rd->f) {
		seterr(err, errlen, "cannot open %s: %s", path,
		       strerror(errno));
		goto fail;
	}
	if (fstat(fileno(rd->f), &st) || !S_ISREG(st.st_mode)) {
		seterr(err, errlen, "%s: not a regular file", path);
		goto fail;
	}
	rd->size = st.st_size;
	got = fread(head, 1, sizeof(head), rd->f);
	if (got < 8 || memcmp(head, REC_MAGIC, 8)) {
		seterr(err, errlen, "%s: not a bes2600-top record (bad magic)",
		       path);
		goto fail;
	}
	if (got < sizeof(head)) {
		seterr(err, errlen, "%s: truncated header (%zu of %d bytes)",
		       path, got, REC_HEADER_SIZE);
		goto fail;
	}
	memcpy(&version, head + 8, 2);
	memcpy(&hsize, head + 10, 2);
	memcpy(&bom, head + 12, 4);
	if (bom == __builtin_bswap32(BYTE_ORDER_MARK)) {
		seterr(err, errlen, "%s: recorded on a machine of the other byte order",
		       path);
		goto fail;
	}
	memcpy(&crc, head + REC_HEADER_SIZE - 4, 4);
	if (bom != BYTE_ORDER_MARK ||
	    crc != rec_crc32(0, head, REC_HEADER_SIZE - 4)) {
		seterr(err, errlen, "%s: corrupted header (checksum mismatch)",
		       path);
		goto fail;
	}
	if (version != REC_VERSION || hsize != REC_HEADER_SIZE) {
		seterr(err, errlen, "%s: record format version %u, this tool reads version %d",
		       path, version, REC_VERSION);
		goto fail;
	}
	memset(h, 0, sizeof(*h));
	h->version = version;
	memcpy(&h->record_size, head + 16, 4);
	memcpy(&h->flags, head + 20, 4);
	memcpy(&h->capacity, head + 24, 4);
	memcpy(&h->start_ns, head + 32, 8);
	memcpy(&h->start_realtime_ns, head + 40, 8);
	memcpy(&h->window_ns, head + 48, 8);
	memcpy(h->release, head + 56, 63);
	memcpy(h->machine, head + 120, 31);
	memcpy(h->tool_version, head + 152, 15);
	text_printable(h->release);
	text_printable(h->machine);
	text_printable(h->tool_version);
	if (h->record_size < sizeof(struct bes2600_event) ||
	    h->record_size > 4096) {
		seterr(err, errlen, "%s: event records of %u bytes, this tool needs at least %zu",
		       path, h->record_size, sizeof(struct bes2600_event));
		goto fail;
	}
	/* The bounds of the options that set them (docs/record-format.md). */
	if (h->window_ns && (h->window_ns < REC_MIN_WINDOW_NS ||
			     h->window_ns > REC_MAX_WINDOW_NS)) {
		seterr(err, errlen, "%s: header byte 48: window_ns %" PRIu64 " outside %llu..%llu",
		       path, h->window_ns, REC_MIN_WINDOW_NS, REC_MAX_WINDOW_NS);
		goto fail;
	}
	if (h->capacity < 0 || (uint32_t)h->capacity > REC_MAX_CAPACITY) {
		seterr(err, errlen, "%s: header byte 24: capacity %d outside 0..%u",
		       path, h->capacity, REC_MAX_CAPACITY);
		goto fail;
	}
	if (h->flags & ~(REC_F_STACKS | REC_F_COUNTS)) {
		seterr(err, errlen, "%s: header byte 20: flags 0x%x has bits version %d does not define",
		       path, h->flags, REC_VERSION);
		goto fail;
	}
	rd->h = *h;
	rd->off = REC_HEADER_SIZE;
	return rd;
fail:
	rec_reader_close(rd);
	return NULL;
}

static int read_events(struct rec_reader *rd, const struct rec_ops *ops,
		       void *ctx, uint32_t len, uint64_t *count)
{
	struct bes2600_event e;
	uint32_t i;

	for (i = 0; i < len; i += rd->h.record_size) {
		memcpy(&e, rd->buf + i, sizeof(e));
		(*count)++;
		if (ops->event && ops->event(ctx, &e))
			return -1;
	}
	return 0;
}

static int read_stacks(struct rec_reader *rd, const struct rec_ops *ops,
		       void *ctx, uint32_t len)
{
	uint64_t ips[REC_MAX_STACK];
	uint32_t i = 0, n;
	int32_t id;

	while (i < len) {
		if (len - i < 8)
			return 1;
		memcpy(&id, rd->buf + i, 4);
		memcpy(&n, rd->buf + i + 4, 4);
		i += 8;
		if (n > REC_MAX_STACK || (len - i) / 8 < n)
			return 1;
		memcpy(ips, rd->buf + i, n * 8);
		i += n * 8;
		if (ops->stack && ops->stack(ctx, id, ips, n))
			return -1;
	}
	return 0;
}

static int read_syms(struct rec_reader *rd, const struct rec_ops *ops,
		     void *ctx, uint32_t len)
{
	char name[1025], mod[257];
	uint64_t addr, size;
	uint16_t nl, ml;
	uint32_t i = 0;

	while (i < len) {
		if (len - i < SYM_HEAD)
			return 1;
		memcpy(&addr, rd->buf + i, 8);
		memcpy(&size, rd->buf + i + 8, 8);
		memcpy(&nl, rd->buf + i + 16, 2);
		memcpy(&ml, rd->buf + i + 18, 2);
		i += SYM_HEAD;
		if (!nl || nl > 1024 || ml > 256 || len - i < (uint32_t)nl + ml)
			return 1;
		memcpy(name, rd->buf + i, nl);
		name[nl] = '\0';
		memcpy(mod, rd->buf + i + nl, ml);
		mod[ml] = '\0';
		i += nl + ml;
		/* Names come from kallsyms: no NUL inside. */
		if (strlen(name) != nl || strlen(mod) != ml)
			return 1;
		if (ops->symbol && ops->symbol(ctx, addr, size, name,
					       ml ? mod : NULL))
			return -1;
	}
	return 0;
}

/*
 * One instance's counts, checked for what the analysis relies on: a known
 * counter and index, no more writers' writes than writes.
 */
static int read_counts(struct rec_reader *rd, const struct rec_ops *ops,
		       void *ctx, uint32_t len)
{
	struct bes2600_inst_stats st;
	uint64_t hw, rows = 0;
	uint32_t counter, i;
	int32_t idx;

	if (len != COUNTS_SIZE || !(rd->h.flags & REC_F_COUNTS))
		return 1;
	memcpy(&hw, rd->buf, 8);
	memcpy(&counter, rd->buf + 8, 4);
	memcpy(&idx, rd->buf + 12, 4);
	memcpy(&st, rd->buf + COUNTS_HEAD, sizeof(st));
	if (counter >= BES2600_NR_COUNTERS || idx < 0 ||
	    idx >= BES2600_MAX_IDX || st.plain_writes > st.writes ||
	    st.has_first > 1 || (!st.has_first && st.writes))
		return 1;
	/* Taken after the detach, but a program may have been mid-write. */
	for (i = 0; i < BES2600_INST_WRITERS; i++) {
		if ((!st.w[i].tag && st.w[i].count) ||
		    st.w[i].count > st.writes - rows)
			return 1;
		rows += st.w[i].count;
	}
	if (st.other_writes > st.writes - rows)
		return 1;
	return ops->counts && ops->counts(ctx, hw, counter, idx, &st) ? -1 : 0;
}

static int read_rx(struct rec_reader *rd, const struct rec_ops *ops,
		   void *ctx, uint32_t len)
{
	struct bes2600_rx_stats *st;
	uint64_t hw;
	int ret;

	if (len != RX_SIZE || !(rd->h.flags & REC_F_COUNTS))
		return 1;
	st = malloc(sizeof(*st));
	if (!st)
		return -1;
	memcpy(&hw, rd->buf, 8);
	memcpy(st, rd->buf + 8, sizeof(*st));
	ret = ops->rx && ops->rx(ctx, hw, st) ? -1 : 0;
	free(st);
	return ret;
}

int rec_reader_run(struct rec_reader *rd, const struct rec_ops *ops,
		   void *ctx, uint64_t *end_ns, char *err, size_t errlen)
{
	unsigned char head[REC_CHUNK_HEADER];
	uint64_t events = 0, n_end, at;
	uint32_t len, crc, rsvd;
	int ret;

	for (;;) {
		at = rd->off;
		if (at == rd->size) {
			seterr(err, errlen, "%s: truncated: no end chunk after byte %" PRIu64 " (the recording was cut short)",
			       rd->path, at);
			return -1;
		}
		if (rd->size - at < REC_CHUNK_HEADER ||
		    fread(head, sizeof(head), 1, rd->f) != 1) {
			seterr(err, errlen, "%s: truncated chunk header at byte %" PRIu64,
			       rd->path, at);
			return -1;
		}
		memcpy(&len, head + 4, 4);
		memcpy(&crc, head + 8, 4);
		memcpy(&rsvd, head + 12, 4);
		if (len > REC_MAX_CHUNK || rsvd) {
			seterr(err, errlen, "%s: corrupted chunk header at byte %" PRIu64,
			       rd->path, at);
			return -1;
		}
		if (rd->size - at - REC_CHUNK_HEADER < len) {
			seterr(err, errlen, "%s: truncated: chunk at byte %" PRIu64 " needs %u bytes, %" PRIu64 " left",
			       rd->path, at, len,
			       rd->size - at - REC_CHUNK_HEADER);
			return -1;
		}
		if (len > rd->cap) {
			unsigned char *b = realloc(rd->buf, len);

			if (!b) {
				seterr(err, errlen, "%s: out of memory",
				       rd->path);
				return -1;
			}
			rd->buf = b;
			rd->cap = len;
		}
		if (len && fread(rd->buf, len, 1, rd->f) != 1) {
			seterr(err, errlen, "%s: read error at byte %" PRIu64,
			       rd->path, at);
			return -1;
		}
		rd->off += REC_CHUNK_HEADER + len;
		if (crc != rec_crc32(rec_crc32(0, head, 8), rd->buf, len)) {
			seterr(err, errlen, "%s: corrupted chunk at byte %" PRIu64 " (checksum mismatch)",
			       rd->path, at);
			return -1;
		}
		ret = 0;
		if (!memcmp(head, tag_events, 4)) {
			if (len % rd->h.record_size)
				ret = 1;
			else
				ret = read_events(rd, ops, ctx, len, &events);
		} else if (!memcmp(head, tag_drops, 4)) {
			uint64_t from, to, lost;
			uint32_t cpu;

			if (len != DROP_SIZE) {
				ret = 1;
			} else {
				memcpy(&cpu, rd->buf, 4);
				memcpy(&from, rd->buf + 8, 8);
				memcpy(&to, rd->buf + 16, 8);
				memcpy(&lost, rd->buf + 24, 8);
				if (ops->drop && ops->drop(ctx, cpu, from, to,
							   lost))
					ret = -1;
			}
		} else if (!memcmp(head, tag_stacks, 4)) {
			ret = read_stacks(rd, ops, ctx, len);
		} else if (!memcmp(head, tag_syms, 4)) {
			ret = read_syms(rd, ops, ctx, len);
		} else if (!memcmp(head, tag_counts, 4)) {
			ret = read_counts(rd, ops, ctx, len);
		} else if (!memcmp(head, tag_rx, 4)) {
			ret = read_rx(rd, ops, ctx, len);
		} else if (!memcmp(head, tag_end, 4)) {
			if (len != END_SIZE) {
				ret = 1;
			} else {
				memcpy(end_ns, rd->buf, 8);
				memcpy(&n_end, rd->buf + 8, 8);
				if (n_end != events) {
					seterr(err, errlen, "%s: end chunk counts %" PRIu64 " events, the file holds %" PRIu64,
					       rd->path, n_end, events);
					return -1;
				}
				if (rd->off != rd->size) {
					seterr(err, errlen, "%s: data after the end chunk at byte %" PRIu64,
					       rd->path, rd->off);
					return -1;
				}
				return 0;
			}
		}
		/* Other tags: a newer writer's chunk, skipped (CRC was good). */
		if (ret > 0) {
			seterr(err, errlen, "%s: malformed '%.4s' chunk at byte %" PRIu64,
			       rd->path, (const char *)head, at);
			return -1;
		}
		if (ret < 0) {
			seterr(err, errlen, "%s: stopped at the chunk at byte %" PRIu64,
			       rd->path, at);
			return -1;
		}
	}
}
