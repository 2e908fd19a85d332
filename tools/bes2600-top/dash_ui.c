// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The dashboard's full-screen view.  Everything is drawn from the model
 * (dash.c) and the analysis once per refresh; nothing here computes.
 */
#include <curses.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis.h"
#include "dash_ui.h"
#include "names.h"

static bool ui_on;

void ui_end(void)
{
	if (!ui_on)
		return;
	ui_on = false;
	endwin();
}

/* A crash must not leave the ssh terminal in raw mode. */
static void fatal_signal(int sig)
{
	ui_end();
	signal(sig, SIG_DFL);
	raise(sig);
}

int ui_start(void)
{
	if (!initscr())
		return -1;
	ui_on = true;
	atexit(ui_end);
	signal(SIGSEGV, fatal_signal);
	signal(SIGBUS, fatal_signal);
	signal(SIGABRT, fatal_signal);
	signal(SIGFPE, fatal_signal);
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	curs_set(0);
	if (has_colors()) {
		start_color();
		use_default_colors();
		init_pair(1, COLOR_RED, -1);
		init_pair(2, COLOR_YELLOW, -1);
		init_pair(3, COLOR_CYAN, -1);
	}
	return 0;
}

enum ui_key ui_key(int timeout_ms)
{
	int c;

	timeout(timeout_ms);
	c = getch();
	switch (c) {
	case ERR:
		return UI_KEY_NONE;
	case 'q': case 'Q':
		return UI_KEY_QUIT;
	case 'p': case ' ':
		return UI_KEY_PAUSE;
	case 'r':
		return UI_KEY_RESET;
	case '?': case 'h':
		return UI_KEY_HELP;
	case 's': case '>':
		return UI_KEY_SORT_NEXT;
	case '<':
		return UI_KEY_SORT_PREV;
	case '/':
		return UI_KEY_FILTER;
	case 'f':
		return UI_KEY_FOCUS;
	case 'd':
		return UI_KEY_DETACH;
	case 'w':
		return UI_KEY_WRITE;
	case KEY_RESIZE:
		return UI_KEY_RESIZE;
	default:
		return UI_KEY_OTHER;
	}
}

/*
 * The line is read a key at a time with a timeout, not with getnstr(): a
 * blocking read is restarted after a signal (SA_RESTART), and a dropped
 * session must end the dashboard even in the middle of the prompt.
 */
void ui_read_filter(struct ui_view *v, const volatile sig_atomic_t *stop)
{
	static const char prompt[] = "filter (counter or context, empty: none): ";
	char buf[sizeof(v->filter)] = "";
	size_t n = 0;
	int c;

	move(LINES - 1, 0);
	clrtoeol();
	addstr(prompt);
	curs_set(1);
	timeout(100);
	while (!*stop) {
		c = getch();
		if (c == ERR)
			continue;
		if (c == '\n' || c == '\r' || c == KEY_ENTER)
			break;
		if (c == 27) {		/* Escape: the filter stays as it was */
			snprintf(buf, sizeof(buf), "%s", v->filter);
			break;
		}
		if ((c == KEY_BACKSPACE || c == 127 || c == 8) && n) {
			buf[--n] = '\0';
		} else if (c >= 32 && c < 127 && n + 1 < sizeof(buf)) {
			buf[n++] = (char)c;
			buf[n] = '\0';
		} else {
			continue;
		}
		move(LINES - 1, sizeof(prompt) - 1);
		clrtoeol();
		addstr(buf);
		refresh();
	}
	curs_set(0);
	if (!*stop)
		snprintf(v->filter, sizeof(v->filter), "%s", buf);
}

static const char *const sort_names[UI_SORT_NR] = {
	"rate", "total", "counter", "context",
};

static int cmp_rate(const void *x, const void *y)
{
	const struct dash_writer *a = x, *b = y;

	return a->per_s < b->per_s ? 1 : a->per_s > b->per_s ? -1 :
	       strcmp(a->counter, b->counter);
}

static int cmp_total(const void *x, const void *y)
{
	const struct dash_writer *a = x, *b = y;

	return a->count < b->count ? 1 : a->count > b->count ? -1 :
	       strcmp(a->counter, b->counter);
}

static int cmp_counter(const void *x, const void *y)
{
	const struct dash_writer *a = x, *b = y;
	int c = strcmp(a->counter, b->counter);

	return c ? c : strcmp(a->context, b->context);
}

