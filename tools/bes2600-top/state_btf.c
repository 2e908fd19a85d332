// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * bes2600-top state: member paths, declared types and measurable
 * functions from BTF (libbpf's parser: vmlinux's, then the module's split
 * on it).
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

#include <bpf/btf.h>

#include "state_btf.h"

int state_btf_open(struct state_btf *sb, const char *module, const char *file,
		   char *err, size_t errlen)
{
	char path[256];

	memset(sb, 0, sizeof(*sb));
	sb->base = btf__load_vmlinux_btf();
	if (!sb->base) {
		snprintf(err, errlen, "cannot read the kernel's BTF "
			 "(/sys/kernel/btf/vmlinux): %s", strerror(errno));
		return -1;
	}
	if (!file && !strcmp(module, "vmlinux")) {
		sb->btf = sb->base;
		sb->is_vmlinux = true;
		return 0;
	}
	if (!file) {
		snprintf(path, sizeof(path), "/sys/kernel/btf/%s", module);
		file = path;
	}
	sb->btf = btf__parse_split(file, sb->base);
	if (!sb->btf) {
		int e = errno;

		if (file == path)
			snprintf(err, errlen, "module %s has no BTF in this kernel "
				 "(%s: %s): load it, or generate its BTF with "
				 "'pahole --btf_encode_detached=FILE --btf_base "
				 "/sys/kernel/btf/vmlinux MODULE.ko' and pass "
				 "--btf FILE", module, path, strerror(e));
		else
			snprintf(err, errlen, "%s: not BTF split on this kernel's "
				 "(%s)", file, strerror(e));
		btf__free(sb->base);
		sb->base = NULL;
		return -1;
	}
	return 0;
}

void state_btf_close(struct state_btf *sb)
{
	if (sb->btf && sb->btf != sb->base)
		btf__free(sb->btf);
	btf__free(sb->base);
	memset(sb, 0, sizeof(*sb));
}

/* The module's own types: ids after vmlinux's (all of them for vmlinux). */
static __u32 first_own_id(const struct state_btf *sb)
{
	return sb->is_vmlinux ? 1 : btf__type_cnt(sb->base);
}

int state_btf_struct(const struct state_btf *sb, const char *name)
{
	__u32 id, n = btf__type_cnt(sb->btf);
	const struct btf_type *t;

	for (id = first_own_id(sb); id < n; id++) {
		t = btf__type_by_id(sb->btf, id);
		if (btf_is_struct(t) && t->size &&
		    !strcmp(btf__name_by_offset(sb->btf, t->name_off), name))
			return id;
	}
	id = btf__find_by_name_kind(sb->btf, name, BTF_KIND_STRUCT);
	return (int)id > 0 ? (int)id : -1;
}

int64_t state_btf_size(const struct state_btf *sb, int id)
{
	return btf__resolve_size(sb->btf, id);
}

static const char *name_of(const struct btf *btf, const struct btf_type *t)
{
	return btf__name_by_offset(btf, t->name_off);
}

/* Kernel types with their own rules, by the name the source uses. */
static const struct {
	const char *name;
	enum state_kind kind;
} known[] = {
	{ "atomic_t", STATE_ATOMIC }, { "atomic64_t", STATE_ATOMIC },
	{ "atomic_long_t", STATE_ATOMIC }, { "refcount_t", STATE_ATOMIC },
	{ "struct kref", STATE_ATOMIC },
	{ "spinlock_t", STATE_LOCKED_OBJ }, { "raw_spinlock_t", STATE_LOCKED_OBJ },
	{ "rwlock_t", STATE_LOCKED_OBJ }, { "seqcount_t", STATE_LOCKED_OBJ },
	{ "struct mutex", STATE_LOCKED_OBJ },
	{ "struct rw_semaphore", STATE_LOCKED_OBJ },
	{ "struct semaphore", STATE_LOCKED_OBJ },
	{ "wait_queue_head_t", STATE_LOCKED_OBJ },
	{ "struct wait_queue_head", STATE_LOCKED_OBJ },
	{ "struct completion", STATE_LOCKED_OBJ },
	{ "struct timer_list", STATE_LOCKED_OBJ },
	{ "struct hrtimer", STATE_LOCKED_OBJ },
	{ "struct work_struct", STATE_LOCKED_OBJ },
	{ "struct delayed_work", STATE_LOCKED_OBJ },
	{ "struct kthread_work", STATE_LOCKED_OBJ },
	{ "struct tasklet_struct", STATE_LOCKED_OBJ },
	{ "struct irq_work", STATE_LOCKED_OBJ },
	{ "struct sk_buff_head", STATE_LOCKED_OBJ },
};

