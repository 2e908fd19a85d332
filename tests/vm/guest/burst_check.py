#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# Checks an audit and a batch dashboard that ran through a burst which
# overflowed the audit's ring (burst-tests.sh) against the lab's ground
# truth read before and after the burst.  Prints "PASS desc" or
# "FAIL desc # detail" lines.
#
#   burst_check.py VARIANT REPORT.json TRUTH_BEFORE TRUTH_AFTER DASH.jsonl
import json
import sys

variant, report, before, after, dash = sys.argv[1:6]


def result(ok, desc, detail=""):
    print(("PASS " if ok else "FAIL ") + "%s burst: %s" % (variant, desc) +
          ("" if ok or not detail else " # " + detail))


def read_truth(path):
    t = {}
    for line in open(path):
        f = line.split()
        kv = dict(x.split("=", 1) for x in f[1:] if "=" in x)
        if "drift" in kv:
            t[f[0]] = {k: int(kv[k]) for k in
                       ("drift", "plain_writes", "atomic_writes")}
    return t


tb, ta = read_truth(before), read_truth(after)
truth = {k: {f: ta[k][f] - tb[k][f] for f in ta[k]} for k in ta}
try:
    rep = json.load(open(report))
except (OSError, ValueError) as e:
    result(False, "the audit wrote its report", str(e))
    sys.exit(0)
insts = {"%s[%d]" % (o["counter_base"], o["idx"]): o for o in rep["instances"]}
drops = rep["drops"]

if variant == "c-v2":
    result(drops["total"] == 0, "atomic counters: no record dropped",
           "%d dropped" % drops["total"])
else:
    result(drops["total"] > 0 and drops["spans"],
           "the burst overflowed the ring (%d records dropped in %d spans)" %
           (drops["total"], len(drops["spans"])))
    result("hw_bufs_used" in " ".join(drops["incomplete"]),
           "the report names hw_bufs_used's chain as incomplete",
           str(drops["incomplete"]))

for name, t in sorted(truth.items()):
    writes = t["plain_writes"] + t["atomic_writes"]
    if not writes:
        continue
    o = insts.get(name)
    if not o:
        result(False, "%s in the report" % name)
        continue
    got = (o["writes"], o["plain_writes"], o["atomic_writes"])
    want = (writes, t["plain_writes"], t["atomic_writes"])
    result(got == want, "%s: writes (all, plain, atomic) %s = truth %s" %
           (name, got, want))
    rows = sum(w["count"] for w in o["writers"])
    result(rows == writes, "%s: writer rows add up to %d writes" %
           (name, writes), "rows %d" % rows)
    result(o["drift"] == t["drift"], "%s: drift %d = truth %d" %
           (name, o["drift"], t["drift"]))

# No lost update is claimed across a gap: no example write in a span.
spans = [(s["from_ns"], s["to_ns"]) for s in drops["spans"]]
inside = [p for f in rep["findings"] if f["class"] == "lost-update"
          for p in f["paths"]
          if any(a <= p["ts_ns"] <= b for a, b in spans)]
result(not inside, "no lost update claimed inside a gap",
       "%d example writes inside one" % len(inside))

# The dashboard: a line per interval throughout, and the same counts.
lines = [json.loads(x) for x in open(dash) if x.strip()]
times = [x["time_s"] for x in lines]
late = [b - a for a, b in zip(times, times[1:]) if b - a > 2.0]
result(len(lines) >= 5 and not late,
       "dashboard: %d lines, none more than one interval late" % len(lines),
       "gaps %s" % late)
if lines:
    c = lines[-1]["counters"].get("hw_bufs_used", {})
    want = truth["hw_bufs_used[0]"]
    want = want["plain_writes"] + want["atomic_writes"]
    result(c.get("writes") == want, "dashboard: hw_bufs_used %s writes = truth %d" %
           (c.get("writes"), want))
