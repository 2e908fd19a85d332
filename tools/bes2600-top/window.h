/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Buffers whose oldest entries leave from the front (the lost-update
 * chain, the sdio_rx_work reorder buffer, the pending-timer decisions):
 * the live entries are mem[off .. off + n), and leaving moves off, not
 * the entries behind it.
 */
#ifndef __BES2600_WINDOW_H
#define __BES2600_WINDOW_H

#include <stddef.h>

/*
 * Room for one more entry at mem[off + n]: the live entries move down
 * once they fill at most half of the buffer (so each moves O(1) times),
 * else the buffer doubles.  Returns the buffer (mem, moved or grown), or
 * NULL when it cannot grow, leaving mem as it was, like realloc().
 */
void *window_room(void *mem, size_t *off, size_t n, size_t *cap,
		  size_t size);
/*
 * Drops the k oldest of the *n live entries: returns the first live one,
 * the start of mem again (off 0) once none is left.
 */
void *window_drop(void *mem, size_t *off, size_t *n, size_t k, size_t size);

#endif /* __BES2600_WINDOW_H */