static void type_name(const struct btf *btf, __u32 id, char *buf, size_t len)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	char inner[48];

	if (!id || !t) {
		snprintf(buf, len, "void");
		return;
	}
	switch (btf_kind(t)) {
	case BTF_KIND_CONST:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
		type_name(btf, t->type, buf, len);
		return;
	case BTF_KIND_PTR:
		type_name(btf, t->type, inner, sizeof(inner));
		snprintf(buf, len, "%s *", inner);
		return;
	case BTF_KIND_ARRAY:
		type_name(btf, btf_array(t)->type, inner, sizeof(inner));
		snprintf(buf, len, "%s[%u]", inner, btf_array(t)->nelems);
		return;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		snprintf(buf, len, "%s %s", btf_is_struct(t) ? "struct" : "union",
			 *name_of(btf, t) ? name_of(btf, t) : "(anonymous)");
		return;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		snprintf(buf, len, "enum %s", name_of(btf, t));
		return;
	case BTF_KIND_FUNC_PROTO:
		snprintf(buf, len, "function");
		return;
	default:
		snprintf(buf, len, "%s", name_of(btf, t));
	}
}

/* A typedef or struct with its own rules, or -1. */
static int known_kind(const struct btf *btf, __u32 id)
{
	char name[64];
	size_t i;

	type_name(btf, id, name, sizeof(name));
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (!strcmp(known[i].name, name))
			return known[i].kind;
	return -1;
}

static __u32 skip_mods(const struct btf *btf, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	while (t && (btf_is_mod(t) || btf_is_typedef(t) ||
		     btf_kind(t) == BTF_KIND_TYPE_TAG)) {
		id = t->type;
		t = btf__type_by_id(btf, id);
	}
	return id;
}

static void append(char *buf, size_t len, size_t *pos, const char *fmt,
		   const char *s, unsigned long n)
{
	int w;

	if (*pos >= len)
		return;
	w = s ? snprintf(buf + *pos, len - *pos, fmt, s) :
		snprintf(buf + *pos, len - *pos, fmt, n);
	if (w > 0)
		*pos += (size_t)w;
}

void state_btf_path(const struct state_btf *sb, int root, uint32_t off,
		    char *buf, size_t len, struct state_leaf *leaf)
{
	const struct btf *btf = sb->btf;
	__u32 id = root, base = 0;
	size_t pos = 0;
	int depth, k;

	buf[0] = '\0';
	memset(leaf, 0, sizeof(*leaf));
	for (depth = 0; depth < 32; depth++) {
		const struct btf_type *t;

		k = depth ? known_kind(btf, id) : -1;
		if (k >= 0) {
			leaf->kind = k;
			break;
		}
		id = skip_mods(btf, id);
		t = btf__type_by_id(btf, id);
		if (!t)
			break;
		if (btf_is_composite(t)) {
			const struct btf_member *m = btf_members(t), *hit = NULL;
			__u32 moff = 0, msize = 0;
			int i;

			for (i = 0; i < btf_vlen(t); i++, m++) {
				__u32 bits = btf_member_bit_offset(t, i);
				__u32 bsz = btf_member_bitfield_size(t, i);
				__u32 o = bits / 8;
				__u32 s = bsz ? (bits % 8 + bsz + 7) / 8 :
					(__u32)btf__resolve_size(btf, m->type);

				if (off >= o && off < o + s) {
					hit = m;
					moff = o;
					msize = s;
					break;
				}
			}
			if (!hit) {
				append(buf, len, &pos, pos ? ".(padding+%lu)" :
				       "(padding+%lu)", NULL, off);
				leaf->kind = STATE_PADDING;
				leaf->off = base + off;
				leaf->size = 1;
				snprintf(leaf->type, sizeof(leaf->type), "padding");
				return;
			}
			/* An anonymous struct or union adds no name. */
			if (*btf__name_by_offset(btf, hit->name_off))
				append(buf, len, &pos, pos ? ".%s" : "%s",
				       btf__name_by_offset(btf, hit->name_off), 0);
			base += moff;
			off -= moff;
			id = hit->type;
			if (btf_member_bitfield_size(t, hit - btf_members(t))) {
				leaf->off = base;
				leaf->size = msize;
				leaf->kind = STATE_PLAIN;
				type_name(btf, id, leaf->type, sizeof(leaf->type));
				strncat(leaf->type, " (bit field)",
					sizeof(leaf->type) - strlen(leaf->type) - 1);
				return;
			}
			continue;
		}
		if (btf_is_array(t)) {
			const struct btf_array *a = btf_array(t);
			__s64 esz = btf__resolve_size(btf, a->type);
			__u32 idx;

			if (esz <= 0)
				break;
			idx = off / esz;
			append(buf, len, &pos, "[%lu]", NULL, idx);
			base += idx * esz;
			off -= idx * esz;
			id = a->type;
			continue;
		}
		leaf->kind = STATE_PLAIN;
		break;
	}
	leaf->off = base;
	leaf->size = (uint32_t)btf__resolve_size(btf, id);
	type_name(btf, id, leaf->type, sizeof(leaf->type));
}