static int cmp_context(const void *x, const void *y)
{
	const struct dash_writer *a = x, *b = y;
	int c = strcmp(a->context, b->context);

	return c ? c : strcmp(a->counter, b->counter);
}

static bool matches(const struct ui_view *v, const char *counter,
		    const char *context)
{
	return !v->filter[0] || strstr(counter, v->filter) ||
	       (context && strstr(context, v->filter));
}

/* One screen line, cut at the right edge instead of wrapping. */
static void line(int y, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	mvaddnstr(y, 0, buf, COLS);
}

static void title(int y, const char *s)
{
	attron(A_BOLD);
	mvaddstr(y, 0, s);
	attroff(A_BOLD);
}

static int draw_counters(int y, const struct dash *d, const struct ui_view *v)
{
	char name[32], val[24], spark[DASH_SPARK + 1];
	int i, sw = COLS - 56;

	/* A minute of samples where the terminal is wide enough. */
	if (sw > DASH_SPARK)
		sw = DASH_SPARK;
	if (sw < 10)
		sw = 10;
	line(y, "COUNTER               VALUE    MIN    MAX   WRITES/S  LAST %d INTERVALS", sw);
	title(y++, "COUNTER");
	for (i = 0; i < d->ninst && y < LINES - 2; i++) {
		const struct dash_inst *in = &d->inst[i];
		int32_t hi = v->capacity > 0 ? v->capacity : 16;

		counter_name(name, sizeof(name), in->counter, in->idx);
		if (!matches(v, name, NULL))
			continue;
		if (in->counter == BES2600_HW_BUFS_USED && v->capacity > 0)
			snprintf(val, sizeof(val), "%d/%d", in->value,
				 v->capacity);
		else
			snprintf(val, sizeof(val), "%d", in->value);
		dash_sparkline(in->spark, in->nspark, sw, 0, hi, spark);
		if (in->value < 0)
			attron(COLOR_PAIR(1) | A_BOLD);
		line(y++, "%-20s %6s %6d %6d %10.0f  %s", name, val,
			 in->imin, in->imax, in->per_s, spark);
		if (in->value < 0)
			attroff(COLOR_PAIR(1) | A_BOLD);
	}
	return y;
}

static int draw_writers(int y, int rows, const struct dash *d,
			const struct ui_view *v)
{
	static int (*const cmp[UI_SORT_NR])(const void *, const void *) = {
		cmp_rate, cmp_total, cmp_counter, cmp_context,
	};
	struct dash_writer w[DASH_MAX_WRITERS];
	int i, shown = 0;

	memcpy(w, d->writers, d->nwriters * sizeof(w[0]));
	qsort(w, d->nwriters, sizeof(w[0]), cmp[v->sort]);
	line(y, "WRITERS (sort: %s%s%s)", sort_names[v->sort],
	     v->filter[0] ? ", filter: " : "", v->filter);
	title(y++, "WRITERS");
	attron(A_UNDERLINE);
	line(y++, "%-19s %-20s %-26s %-6s %5s", "COUNTER", "CONTEXT",
	     "CALL SITE", "KIND", "/S");
	attroff(A_UNDERLINE);
	for (i = 0; i < d->nwriters && shown < rows; i++) {
		char site[sizeof(w[i].site)];

		if (!matches(v, w[i].counter, w[i].context))
			continue;
		/* The module is the same on every row: left out here. */
		snprintf(site, sizeof(site), "%s", w[i].site);
		site[strcspn(site, " ")] = '\0';
		line(y++, "%-19.19s %-20.20s %-26.26s %-6s %5.0f",
			 w[i].counter, w[i].context, site,
			 w[i].atomic ? "atomic" : "plain", w[i].per_s);
		shown++;
	}
	return y;
}

static int draw_findings(int y, int rows, const struct analysis *a,
			 struct symtab *syms, const struct ui_view *v)
{
	char inst[32], ca[48], cb[48];
	size_t i, n = a ? a->findings.n : 0;
	int shown = 0;

