// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Unit tests of the kallsyms reader and the context/site names.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "symbols.h"

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_kallsyms_with_modules(void **state)
{
	char path[] = "/tmp/bes2600-syms-XXXXXX", buf[128];
	struct symtab *t = symtab_new();
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	write_file(path,
		   "ffffffff81000000 T _stext\n"
		   "ffffffff81100000 T process_one_work\n"
		   "ffffffff81100400 t worker_thread\n"
		   "ffffffff82000000 D some_data\n"
		   "ffffffffc0a00100 t wsm_alloc_tx_buffer\t[bes2600_lab]\n"
		   "ffffffffc0a00200 t wsm_release_tx_buffer\t[bes2600_lab]\n"
		   "ffffffffc0a00800 t sdio_rx_work\t[bes2600_lab]\n"
		   "ffffffffc0a00a00 t bes2600_bh\t[bes2600_lab]\n");
	assert_int_equal(symtab_load_kallsyms(t, path), 7);
	assert_false(symtab_restricted(t));
	symtab_format(t, 0xffffffffc0a0024aULL, buf, sizeof(buf));
	assert_string_equal(buf, "wsm_release_tx_buffer+0x4a [bes2600_lab]");
	symtab_format(t, 0xffffffff81100010ULL, buf, sizeof(buf));
	assert_string_equal(buf, "process_one_work+0x10");
	symtab_name(t, 0xffffffffc0a00800ULL, buf, sizeof(buf));
	assert_string_equal(buf, "sdio_rx_work");
	/* Below every symbol: the address itself. */
	symtab_format(t, 0x1000, buf, sizeof(buf));
	assert_string_equal(buf, "0x1000");
	symtab_free(t);
	unlink(path);
}

static void test_kallsyms_restricted(void **state)
{
	char path[] = "/tmp/bes2600-syms-XXXXXX", buf[64];
	struct symtab *t = symtab_new();
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	write_file(path, "0000000000000000 T _stext\n"
			 "0000000000000000 t wsm_alloc_tx_buffer\t[bes2600_lab]\n");
	assert_int_equal(symtab_load_kallsyms(t, path), 0);
	assert_true(symtab_restricted(t));
	symtab_format(t, 0xffffffffc0a00122ULL, buf, sizeof(buf));
	assert_string_equal(buf, "0xffffffffc0a00122");
	symtab_free(t);
	unlink(path);
	t = symtab_new();
	assert_int_equal(symtab_load_kallsyms(t, "/nonexistent"), -1);
	symtab_free(t);
}

/* Symbols from a record carry their size: no bleeding into the next. */
/* A stop request ends the read: -1, EINTR, and nothing half-read kept. */
static void test_kallsyms_cancelled(void **state)
{
	char path[] = "/tmp/bes2600-syms-XXXXXX", buf[64];
	volatile sig_atomic_t flag = 0;
	struct symtab *t = symtab_new();
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	write_file(path, "ffffffff81000000 T _stext\n"
			 "ffffffffc0a00100 t wsm_alloc_tx_buffer\t[bes2600_lab]\n");
	symtab_set_cancel(t, &flag);
	assert_int_equal(symtab_load_kallsyms(t, path), 2);
	symtab_free(t);
	t = symtab_new();
	symtab_set_cancel(t, &flag);
	flag = 1;
	errno = 0;
	assert_int_equal(symtab_load_kallsyms(t, path), -1);
	assert_int_equal(errno, EINTR);
	symtab_format(t, 0xffffffffc0a00104ULL, buf, sizeof(buf));
	assert_string_equal(buf, "0xffffffffc0a00104");
	symtab_free(t);
	unlink(path);
}

static void test_record_symbols(void **state)
{
	struct symtab *t = symtab_new();
	char buf[128];

	(void)state;
	assert_int_equal(symtab_add(t, 0x1000, 0x80, "f", "m"), 0);
	assert_int_equal(symtab_add(t, 0x4000, 0x10, "g", NULL), 0);
	symtab_format(t, 0x1010, buf, sizeof(buf));
	assert_string_equal(buf, "f+0x10 [m]");
	symtab_format(t, 0x1090, buf, sizeof(buf));
	assert_string_equal(buf, "0x1090");
	symtab_format(t, 0x4004, buf, sizeof(buf));
	assert_string_equal(buf, "g+0x4");
	symtab_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kallsyms_with_modules),
		cmocka_unit_test(test_kallsyms_restricted),
		cmocka_unit_test(test_kallsyms_cancelled),
		cmocka_unit_test(test_record_symbols),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