int64_t state_btf_find(const struct state_btf *sb, int id, const char *path)
{
	int64_t size = state_btf_size(sb, id), off;
	struct state_leaf leaf;
	char buf[160];

	/* Each member's first byte names it: walk the struct by members. */
	for (off = 0; off < size; off = leaf.off + (leaf.size ? leaf.size : 1)) {
		state_btf_path(sb, id, (uint32_t)off, buf, sizeof(buf), &leaf);
		if (leaf.off < off)
			leaf.off = (uint32_t)off;
		if (!strcmp(buf, path))
			return off;
	}
	return -1;
}

/* The struct's name, for comparing a parameter's pointee with it. */
static const char *struct_name(const struct btf *btf, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(btf, skip_mods(btf, id));

	return t && btf_is_struct(t) ? name_of(btf, t) : NULL;
}

/*
 * How a parameter reaches the struct: offset 0 for a pointer to it, the
 * member's offset for a pointer to a struct it embeds exactly once.
 */
static bool param_reaches(const struct btf *btf, int root, __u32 ptype,
			  int64_t *offset, char *via, size_t vialen)
{
	const struct btf_type *t = btf__type_by_id(btf, skip_mods(btf, ptype));
	const struct btf_type *r = btf__type_by_id(btf, root);
	const char *want = name_of(btf, r), *got;
	const struct btf_member *m;
	int i, found = 0;

	if (!t || !btf_is_ptr(t))
		return false;
	got = struct_name(btf, t->type);
	if (!got || !*got)
		return false;
	if (!strcmp(got, want)) {
		*offset = 0;
		via[0] = '\0';
		return true;
	}
	m = btf_members(r);
	for (i = 0; i < btf_vlen(r); i++, m++) {
		const char *mn = struct_name(btf, m->type);

		if (mn && !strcmp(mn, got)) {
			found++;
			*offset = btf_member_bit_offset(r, i) / 8;
		}
	}
	if (found != 1)
		return false;
	snprintf(via, vialen, "struct %s *", got);
	return true;
}

static bool func_matches(const struct btf *btf, int root,
			 const struct btf_type *fn, struct state_func *f)
{
	const struct btf_type *proto = btf__type_by_id(btf, fn->type);
	const struct btf_param *p;
	int i;

	if (!proto || !btf_is_func_proto(proto))
		return false;
	p = btf_params(proto);
	/* kprobes read the first five arguments from registers. */
	for (i = 0; i < btf_vlen(proto) && i < 5; i++, p++)
		if (param_reaches(btf, root, p->type, &f->offset, f->via,
				  sizeof(f->via))) {
			f->arg = i;
			snprintf(f->name, sizeof(f->name), "%s", name_of(btf, fn));
			return true;
		}
	return false;
}

int state_btf_func(const struct state_btf *sb, int id, const char *name,
		   struct state_func *f, char *err, size_t errlen)
{
	__u32 i, n = btf__type_cnt(sb->btf);

	for (i = first_own_id(sb); i < n; i++) {
		const struct btf_type *t = btf__type_by_id(sb->btf, i);

		if (!btf_is_func(t) || strcmp(name_of(sb->btf, t), name))
			continue;
		if (func_matches(sb->btf, id, t, f))
			return 0;
		snprintf(err, errlen, "%s takes no pointer to struct %s (or to "
			 "a struct it embeds once) in its first five arguments",
			 name, name_of(sb->btf, btf__type_by_id(sb->btf, id)));
		return -1;
	}
	snprintf(err, errlen, "no function %s in the module's BTF", name);
	return -1;
}

int state_btf_funcs(const struct state_btf *sb, int id, const char *glob,
		    struct state_func *out, int max)
{
	__u32 i, n = btf__type_cnt(sb->btf);
	int count = 0;

	for (i = first_own_id(sb); i < n && count < max; i++) {
		const struct btf_type *t = btf__type_by_id(sb->btf, i);

		if (!btf_is_func(t) ||
		    (glob && fnmatch(glob, name_of(sb->btf, t), 0)))
			continue;
		if (func_matches(sb->btf, id, t, &out[count]))
			count++;
	}
	return count;
}
