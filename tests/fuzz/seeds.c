// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The fuzzers' seed corpora, made by the real writers: records of a race,
 * of atomic writes and of every counter and context kind (the unit tests'
 * synthetic streams), the audit's JSON report of the race, and
 * suppression files.
 *
 *   seeds DIR     writes DIR/record/, DIR/baseline/, DIR/suppress/
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "audit.h"
#include "record.h"
#include "synth.h"

#define HBU BES2600_HW_BUFS_USED
#define VIF BES2600_HW_BUFS_USED_VIF
#define PEND BES2600_WSM_TX_PENDING

static void keep(struct synth *s, const char *dir, const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/record/%s.rec", dir, name);
	if (rename(s->path, path)) {
		perror(path);
		exit(1);
	}
}

static void race(struct synth *s)
{
	uint64_t ts;
	int v = 0, round, k;

	synth_open(s, 50 * MS);
	ts = s->start_ns + MS;
	/* The BH fills the chip, sdio_rx_work drains it, four times over. */
	for (round = 0; round < 5; round++) {
		for (k = 0; k < 5; k++, v++, ts += 200 * US)
			synth_w(s, ts, BH, HBU, v, v + 1, false, SITE_ALLOC);
		if (round == 4)
			break;
		for (k = 0; k < 5; k++, v--, ts += 200 * US)
			synth_w(s, ts, WORK, HBU, v, v - 1, false, SITE_RELEASE);
	}
	/* Both read 5: the release's store clobbers the alloc's. */
	synth_w(s, ts + 5 * US, BH, HBU, 5, 6, false, SITE_ALLOC);
	synth_w(s, ts + 20 * US, WORK, HBU, 5, 4, false, SITE_RELEASE);
	synth_close(s);
}

static void atomic(struct synth *s)
{
	uint64_t ts;
	int i;

	synth_open(s, 10 * MS);
	ts = s->start_ns + MS;
	for (i = 0; i < 30; i++) {
		ts += 100 * US;
		synth_w(s, ts, i % 2 ? WORK : BH, HBU, i % 2, (i + 1) % 2, true,
			i % 2 ? SITE_RELEASE : SITE_ALLOC);
	}
	synth_close(s);
}

static void kinds(struct synth *s)
{
	static const enum synth_ctx who[] = { BH, WORK, WORK2, IRQ, INSMOD };
	struct bes2600_event e;
	uint64_t ts;
	int i;

	synth_open(s, 50 * MS);
	ts = s->start_ns + MS;
	e = synth_ctr(ts, INSMOD, HBU, 0, BES2600_CTR_OP_SET, 0, 0, false,
		      SITE_INIT, 0);
	synth_put(s, &e);
	for (i = 0; i < 20; i++) {
		ts += 50 * US;
		e = synth_ctr(ts, who[i % 5], i % 2 ? VIF : PEND, i % 3,
			      i % 2 ? BES2600_CTR_OP_ADD : BES2600_CTR_OP_SUB,
			      i, i % 2 ? i + 1 : i - 1, i % 4 == 0,
			      i % 2 ? SITE_INC_PENDING : SITE_DEC_PENDING,
			      i % 2);
		synth_put(s, &e);
	}
	synth_close(s);
}

/* A live audit's file: plain writes streamed, the counts in chunks. */
static void counted(struct synth *s)
{
	static struct bes2600_inst_stats st, vif;
	static struct bes2600_rx_stats rx;
	struct bes2600_event e;
	uint64_t ts;
	int i;

	synth_open_flags(s, 10 * MS, REC_F_COUNTS);
	ts = s->start_ns + MS;
	for (i = 0; i < 20; i++) {
		ts += 100 * US;
		e = synth_ctr(ts, i % 2 ? WORK : BH, HBU, 0, i % 2 ? 2 : 1,
			      i % 2, (i + 1) % 2, false,
			      i % 2 ? SITE_RELEASE : SITE_ALLOC, 0);
		bes2600_count_write(&st, &e, 0, ts);
		synth_put(s, &e);
	}
	/* Atomic writes the BPF side only counted. */
	for (i = 0; i < 10; i++) {
		e = synth_ctr(ts + i * US, BH, VIF, 1, 1, i, i + 1, true,
			      SITE_ALLOC, 0);
		bes2600_count_write(&vif, &e, 0, ts);
	}
	rx.t.runs = rx.t.starts = rx.t.queue_events = 5;
	rx.s2e[bes2600_hist_bucket(20000)] = 5;
	if (recorder_counts(s->rec, HW, HBU, 0, &st) ||
	    recorder_counts(s->rec, HW, VIF, 1, &vif) ||
	    recorder_rx(s->rec, HW, &rx)) {
		fprintf(stderr, "seeds: cannot write the counts\n");
		exit(1);
	}
	synth_close(s);
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/suppress/%s", dir, name);
	f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f)) {
		perror(path);
		exit(1);
	}
}

int main(int argc, char **argv)
{
	char path[512], rec[512];
	struct synth_out o;
	struct synth s;
	const char *d;

	if (argc != 2) {
		fprintf(stderr, "usage: seeds DIR\n");
		return 2;
	}
	d = argv[1];
	for (const char *sub = "record"; sub; sub = !strcmp(sub, "record") ?
	     "baseline" : !strcmp(sub, "baseline") ? "suppress" : NULL) {
		snprintf(path, sizeof(path), "%s/%s", d, sub);
		mkdir(d, 0755);
		mkdir(path, 0755);
	}
	race(&s);
	keep(&s, d, "race");
	atomic(&s);
	keep(&s, d, "atomic");
	kinds(&s);
	keep(&s, d, "kinds");
	counted(&s);
	keep(&s, d, "counted");

	snprintf(rec, sizeof(rec), "%s/record/race.rec", d);
	snprintf(path, sizeof(path), "%s/baseline/race.json", d);
	synth_audit(&o, "--replay", rec, "-o", path, NULL);
	synth_out_free(&o);
	snprintf(rec, sizeof(rec), "%s/record/kinds.rec", d);
	snprintf(path, sizeof(path), "%s/baseline/kinds.json", d);
	synth_audit(&o, "--replay", rec, "-o", path, NULL);
	synth_out_free(&o);

	write_file(d, "classes", "# the lab's accepted risks\n"
		   "check-then-act:wsm_tx_pending*\n"
		   "lost-update:work:sdio_rx_work\n"
		   "*:hw_bufs_used_vif[1]\n");
	write_file(d, "sites", "non-atomic-cross-context:wsm_release_tx_buffer+0x4a [bes2600_lab]\n"
		   "  drift : bes2600_bh_* \n\n# end\n");
	return 0;
}