	line(y, "FINDINGS (%zu, newest first)", n);
	title(y++, "FINDINGS");
	if (!n && rows > 0)
		mvaddstr(y++, 2, "none");
	for (i = n; i-- > 0 && shown < rows;) {
		const struct finding *f = &a->findings.v[i];
		bool err = finding_class_is_error(f->cls);
		bool fresh = i < UI_MAX_FINDINGS && v->seen_at[i] > 0 &&
			     v->now_s - v->seen_at[i] < 5;

		instance_name(inst, sizeof(inst), a->inst[f->inst]);
		ca[0] = cb[0] = '\0';
		if (f->a.valid)
			ctx_name(ca, sizeof(ca), a, f->a.ctx, syms);
		if (f->b.valid)
			ctx_name(cb, sizeof(cb), a, f->b.ctx, syms);
		if (!matches(v, inst, ca) && !matches(v, inst, cb))
			continue;
		attron(COLOR_PAIR(err ? 1 : 2) | (fresh ? A_REVERSE : 0));
		line(y++, "%7.1fs %-4s %-24s %-19s x%-6llu %s%s%s",
		     (f->first_ts - a->first_ts) / 1e9,
		     err ? "BUG" : "WARN", finding_class_name(f->cls), inst,
		     (unsigned long long)f->count, ca, cb[0] ? " / " : "", cb);
		attroff(COLOR_PAIR(err ? 1 : 2) | (fresh ? A_REVERSE : 0));
		shown++;
	}
	return y;
}

static void draw_help(void)
{
	static const char *const lines[] = {
		"bes2600-top: keys",
		"",
		"  q          quit",
		"  p, space   pause the display (events are still counted)",
		"  r          reset counters, writers and findings",
		"  s, >, <    sort the writers (rate, total, counter, context)",
		"  /          filter by counter or context (empty: all)",
		"  f          findings on the whole screen, and back",
		"  w          write the flight recorder's last seconds now",
		"  d          detach (and re-attach on the next load)",
		"  ?, h       this help",
		"",
		"While attached, the BPF programs hold the driver module:",
		"rmmod fails with EBUSY.  Press d (or send SIGUSR2) first;",
		"bes2600-top re-attaches when the module is loaded again.",
		"",
		"Any key returns.",
	};
	size_t i;

	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		mvaddstr(3 + i, 4, lines[i]);
}

void ui_draw(const struct dash *d, const struct analysis *a,
	     struct symtab *syms, const struct ui_view *v)
{
	char behind[48];
	int y, left;

	erase();
	if (COLS < UI_MIN_COLS || LINES < UI_MIN_LINES) {
		mvprintw(0, 0, "bes2600-top needs %dx%d, the terminal is %dx%d:",
			 UI_MIN_COLS, UI_MIN_LINES, COLS, LINES);
		mvaddstr(1, 0, "enlarge it, or use -b for batch mode.");
		refresh();
		return;
	}
	attron(A_REVERSE);
	line(0, "%-*s", COLS, "");
	/* The backlog: records the findings have not read yet (counts have). */
	snprintf(behind, sizeof(behind), "  %llu records behind",
		 (unsigned long long)d->backlog);
	line(0, " %s %s  %s  %s  up %.0fs  %.0f ev/s  %llu drops%s",
	     v->driver ? v->driver : "bes2600-top", v->variant ? v->variant : "",
	     v->kernel, v->mode ? v->mode : "-", v->now_s,
	     d->events_per_s, (unsigned long long)d->drops,
	     d->backlog ? behind : "");
	attroff(A_REVERSE);
	line(1, "%s%s%s%s", v->paused ? "[PAUSED] " : "", v->state,
	     v->message[0] ? "  |  " : "", v->message);
	if (v->help) {
		draw_help();
		refresh();
		return;
	}
	y = 3;
	if (v->focus) {
		draw_findings(y, LINES - y - 2, a, syms, v);
	} else {
		y = draw_counters(y, d, v) + 1;
		left = LINES - y - 2;
		/* Writers get what the rx lines and two findings leave. */
		y = draw_writers(y, left - 8 > 2 ? left - 8 : 2, d, v) + 1;
		line(y, "SDIO_RX_WORK %.1f runs/s  %.2f pkts/run  %.1f disp/1000 rx  %llu BH re-disp",
		     d->rx.runs_per_s, d->rx.packets_per_run,
		     d->rx.dispatches_per_1000,
		     (unsigned long long)d->rx.redispatches);
		title(y++, "SDIO_RX_WORK");
		line(y++, "             queue->start p50 %.0f p99 %.0f us   run p50 %.0f p99 %.0f us",
		     d->rx.q2s_p50_us, d->rx.q2s_p99_us,
		     d->rx.run_p50_us, d->rx.run_p99_us);
		y++;
		draw_findings(y, LINES - y - 2, a, syms, v);
	}
	attron(A_REVERSE);
	line(LINES - 1, "%-*s", COLS, "");
	line(LINES - 1, " q quit  p pause  r reset  s sort  / filter  f find  w write  d detach  ? help");
	attroff(A_REVERSE);
	refresh();
}
