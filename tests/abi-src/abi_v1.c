// SPDX-License-Identifier: GPL-2.0
/* The ABI's first version: eight-field counters, four-field timer, rx. */
#define ABI_TIMER
#define ABI_RX_WORK
#include "abi_src.c"
