#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
"""bes2600-top state's reports against what is known of the writes.

  state_check.py fields REPORT.json ROUNDS TASK_CTX LABEL
      the test module's exact table (tests/abi-src/state_fields.c)
  state_check.py watch REPORT.json TASK_CTX LABEL
      the same module in the precise mode: writes caught inside calls
  state_check.py lab KIND MODE REPORT.json BH WORK LABEL
      the lab's bes2600_bh_handle_rx_skb (MODE direct or queue): its
      writers and contexts (KIND diff), or its fields confirmed by
      watchpoints (KIND watch)
  state_check.py counts REPORT.json BEFORE AFTER AUDIT.json ARCH LABEL
      the counters watched through a run: each write against the ground
      truth and the audit's tracepoint writers of the same window
Prints PASS/FAIL lines, which lib.sh's tap_results makes TAP."""
import json
import re
import sys


def result(good, what, detail=""):
    print("%s %s%s" % ("PASS" if good else "FAIL", what,
                       "" if good else " (%s)" % detail))


def fields_of(rep, key):
    return {f["field"]: f for f in rep[key]}


def own(f):
    """{(function, context): calls} of the writers the table names."""
    return {(w["function"], w["context"]): w["calls"]
            for w in f["writers"] if w["own"]}


def stats_clean(rep, label):
    st = rep["stats"]
    bad = {k: st[k] for k in ("lost", "hits_lost", "busy", "nested",
                              "no_slot", "read_fail", "truncated_calls")
           if st[k]}
    result(not bad and st["calls"] > 0,
           "%s: every call compared (%d), none lost or skipped" %
           (label, st["calls"]), str(bad))


def check_fields(rep, n, task, label):
    """Sequential writes: every count is the number of rounds."""
    want_listed = {
        "plain_count": {("sf_round", task): n, ("sf_write_plain", task): n},
        "inner.b[0]": {("sf_round", task): n},
        "hits": {("sf_round", task): n, ("sf_write_atomic", task): n,
                 ("sf_write_atomic", "hardirq"): n},
    }
    want_others = {
        "inner.a": {("sf_write_nested", "softirq"): n},
        "inner.b[2]": {("sf_write_array", "work:sf_work_fn"): n},
        "slots[1]": {("sf_write_slot", "kthread:sf_thread"): n},
    }
    listed, others = fields_of(rep, "fields"), fields_of(rep, "others_fields")
    result(set(listed) == set(want_listed),
           "%s: sf_round's fields are exactly %s" %
           (label, ", ".join(sorted(want_listed))), sorted(listed))
    result(set(others) == set(want_others),
           "%s: the other writers' fields are exactly %s" %
           (label, ", ".join(sorted(want_others))), sorted(others))
    for name, want in list(want_listed.items()) + list(want_others.items()):
        f = listed.get(name) or others.get(name)
        got = own(f) if f else {}
        result(got == want, "%s: %s written by %s" %
               (label, name, ", ".join("%s (%s) x%d" % (a, b, c) for
                                        (a, b), c in sorted(want.items()))),
               str(got))
    types = {k: (listed.get(k) or others.get(k) or {}).get("type")
             for k in ("plain_count", "inner.b[0]", "hits", "slots[1]")}
    # u16 and u32 reach BTF as their base types.
    result(types == {"plain_count": "int", "inner.b[0]": "short unsigned int",
                     "hits": "atomic_t", "slots[1]": "unsigned int"},
           "%s: declared types from BTF" % label, str(types))
    prot = {k: listed[k]["protection"] for k in listed}
    result(prot.get("plain_count", "").startswith("plain int, one writer context")
           and prot.get("hits", "").startswith("atomic type (atomic_t), written from 2")
           and "convert" not in listed.get("plain_count", {}).get("action", "convert"),
           "%s: protection: plain int with one writer, atomic_t from 2 contexts"
           % label, str(prot))
    conc = [f["field"] for f in rep["fields"] + rep["others_fields"]
            if f["concurrent"]]
    result(not conc, "%s: no overlap reported (the writes are sequential)"
           % label, str(conc))
    calls = {f["function"]: f["calls"] for f in rep["functions"]}
    want_calls = {"sf_round": n, "sf_write_plain": n, "sf_write_atomic": 2 * n,
                  "sf_write_nested": n, "sf_write_array": n,
                  "sf_write_slot": n}
    result(calls == want_calls, "%s: calls per function" % label,
           str(calls))
    stats_clean(rep, label)


