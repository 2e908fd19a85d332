/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The dashboard's full-screen view (ncurses): drawing and keys.
 */
#ifndef __BES2600_DASH_UI_H
#define __BES2600_DASH_UI_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "dash.h"

struct analysis;
struct symtab;

#define UI_MIN_COLS 80
#define UI_MIN_LINES 24
#define UI_MAX_FINDINGS 256

enum ui_sort { UI_SORT_RATE, UI_SORT_TOTAL, UI_SORT_COUNTER, UI_SORT_CONTEXT,
	       UI_SORT_NR };

/* What the view shows besides the model. */
struct ui_view {
	const char *state;	/* "attached", "waiting for the driver", ... */
	const char *driver, *variant, *kernel, *mode;
	int capacity;		/* numInpChBufs, 0 unknown */
	char message[160];	/* last action, e.g. the flight record's name */
	bool paused, help, focus;
	enum ui_sort sort;
	char filter[48];
	/* wall-clock second each finding (by index) first showed */
	double seen_at[UI_MAX_FINDINGS];
	double now_s;		/* since the session started: the uptime */
};

enum ui_key {
	UI_KEY_NONE, UI_KEY_QUIT, UI_KEY_PAUSE, UI_KEY_RESET, UI_KEY_HELP,
	UI_KEY_SORT_NEXT, UI_KEY_SORT_PREV, UI_KEY_FILTER, UI_KEY_FOCUS,
	UI_KEY_DETACH, UI_KEY_WRITE, UI_KEY_RESIZE, UI_KEY_OTHER,
};

/* Starts curses; the terminal is restored by ui_end(), at exit and on a
 * fatal signal. */
int ui_start(void);
void ui_end(void);
/* Waits up to timeout_ms for a key. */
enum ui_key ui_key(int timeout_ms);
/* Reads a filter string on the bottom line, until Enter, Escape or *stop. */
void ui_read_filter(struct ui_view *v, const volatile sig_atomic_t *stop);
void ui_draw(const struct dash *d, const struct analysis *a,
	     struct symtab *syms, const struct ui_view *v);

#endif /* __BES2600_DASH_UI_H */
