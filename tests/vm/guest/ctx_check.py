#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# Checks the context classification of a bes2600-top audit JSON report of
# tests/abi-src/ctx_kinds.c against the kernel's own view of each write
# (its debugfs truth).  Prints "PASS desc" / "FAIL desc # detail" lines,
# and the context table as "# " lines.
#
#   ctx_check.py REPORT.json TRUTH ROUNDS TASK_COMM LABEL
import json
import sys

from audit_check import result

ERRORS = ("non-atomic-cross-context", "lost-update", "underflow", "overflow",
          "drift")


def main():
    path, truth_path, rounds, comm, label = sys.argv[1:6]
    rounds = int(rounds)
    rep = json.load(open(path))
    truth = {}
    for line in open(truth_path):
        name, writes = line.rsplit(" writes=", 1)
        truth[name] = int(writes)
    # The module's plan: kind k writes 2 * (k + 1) times a round.
    want = {"hardirq": 2, "softirq": 4, "work:ctx_kinds_work": 6,
            "kthread:ctx_kthread": 8, "task:" + comm: 10}
    want = {k: v * rounds for k, v in want.items()}
    result(truth == want,
           "%s: the kernel saw each kind write as planned" % label,
           "truth %s, planned %s" % (truth, want))

    insts = [i for i in rep["instances"] if i["counter_base"] ==
             "hw_bufs_used"]
    got = {}
    for i in insts:
        for w in i["writers"]:
            got[w["context"]] = got.get(w["context"], 0) + w["count"]
    for name in sorted(truth, key=lambda n: -truth[n]):
        print("# %s context %-26s kernel %6d  bes2600-top %6d" %
              (label, name, truth[name], got.get(name, 0)))
    result(got == truth,
           "%s: every write put in the kernel's context (%s)" %
           (label, ", ".join(sorted(truth))),
           "bes2600-top %s, kernel %s" % (got, truth))
    result(len(insts) == 1 and rep["drops"]["total"] == 0,
           "%s: one instance, no record lost" % label,
           "%d instances, drops %s" % (len(insts), rep["drops"]))
    errs = [f["class"] for f in rep["findings"]
            if not f["suppressed"] and f["class"] in ERRORS]
    result(not errs, "%s: atomic writes from five kinds: no error finding" %
           label, str(errs))


if __name__ == "__main__":
    main()
