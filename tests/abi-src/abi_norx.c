// SPDX-License-Identifier: GPL-2.0
/* Counters and the four-field timer, no sdio_rx_work events. */
#define ABI_TIMER
#include "abi_src.c"