def check_watch(rep, task, label):
    listed = fields_of(rep, "fields")
    f = listed.get("plain_count")
    result(f is not None and f["watched"] and f["watch_hits"] > 0,
           "%s: plain_count watched, its writes caught" % label,
           str(f and (f["watched"], f["watch_hits"])))
    if not f:
        return
    hits = {(w["function"], w["context"]): w["watch_hits"]
            for w in f["writers"] if w["watch_hits"]}
    # Each write is inside sf_round and its callee sf_write_plain.
    result(set(hits) == {("sf_round", task), ("sf_write_plain", task)} and
           hits[("sf_round", task)] == f["watch_hits"] ==
           hits[("sf_write_plain", task)] and not f["other_sites"],
           "%s: each write of plain_count caught inside sf_round > "
           "sf_write_plain (%d)" % (label, f["watch_hits"]), str(hits))
    result(f.get("last_old") is not None and
           f["last_new"] == f["last_old"] + 1,
           "%s: the last write's old and new values (%s -> %s)" %
           (label, f.get("last_old"), f.get("last_new")), "")
    h = listed.get("hits")
    ctxs = {w["context"] for w in (h or {}).get("writers", [])
            if w["watch_hits"]}
    result(ctxs == {task, "hardirq"},
           "%s: hits' writes caught in %s and hardirq" % (label, task),
           str(ctxs))


# The fields bes2600_bh_handle_rx_skb writes, itself or through its callees
# (driver/bh.c, driver/netdev.c): the counters with their ground truth,
# the timers, the stats it counts, the wait queue it wakes.
LAB_TOUCHED = re.compile(
    r"^(hw_bufs_used|hw_bufs_used_vif\[\d\]|wsm_tx_pending\[\d\])"
    r"\.(val|intended|plain_writes|atomic_writes)$"
    r"|^pending_timer\[\d\]\.timer$|^pending_stale\[\d\]$"
    r"|^stats\.(confirms|release_underflows|rx_packets|rx_bytes)$"
    r"|^gen\.(received|rx_bytes)$|^bh_wq$|^bh_evt_wq$")
# Each counter's writes, and the function making each (one per call).
LEAF = {
    "hw_bufs_used[0]": ("hw_bufs_used",
                        ("wsm_alloc_tx_buffer", "wsm_release_tx_buffer")),
    "hw_bufs_used_vif[0]": ("hw_bufs_used_vif[0]",
                            ("bes2600_bh_tx", "wsm_release_vif_tx_buffer")),
    "wsm_tx_pending[0]": ("wsm_tx_pending[0]",
                          ("bes2600_bh_inc_pending_count",
                           "bes2600_bh_dec_pending_count")),
    "wsm_tx_pending[1]": ("wsm_tx_pending[1]",
                          ("bes2600_bh_inc_pending_count",
                           "bes2600_bh_dec_pending_count")),
}


def truth(path):
    out = {}
    for line in open(path):
        parts = line.split()
        if parts and "=" in line:
            out[parts[0]] = {k: int(v) for k, v in
                             (p.split("=") for p in parts[1:])}
    return out


def audit_writes(audit):
    """{(counter, function, context): count} from the audit's JSON."""
    out = {}
    for inst in audit["instances"]:
        name = "%s[%d]" % (inst["counter_base"], inst["idx"])
        for w in inst["writers"]:
            fn = re.sub(r"\+0x.*", "", w["call_site"])
            key = (name, fn, w["context"])
            out[key] = out.get(key, 0) + w["count"]
    return out


