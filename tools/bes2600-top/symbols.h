/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Kernel symbols for call sites, work functions and stacks: read from
 * /proc/kallsyms (module symbols included: "name [module]" lines) or any
 * file in that format, or added one by one from a record file's symbol
 * chunk, so a replay on another machine needs no kallsyms.
 */
#ifndef __BES2600_SYMBOLS_H
#define __BES2600_SYMBOLS_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sym {
	uint64_t addr;
	uint64_t size;		/* 0: up to the next symbol */
	const char *name;
	const char *module;	/* NULL for vmlinux */
};

struct symtab;

struct symtab *symtab_new(void);
void symtab_free(struct symtab *t);
/*
 * Loads text symbols from a kallsyms-format file.  Returns the number of
 * symbols added, or -1 with errno set.  When every address reads as 0
 * (kptr_restrict, not root), nothing is added and symtab_restricted()
 * says so.
 */
long symtab_load_kallsyms(struct symtab *t, const char *path);
/*
 * Loading stops early, -1 with EINTR, once *flag is set: a read of
 * /proc/kallsyms takes a second under load, and a stopping tool need not
 * wait for it.
 */
void symtab_set_cancel(struct symtab *t, const volatile sig_atomic_t *flag);
bool symtab_restricted(const struct symtab *t);
/*
 * A stamp of the loaded modules (a CRC of /proc/modules, 0 when it cannot
 * be read): when it changes, a table read from /proc/kallsyms before is
 * stale, and names addresses of the new modules after the old ones'.
 */
uint32_t symtab_modules_stamp(void);
int symtab_add(struct symtab *t, uint64_t addr, uint64_t size,
	       const char *name, const char *module);
size_t symtab_count(const struct symtab *t);
/* The symbol holding addr, or NULL. */
const struct sym *symtab_lookup(struct symtab *t, uint64_t addr);
/* Bytes the symbol covers (its size, or up to the next symbol). */
uint64_t symtab_size(struct symtab *t, const struct sym *s);
/* "func+0x1c [module]", or "0xffff..." when unknown. */
void symtab_format(struct symtab *t, uint64_t addr, char *buf, size_t len);
/* "func" for an address at a symbol's start, else as symtab_format(). */
void symtab_name(struct symtab *t, uint64_t addr, char *buf, size_t len);

#endif /* __BES2600_SYMBOLS_H */
