#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# Checks one bes2600-top audit JSON report (docs/audit-json.md) against
# the lab's ground truth read before and after the audit.  Prints one
# "PASS desc" or "FAIL desc # detail" line per check; audit-tests.sh turns
# them into TAP lines.
#
#   audit_check.py MODE REPORT.json TRUTH_BEFORE TRUTH_AFTER STATUS LABEL
#
# MODE: baseline | race | race0 | atomic-queue | atomic-direct
import json
import os
import re
import sys

BH = os.environ.get("LAB_BH_CTX", "work:bes2600_bh_work")
WORK = "work:sdio_rx_work"
ERRORS = ("non-atomic-cross-context", "lost-update", "underflow", "overflow",
          "drift")


def result(ok, desc, detail=""):
    print(("PASS " if ok else "FAIL ") + desc +
          ("" if ok or not detail else " # " + detail))


def read_truth(path):
    """{'hw_bufs_used[0]': {'drift': .., 'writes': ..}, 'stale[0]': n}"""
    t = {}
    for line in open(path):
        f = line.split()
        if not f:
            continue
        kv = dict(x.split("=", 1) for x in f[1:] if "=" in x)
        m = re.match(r"pending_timer\[(\d+)\]", f[0])
        if m:
            t["stale[%s]" % m.group(1)] = int(kv["stale_decisions"])
        elif "drift" in kv:
            t[f[0]] = {"drift": int(kv["drift"]),
                       "writes": int(kv["plain_writes"]) +
                       int(kv["atomic_writes"])}
    return t


def inst_name(o):
    return "%s[%d]" % (o["counter_base"], o["idx"])


def pairing_problems(found):
    """Lost updates that pair one serial context, or name no partner."""
    bad = []
    for f in found:
        if f["class"] != "lost-update":
            continue
        p = f["paths"]
        if len(p) == 2 and p[0]["context"] == p[1]["context"] and (
                p[0]["pid"] == p[1]["pid"] or
                p[0]["context"].startswith("work:")):
            bad.append("%s: %s (pid %s) x2" % (f["counter"], p[0]["context"],
                                               p[0]["pid"]))
        if len(p) == 1 and "candidates" not in f:
            bad.append("%s: no partner, no candidates" % f["counter"])
    return bad


def check_review(rep, found, insts, label):
    """Root causes, one finding per pair of sites, the pairing rule."""
    keys = {}
    for f in found:
        if f["class"] == "non-atomic-cross-context":
            k = frozenset((p["context"], p["call_site"]) for p in f["paths"])
            keys.setdefault(inst_name(f), []).append(k)
    dup = [n for n, k in keys.items() if len(k) != len(set(k))]
    result(keys and not dup, "%s: one non-atomic-cross-context finding per "
           "unordered pair of sites" % label, "twice on %s" % dup)
    rcs = {r["counter"]: r for r in rep["root_causes"]}
    erred = {f["counter"] for f in found if f["class"] in ERRORS}
    result(set(rcs) == erred, "%s: a root cause for each of the %d counter "
           "instances with error findings" % (label, len(erred)),
           "root causes %s, erred %s" % (sorted(rcs), sorted(erred)))
    r = rcs.get("hw_bufs_used", {})
    fns = {(w["context"], fn) for w in r.get("writers", [])
           for fn in w["functions"]}
    result(r.get("action") == "make it atomic (C-prep)" and
           (BH, "wsm_alloc_tx_buffer") in fns and
           (WORK, "wsm_release_tx_buffer") in fns,
           "%s: hw_bufs_used's root cause: plain writes from %s "
           "(wsm_alloc_tx_buffer) and %s (wsm_release_tx_buffer): make it "
           "atomic" % (label, BH, WORK), r.get("line", str(r)))
    bad = pairing_problems(found)
    result(not bad, "%s: no lost update pairs two writes of one serial "
           "context; each names its partner or the window's candidates" %
           label, "; ".join(bad[:3]))