def check_lab(kind, mode, rep, bh, work, label):
    listed = fields_of(rep, "fields")
    rx = "bes2600_bh_handle_rx_skb"
    rx_ctx = work if mode == "direct" else bh
    for name in ("hw_bufs_used.val", "hw_bufs_used_vif[0].val",
                 "wsm_tx_pending[0].val"):
        f = listed.get(name)
        ctxs = set(f["writer_contexts"]) if f else set()
        result(f is not None and (rx, rx_ctx) in own(f),
               "%s: %s mutated by %s in %s" % (label, name, rx, rx_ctx),
               str(f and sorted(own(f))))
        if kind == "watch":
            continue
        if mode == "direct":
            result(ctxs == {bh, work},
                   "%s: %s also written by the BH (%s): two contexts" %
                   (label, name, bh), str(sorted(ctxs)))
        else:
            result(ctxs == {bh} and f and "one writer context" in
                   f["protection"], "%s: %s has a single writer (%s)" %
                   (label, name, bh), str(sorted(ctxs)) + " " +
                   (f["protection"] if f else ""))
    if kind == "watch":
        extra = sorted(n for n in listed if not LAB_TOUCHED.match(n))
        result(not extra, "%s: no field listed that %s does not touch" %
               (label, rx), ", ".join(extra))
        stats_clean(rep, label)
        return
    pairs = [(c["context_a"], c["context_b"])
             for n in ("hw_bufs_used.val", "hw_bufs_used.plain_writes",
                       "hw_bufs_used_vif[0].val", "wsm_tx_pending[0].val")
             for c in (listed.get(n) or {"concurrent": []})["concurrent"]]
    cross = [p for p in pairs if set(p) == {bh, work}]
    if mode == "direct":
        result(len(cross) > 0, "%s: overlapping writers seen (%s || %s)" %
               (label, bh, work), str(pairs))
    else:
        result(not [p for p in pairs if p[0] != p[1]],
               "%s: no overlap of writers from two contexts" % label,
               str(pairs))
    if mode == "direct" and rep.get("baseline"):
        ch = (listed.get("hw_bufs_used.val") or {}).get(
            "change_vs_baseline", "")
        want = ["+ wsm_release_tx_buffer (%s)" % work,
                "- wsm_release_tx_buffer (%s)" % bh]
        result(all(w in ch for w in want),
               "%s: against the baseline run: %s" % (label, "; ".join(want)),
               ch)
    stats_clean(rep, label)


def check_counts(rep, before, after, audit, arch, label):
    """x86 traps after the store: each store is one hit, exact.  arm64
    traps before it (and qemu may trap again as the store is stepped):
    the hit reads the value from before the write, so which hits are
    repeats cannot be told when two writers interleave; there each
    writer's hits (changed or not) are at least its stores, and the
    writers are the audit's (docs/state.md)."""
    fields = dict(fields_of(rep, "fields"), **fields_of(rep, "others_fields"))
    b, a = truth(before), truth(after)
    aw = audit_writes(audit)
    for inst, (field, leaves) in LEAF.items():
        f = fields.get(field + ".val") or {}
        # A plain write that lost an update may store the value there: a
        # same-value hit is a store too.
        got = {(w["function"], w["context"]):
               w["watch_hits"] + w["watch_hits_same"]
               for w in f.get("writers", [])
               if w["function"] in leaves and
               w["watch_hits"] + w["watch_hits_same"]}
        want = a[inst]["plain_writes"] - b[inst]["plain_writes"]
        aud = {(fn, c): n for (i, fn, c), n in aw.items() if i == inst}
        if arch != "aarch64":
            result(f.get("watched") and sum(got.values()) == want,
                   "%s: %s.val: %d writes caught, by %s = ground truth %d" %
                   (label, field, sum(got.values()), "/".join(leaves), want),
                   str(got))
            result(aud == got, "%s: %s: each writer and context, write for "
                   "write = the audit's tracepoint writers" % (label, inst),
                   "state %s, audit %s" % (got, aud))
        else:
            result(f.get("watched") and sum(got.values()) >= want,
                   "%s: %s.val: %d traps, by %s, for ground truth %d writes"
                   % (label, field, sum(got.values()), "/".join(leaves),
                      want), str(got))
            result(set(aud) == set(got) and
                   all(got[k] >= aud[k] for k in aud),
                   "%s: %s: the audit's writers and contexts, each with at "
                   "least its writes caught" % (label, inst),
                   "state %s, audit %s" % (got, aud))
        pw = fields.get(field + ".plain_writes") or {}
        calls = sum(w["calls"] for w in pw.get("writers", [])
                    if w["function"] in leaves)
        alone = sum(w["calls_alone"] for w in pw.get("writers", [])
                    if w["function"] in leaves)
        result(alone <= want <= calls,
               "%s: %s: the diffs bound it: %d alone <= %d <= %d calls" %
               (label, inst, alone, want, calls), "")
    stats_clean(rep, label)


def main():
    mode = sys.argv[1]
    if mode == "fields":
        check_fields(json.load(open(sys.argv[2])), int(sys.argv[3]),
                     sys.argv[4], sys.argv[5])
    elif mode == "watch":
        check_watch(json.load(open(sys.argv[2])), sys.argv[3], sys.argv[4])
    elif mode == "lab":
        check_lab(sys.argv[2], sys.argv[3], json.load(open(sys.argv[4])),
                  sys.argv[5], sys.argv[6], sys.argv[7])
    elif mode == "counts":
        check_counts(json.load(open(sys.argv[2])), sys.argv[3], sys.argv[4],
                     json.load(open(sys.argv[5])), sys.argv[6], sys.argv[7])
    else:
        sys.exit("state_check.py: unknown mode %s" % mode)


if __name__ == "__main__":
    main()
