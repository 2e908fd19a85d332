// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Unit tests of the decision, before load, of what a driver's bes2600
 * events are (driver_events.c), on made-up /proc/kallsyms, /proc/modules
 * and tracefs format files: partial adoption, earlier field sets, names
 * out of place, several modules.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "driver_events.h"

struct fixture {
	char dir[64], kallsyms[96], modules[96], tracefs[96], btf[96];
};

static const char *const ctr_fields[] = {
	"void * hw", "int idx", "int op", "int delta", "int old", "int new",
	"u8 atomic", "unsigned long caller", "int capacity",
};

static void setup(struct fixture *x)
{
	snprintf(x->dir, sizeof(x->dir), "/tmp/events-test.XXXXXX");
	assert_non_null(mkdtemp(x->dir));
	snprintf(x->kallsyms, sizeof(x->kallsyms), "%s/kallsyms", x->dir);
	snprintf(x->modules, sizeof(x->modules), "%s/modules", x->dir);
	snprintf(x->tracefs, sizeof(x->tracefs), "%s/events", x->dir);
	/* No BTF: the format files decide, as on Debian's 6.1. */
	snprintf(x->btf, sizeof(x->btf), "%s/nobtf", x->dir);
	assert_int_equal(mkdir(x->tracefs, 0755), 0);
}

static void cleanup(struct fixture *x)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", x->dir);
	assert_int_equal(system(cmd), 0);
}

