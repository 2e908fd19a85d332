// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Buffers whose oldest entries leave from the front (see window.h).
 */
#include <stdlib.h>
#include <string.h>

#include "window.h"

void *window_room(void *mem, size_t *off, size_t n, size_t *cap, size_t size)
{
	size_t grown;

	if (*off + n < *cap)
		return mem;
	if (*off && n <= *cap / 2) {
		memmove(mem, (char *)mem + *off * size, n * size);
		*off = 0;
		return mem;
	}
	grown = *cap ? *cap * 2 : 64;
	mem = realloc(mem, grown * size);
	if (mem)
		*cap = grown;
	return mem;
}

void *window_drop(void *mem, size_t *off, size_t *n, size_t k, size_t size)
{
	*n -= k;
	*off = *n ? *off + k : 0;
	return *n ? (char *)mem + *off * size : mem;
}
