// SPDX-License-Identifier: GPL-2.0
/* Counter events only, with the capacity field. */
#define ABI_CTR_CAPACITY
#include "abi_src.c"