def main():
    mode, path, before, after, status, label = sys.argv[1:7]
    status = int(status)
    rep = json.load(open(path))
    t0, t1 = read_truth(before), read_truth(after)
    found = [f for f in rep["findings"] if not f["suppressed"]]
    errors = [f for f in found if f["class"] in ERRORS]
    classes = sorted({f["class"] for f in found})
    drops = rep["drops"]["total"]
    insts = {inst_name(i): i for i in rep["instances"]}

    def truth_delta(name, key):
        return t1[name][key] - t0.get(name, {key: 0})[key]

    # Atomic counters in bounds are only counted in BPF: no record needed.
    result(rep["schema_version"] == 1 and
           (rep["records"] > 0 or mode.startswith("atomic")),
           "%s: report has schema 1%s" %
           (label, "" if mode.startswith("atomic") else " and records"),
           "records=%s" % rep.get("records"))
    result(drops == 0, "%s: no record dropped" % label, "drops=%d" % drops)

    # Every write the lab counted during the audit reached the analysis.
    for name, i in sorted(insts.items()):
        result(i["writes"] == truth_delta(name, "writes"),
               "%s: %s writes seen = ground truth's (%d)" %
               (label, name, i["writes"]),
               "truth %d" % truth_delta(name, "writes"))
    # Without drops the drift is exact, per counter instance.
    if drops == 0:
        for name in sorted(t1):
            if name.startswith("stale"):
                continue
            want = truth_delta(name, "drift")
            got = insts[name]["drift"] if name in insts else 0
            result(got == want, "%s: %s drift %d = ground truth drift change"
                   % (label, name, got), "truth %d" % want)

    if mode == "baseline" or mode.startswith("atomic"):
        result(status == 0 and not errors,
               "%s: exit 0, no error finding" % label,
               "exit %d, classes %s" % (status, classes))
    if mode == "baseline":
        others = sorted({"%s %s" % (inst_name(i), w["context"])
                         for i in rep["instances"] for w in i["writers"]
                         if w["context"] != BH})
        result(not others, "%s: every counter written by %s only" %
               (label, BH), ", ".join(others))
    if mode.startswith("atomic"):
        plain = [inst_name(i) for i in rep["instances"] if i["plain_writes"]]
        result(not plain, "%s: every write atomic" % label, str(plain))
        rel = {w["context"] for w in insts["hw_bufs_used[0]"]["writers"]
               if w["call_site"].startswith("wsm_release_tx_buffer")}
        want = {WORK} if mode == "atomic-direct" else {BH}
        result(rel == want, "%s: wsm_release_tx_buffer runs in %s" %
               (label, "/".join(sorted(want))), "seen in %s" % sorted(rel))
    if mode in ("race", "race0"):
        result(status == 1, "%s: exit status 1" % label, "exit %d" % status)
        nacc = {}
        for f in found:
            if f["class"] != "non-atomic-cross-context":
                continue
            ctxs = {p["context"] for p in f["paths"]}
            sites = all(p["call_site"] and p["call_site"] != "?" and
                        not p["call_site"].startswith("0x")
                        for p in f["paths"])
            if ctxs == {BH, WORK} and sites:
                nacc.setdefault(f["counter_base"], set()).add(f["idx"])
        want = ["hw_bufs_used", "hw_bufs_used_vif"]
        # wsm_tx_pending[0] is written by both contexts in every run.
        if mode == "race":
            want.append("wsm_tx_pending")
        for c in want:
            result(c in nacc,
                   "%s: non-atomic-cross-context on %s between %s and %s "
                   "with call sites" % (label, c, BH, WORK),
                   "flagged: %s" % sorted(nacc))
    if mode == "race":
        result(any(f["class"] == "lost-update" for f in found),
               "%s: at least one lost-update" % label, str(classes))
    if mode in ("race", "race0"):
        check_review(rep, found, insts, label)
    if mode == "race0":
        # A lost update shows as drift in the lab's truth, unless two lost
        # updates of opposite sign cancel: the tool's own lost values
        # (drift) then sum to zero too, which the drift check above pins.
        for name, i in sorted(insts.items()):
            lu = [f for f in found if f["class"] == "lost-update" and
                  inst_name(f) == name]
            drifted = truth_delta(name, "drift") != 0
            ok = bool(lu) == drifted or (lu and i["drift"] == 0 and
                                         i["lost_updates"] >= 2)
            result(ok, "%s: %s lost-update reported iff the truth drifted "
                   "(%s)" % (label, name, "drifted" if drifted else "exact"),
                   "lost-update findings %d" % len(lu))
    # check-then-act: one occurrence per stale decision the lab counted.
    # (Plain counters under a race make "stale" ill-defined: skipped.)
    if mode in ("race", "race0"):
        return
    for k in sorted(x for x in t1 if x.startswith("stale")):
        idx = int(k[6:-1])
        stale = t1[k] - t0.get(k, 0)
        cta = [f for f in found if f["class"] == "check-then-act" and
               f["idx"] == idx]
        occ = sum(f["count"] for f in cta)
        result(occ == stale, "%s: check-then-act on wsm_tx_pending[%d]: %d "
               "= ground truth stale decisions" % (label, idx, occ),
               "truth %d" % stale)


if __name__ == "__main__":
    main()
