#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# The cost table of bench/guest-cost.sh from its raw lines
# "round tool events bpf_ns user_ns busy_ns".  Two measures per tool:
#  - own: its BPF programs' run time + its process CPU, per event;
#  - added: busy CPU time of the whole guest minus that of the same load
#    with no tool, per event (the median over the rounds of each), which
#    also holds what the kernel does for the tool outside its programs
#    (a perf tracepoint's buffer for bpftrace, ring wake-ups).
import statistics
import sys

rows = {}
for line in open(sys.argv[1]):
    r, tool, ev, bpf, usr, busy = line.split()
    rows.setdefault(tool, []).append((int(ev), int(bpf), int(usr), int(busy)))

none = statistics.median(b for _, _, _, b in rows.get("none", [(0, 0, 0, 0)]))
label = {"bpftrace": "bpftrace @[probe] = count()",
         "audit": "bes2600-top audit",
         "dashboard": "bes2600-top -b (dashboard)"}
res = {}
for tool in ("bpftrace", "audit", "dashboard"):
    v = rows.get(tool)
    if not v:
        continue
    ev = sum(x[0] for x in v)
    own = ev and (sum(x[1] for x in v) + sum(x[2] for x in v)) / ev
    bpf = ev and sum(x[1] for x in v) / ev
    usr = ev and sum(x[2] for x in v) / ev
    per = [(b - none) / e for e, _, _, b in v if e]
    added = statistics.median(per) if per else 0
    res[tool] = (ev, bpf, usr, own, added, per)

print("%-28s %8s %9s %9s %9s %8s %11s %8s" % ("", "events", "BPF", "user",
      "own", "x bpft", "added", "x bpft"))
print("%-28s %8s %9s %9s %9s %8s %11s %8s" % ("", "", "ns/ev", "ns/ev",
      "ns/ev", "(own)", "ns/ev", "(added)"))
b = res.get("bpftrace")
for tool, (ev, bpf, usr, own, added, per) in res.items():
    print("%-28s %8d %9.0f %9.0f %9.0f %8.2f %11.0f %8.2f" % (
        label[tool], ev, bpf, usr, own, own / b[3] if b and b[3] else 0,
        added, added / b[4] if b and b[4] else 0))
print("added per round (ns/ev): " + "; ".join(
    "%s %s" % (t, " ".join("%.0f" % x for x in r[5])) for t, r in res.items()))
print("no-tool busy CPU per round (s): " + " ".join(
    "%.2f" % (x[3] / 1e9) for x in rows.get("none", [])))
print("targets (issue 16): audit <= 0.75 x bpftrace, dashboard <= 0.50 x bpftrace")
