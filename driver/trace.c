// SPDX-License-Identifier: GPL-2.0
/* The one place the bes2600 trace points are defined. */
#define CREATE_TRACE_POINTS
#include <trace/events/bes2600.h>
