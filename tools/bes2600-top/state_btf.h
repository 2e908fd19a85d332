/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * bes2600-top state: what BTF says about a module's struct and functions.
 * A changed byte of the struct is named by its member path down to the
 * first kernel object that has its own rules (atomic_t, spinlock_t,
 * struct timer_list...) or to a plain member; a function is measured
 * through the argument that points to the struct, or to a struct the
 * struct embeds once (a lab_chip * inside bes2600_common).
 */
#ifndef __BES2600_STATE_BTF_H
#define __BES2600_STATE_BTF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct btf;

struct state_btf {
	struct btf *base;	/* vmlinux */
	struct btf *btf;	/* the module's, split on base (or base) */
	bool is_vmlinux;
};

/* How a member protects itself, from its declared type. */
enum state_kind {
	STATE_PLAIN,		/* an int, a pointer, a plain struct's bytes */
	STATE_ATOMIC,		/* atomic_t, atomic_long_t, refcount_t... */
	STATE_LOCKED_OBJ,	/* a lock, or an object its API locks */
	STATE_PADDING,		/* no member: a hole */
};

struct state_leaf {
	uint32_t off, size;	/* the named member's bytes */
	char type[64];		/* its declared type: "int", "atomic_t" */
	enum state_kind kind;
};

struct state_func {
	char name[128];
	int arg;		/* the argument pointing into the struct */
	int64_t offset;		/* struct = argument - offset */
	char via[64];		/* the argument's struct when not the struct */
};

/*
 * module: a name in /sys/kernel/btf, or "vmlinux"; file: BTF generated
 * for the module (pahole --btf_encode_detached), split on vmlinux's.
 * Returns 0, or -1 with a message in err.
 */
int state_btf_open(struct state_btf *sb, const char *module, const char *file,
		   char *err, size_t errlen);
void state_btf_close(struct state_btf *sb);
/* The struct's type id (the module's own first), or -1. */
int state_btf_struct(const struct state_btf *sb, const char *name);
int64_t state_btf_size(const struct state_btf *sb, int id);
/*
 * Names the member of struct id holding byte off: "hw_bufs_used.val",
 * "hw_bufs_used_vif[1].val", "wsm_caps.numInpChBufs".
 */
void state_btf_path(const struct state_btf *sb, int id, uint32_t off,
		    char *buf, size_t len, struct state_leaf *leaf);
/* The byte offset of the member named path ("a.b[2]"), or -1. */
int64_t state_btf_find(const struct state_btf *sb, int id, const char *path);
/*
 * The module's function name, measured through the struct: 0 and *f, or
 * -1 with a message in err (no such function, no such argument).
 */
int state_btf_func(const struct state_btf *sb, int id, const char *name,
		   struct state_func *f, char *err, size_t errlen);
/*
 * Every function of the module that takes the struct (or a struct it
 * embeds once) and whose name matches the glob, in BTF order: up to max.
 * Returns how many.
 */
int state_btf_funcs(const struct state_btf *sb, int id, const char *glob,
		    struct state_func *out, int max);

#endif /* __BES2600_STATE_BTF_H */
