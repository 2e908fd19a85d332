#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# Checks a bes2600-top audit JSON report of the test event source
# (tests/abi-src/) against its ground truth and against what its ABI
# variant has.  Prints "PASS desc" / "FAIL desc # detail" lines.
#
#   abi_check.py VARIANT MODE REPORT.json TRUTH_BEFORE TRUTH_AFTER STATUS LABEL [shared]
#
# VARIANT: abi_v1 | abi_ctr | abi_norx; MODE: race | atomic; "shared":
# another module defining the same events is loaded too.
import json
import sys

from audit_check import pairing_problems, read_truth, result

TX = "kthread:abi_src_tx"
WORK = "work:abi_src_work"
ERRORS = ("non-atomic-cross-context", "lost-update", "underflow", "overflow",
          "drift")
# What each variant has: counter fields, timer fields, rx events.
VARIANTS = {
    "abi_v1": (8, 4, True),
    "abi_ctr": (9, None, False),
    "abi_norx": (8, 4, False),
}


def main():
    variant, mode, path, before, after, status, label = sys.argv[1:8]
    shared = len(sys.argv) > 8 and sys.argv[8] == "shared"
    status = int(status)
    rep = json.load(open(path))
    t0, t1 = read_truth(before), read_truth(after)
    found = [f for f in rep["findings"] if not f["suppressed"]]
    errors = [f for f in found if f["class"] in ERRORS]
    insts = {"%s[%d]" % (i["counter_base"], i["idx"]): i
             for i in rep["instances"]}
    ctr_fields, timer_fields, rx = VARIANTS[variant]

    result(rep["driver"] == variant, "%s: audits %s" % (label, variant),
           "driver %s" % rep["driver"])
    ev = {e["event"]: e for e in rep["driver_events"] or []}
    want_ctr = None if shared and rep["attach_mode"] == "raw_tp" and \
        not ev["hw_bufs_used"]["fields"] else ctr_fields
    for name in ("hw_bufs_used", "hw_bufs_used_vif", "wsm_tx_pending"):
        e = ev.get(name, {})
        result(e.get("attached") and (want_ctr is None or
                                      e.get("fields") == want_ctr),
               "%s: %s attached%s" % (label, name, "" if want_ctr is None
                                       else " with %d fields" % want_ctr),
               str(e))
    e = ev.get("pending_count_timer", {})
    if timer_fields:
        result(e.get("attached") and e.get("fields") in (timer_fields, None)
               and "no now field" in (e.get("note") or "now"),
               "%s: the four-field pending_count_timer attached, its "
               "missing read-back said" % label, str(e))
    else:
        result(not e.get("present") and "absent" in (e.get("note") or ""),
               "%s: no pending_count_timer, said" % label, str(e))
    rxs = [ev.get(n, {}) for n in ("sdio_rx_work_queue", "sdio_rx_work_start",
                                   "sdio_rx_work_end")]
    if rx:
        result(all(x.get("attached") for x in rxs) and
               rep["phase7"]["rx_work_runs"] > 0,
               "%s: sdio_rx_work events attached and counted (%d runs)" %
               (label, rep["phase7"]["rx_work_runs"]), str(rxs))
    else:
        result(not any(x.get("present") for x in rxs) and
               rep["phase7"]["rx_work_runs"] == 0,
               "%s: no sdio_rx_work events: none counted, absence said" %
               label, str(rxs))
    if shared:
        result(len(rep["modules_with_events"]) == 2 and
               rep["attach_mode"] == "raw_tp",
               "%s: both modules listed, raw_tp (libbpf cannot pick a "
               "module's BTF)" % label,
               "%s %s" % (rep["modules_with_events"], rep["attach_mode"]))

    # Capacity: from the driver's events only where it has the field.
    hbu = insts.get("hw_bufs_used[0]", {})
    cap_known = ctr_fields == 9 and want_ctr is not None
    overflow = [f for f in found if f["class"] == "overflow"]
    if cap_known:
        result(hbu.get("capacity") == 16 and
               hbu.get("capacity_source") == "driver",
               "%s: capacity 16 from the driver's events" % label, str(
                   (hbu.get("capacity"), hbu.get("capacity_source"))))
    else:
        result(hbu.get("capacity") == 0 and not overflow and
               hbu.get("capacity_source") == "none",
               "%s: no capacity known, no overflow claimed" % label,
               "%s, %d overflow findings" % (hbu.get("capacity_source"),
                                              len(overflow)))

    # Ground truth: every write seen, drift exact.
    drops = rep["drops"]["total"]
    result(drops == 0, "%s: no record dropped" % label, "drops=%d" % drops)
    for name in sorted(t1):
        got = insts.get(name, {})
        want_w = t1[name]["writes"] - t0.get(name, {"writes": 0})["writes"]
        want_d = t1[name]["drift"] - t0.get(name, {"drift": 0})["drift"]
        result(got.get("writes") == want_w and got.get("drift") == want_d,
               "%s: %s writes %s, drift %s = ground truth's" %
               (label, name, got.get("writes"), got.get("drift")),
               "truth %d writes, drift %d" % (want_w, want_d))

    if mode == "atomic":
        result(status == 0 and not errors, "%s: exit 0, no error finding" %
               label, "exit %d, %s" % (status,
                                       sorted({f["class"] for f in errors})))
        return
    result(status == 1, "%s: exit status 1" % label, "exit %d" % status)
    nacc = {}
    for f in found:
        if f["class"] == "non-atomic-cross-context":
            key = frozenset((p["context"], p["call_site"]) for p in f["paths"])
            nacc.setdefault(f["counter"], []).append(key)
    for name in ("hw_bufs_used", "hw_bufs_used_vif[0]", "wsm_tx_pending[0]"):
        keys = nacc.get(name, [])
        ctxs = {c for k in keys for c, _ in k}
        result(ctxs == {TX, WORK} and len(keys) == len(set(keys)),
               "%s: %s: non-atomic-cross-context between %s and %s, once "
               "per pair of sites" % (label, name, TX, WORK),
               "%d findings, contexts %s" % (len(keys), sorted(ctxs)))
    rcs = {r["counter"]: r for r in rep["root_causes"]}
    for name in ("hw_bufs_used", "hw_bufs_used_vif[0]", "wsm_tx_pending[0]"):
        r = rcs.get(name, {})
        ctxs = {w["context"] for w in r.get("writers", [])}
        result(r.get("action") == "make it atomic (C-prep)" and
               ctxs == {TX, WORK} and
               r.get("lost_updates") == insts[name]["lost_updates"],
               "%s: root cause of %s names both contexts: make it atomic"
               % (label, name), r.get("line", str(r)))
    bad = pairing_problems(found)
    lu = [f for f in found if f["class"] == "lost-update"]
    result(lu and not bad, "%s: %d lost-update findings, none pairs one "
           "serial context, each names its partner or candidates" %
           (label, len(lu)), "; ".join(bad[:3]) or "no lost update")


if __name__ == "__main__":
    main()