static void put(const char *path, const char *text, const char *mode)
{
	FILE *f = fopen(path, mode);

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* module defines event, in kallsyms. */
static void define(struct fixture *x, const char *module, const char *event)
{
	char line[256];

	snprintf(line, sizeof(line), "ffffffffc0a01000 D __tracepoint_%s\t[%s]\n",
		 event, module);
	put(x->kallsyms, line, "a");
}

/* The format file of event with the given fields (type and name each). */
static void format(struct fixture *x, const char *event,
		   const char *const *fields, int n)
{
	char path[256], line[256];
	int i, off = 8;

	snprintf(path, sizeof(path), "%s/%s", x->tracefs, event);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%s/format", x->tracefs, event);
	put(path, "name: x\nID: 1\nformat:\n\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n", "w");
	for (i = 0; i < n; i++, off += 8) {
		snprintf(line, sizeof(line), "\tfield:%s;\toffset:%d;\tsize:8;\tsigned:0;\n",
			 fields[i], off);
		put(path, line, "a");
	}
	put(path, "\nprint fmt: \"hw=%p\"\n", "a");
}

static int probe(struct fixture *x, struct driver_events *d, const char *want,
		 char *err, size_t len)
{
	struct drv_paths p = { x->kallsyms, x->modules, x->tracefs, x->btf, NULL };

	return driver_events_probe(d, want, &p, err, len);
}

static void counters(struct fixture *x, const char *module, int nfields)
{
	define(x, module, "hw_bufs_used");
	define(x, module, "hw_bufs_used_vif");
	define(x, module, "wsm_tx_pending");
	format(x, "hw_bufs_used", ctr_fields, nfields);
	format(x, "hw_bufs_used_vif", ctr_fields, nfields);
	format(x, "wsm_tx_pending", ctr_fields, nfields);
}

static void test_first_version(void **state)
{
	static const char *const timer4[] = {
		"void * hw", "int idx", "int count", "int action",
	};
	struct driver_events d;
	struct fixture x;
	char err[256];

	(void)state;
	setup(&x);
	put(x.modules, "vendor 100 0 - Live 0x0\n", "w");
	counters(&x, "vendor", 8);
	define(&x, "vendor", "pending_count_timer");
	format(&x, "pending_count_timer", timer4, 4);
	assert_int_equal(probe(&x, &d, NULL, err, sizeof(err)), 0);
	assert_string_equal(d.driver, "vendor");
	assert_false(d.tp_btf);
	assert_true(d.ev[DRV_HW_BUFS_USED].attach);
	assert_int_equal(d.ev[DRV_HW_BUFS_USED].fields, 8);
	assert_false(driver_events_has_capacity(&d));
	assert_true(d.ev[DRV_PENDING_TIMER].attach);
	assert_false(driver_events_has_now(&d));
	assert_non_null(strstr(d.ev[DRV_PENDING_TIMER].note, "no now field"));
	assert_false(d.ev[DRV_RX_WORK_END].present);
	assert_non_null(strstr(d.ev[DRV_RX_WORK_END].note, "absent"));
	cleanup(&x);
}

/* A stop request ends the probe's read of kallsyms: -1, no driver. */
static void test_probe_cancelled(void **state)
{
	volatile sig_atomic_t flag = 1;
	struct driver_events d;
	struct fixture x;
	struct drv_paths p;
	char err[256] = "";

	(void)state;
	setup(&x);
	put(x.modules, "vendor 100 0 - Live 0x0\n", "w");
	counters(&x, "vendor", 8);
	p = (struct drv_paths){ x.kallsyms, x.modules, x.tracefs, x.btf, &flag };
	assert_int_equal(driver_events_probe(&d, NULL, &p, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "Interrupted"));
	flag = 0;
	assert_int_equal(driver_events_probe(&d, NULL, &p, err, sizeof(err)), 0);
	assert_string_equal(d.driver, "vendor");
	cleanup(&x);
}

static void test_bad_fields_left_out(void **state)
{
	static const char *const renamed[] = {
		"void * hw", "int index", "int count", "int action",
	};
	struct driver_events d;
	struct fixture x;
	char err[256];

	(void)state;
	setup(&x);
	put(x.modules, "vendor 100 0 - Live 0x0\n", "w");
	counters(&x, "vendor", 9);
	define(&x, "vendor", "pending_count_timer");
	format(&x, "pending_count_timer", renamed, 4);
	define(&x, "vendor", "sdio_rx_work_end");
	format(&x, "sdio_rx_work_end", ctr_fields, 3);
	assert_int_equal(probe(&x, &d, NULL, err, sizeof(err)), 0);
	assert_true(driver_events_has_capacity(&d));
	assert_false(d.ev[DRV_PENDING_TIMER].attach);
	assert_non_null(strstr(d.ev[DRV_PENDING_TIMER].note,
			       "field 2 is \"index\", the ABI's is \"idx\""));
	assert_false(d.ev[DRV_RX_WORK_END].attach);
	cleanup(&x);
}

static void test_no_usable_counter(void **state)
{
	struct driver_events d;
	struct fixture x;
	char err[256];

	(void)state;
	setup(&x);
	put(x.modules, "vendor 100 0 - Live 0x0\n", "w");
	/* No module at all: the dashboard waits on 1. */
	put(x.kallsyms, "ffffffff81000000 T _stext\n", "w");
	assert_int_equal(probe(&x, &d, NULL, err, sizeof(err)), 1);
	assert_non_null(strstr(err, "no bes2600 driver loaded"));
	counters(&x, "vendor", 6);
	assert_int_equal(probe(&x, &d, NULL, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "vendor has no usable bes2600 counter event"));
	assert_non_null(strstr(err, "6 fields, the ABI's first 8 are needed"));
	cleanup(&x);
}

static void test_two_modules(void **state)
{
	struct driver_events d;
	struct fixture x;
	char err[256];

	(void)state;
	setup(&x);
	/* /proc/modules lists the newest first. */
	put(x.modules, "newer 100 0 - Live 0x0\nolder 100 0 - Live 0x0\n", "w");
	counters(&x, "older", 8);
	define(&x, "older", "sdio_rx_work_start");
	define(&x, "newer", "hw_bufs_used");
	assert_int_equal(probe(&x, &d, NULL, err, sizeof(err)), 0);
	assert_string_equal(d.driver, "newer");
	assert_int_equal(d.nmodules, 2);
	assert_true(d.ev[DRV_HW_BUFS_USED].attach);
	assert_true(d.ev[DRV_HW_BUFS_USED].shared);
	/* The older one's format file may be what tracefs shows. */
	assert_int_equal(d.ev[DRV_HW_BUFS_USED].fields, -1);
	assert_false(d.ev[DRV_HW_BUFS_USED_VIF].present);
	/* --driver older: its vif and pending events are its own. */
	assert_int_equal(probe(&x, &d, "older", err, sizeof(err)), 0);
	assert_false(d.ev[DRV_HW_BUFS_USED].attach);
	assert_non_null(strstr(d.ev[DRV_HW_BUFS_USED].note,
			       "newer, loaded later, defines it too"));
	assert_true(d.ev[DRV_HW_BUFS_USED_VIF].attach);
	assert_true(d.ev[DRV_RX_WORK_START].attach);
	assert_int_equal(probe(&x, &d, "nosuch", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "--driver nosuch"));
	cleanup(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_version),
		cmocka_unit_test(test_probe_cancelled),
		cmocka_unit_test(test_bad_fields_left_out),
		cmocka_unit_test(test_no_usable_counter),
		cmocka_unit_test(test_two_modules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
