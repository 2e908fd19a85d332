// SPDX-License-Identifier: GPL-2.0
/* Added by the bes2600-lab porting kit: defines the bes2600 trace events. */
#define CREATE_TRACE_POINTS
#include <trace/events/bes2600.h>
