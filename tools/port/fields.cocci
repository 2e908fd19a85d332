// SPDX-License-Identifier: GPL-2.0
// The three counters of struct bes2600_common become struct bes2600_ctr
// (include/bes2600/counters.h), so the compiler rejects any read or write
// the rewrite (counters.cocci) did not reach.

@@
@@
struct bes2600_common {
  ...
- int hw_bufs_used;
+ struct bes2600_ctr hw_bufs_used;
  ...
};

@@
expression N;
@@
struct bes2600_common {
  ...
- int hw_bufs_used_vif[N];
+ struct bes2600_ctr hw_bufs_used_vif[N];
  ...
};

@@
expression N;
@@
struct bes2600_common {
  ...
- int wsm_tx_pending[N];
+ struct bes2600_ctr wsm_tx_pending[N];
  ...
};
