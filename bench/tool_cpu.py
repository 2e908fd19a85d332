#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# Prints "events bpf_ns user_ns busy_ns" for the tool running as PID (0:
# no tool): the run count and run time of the BPF programs it holds
# (needs kernel.bpf_stats_enabled=1), its own CPU time (all threads),
# and the time all CPUs were busy, from /proc/uptime (whoever ran: the
# load, the tool, and the kernel's work for it outside its programs).
# Debian 12's bpftool does not say which process holds a program: then
# every program counts, which is right in the lab guest, where nothing
# else loads BPF.
import json
import os
import subprocess
import sys

pid = int(sys.argv[1])
with open("/proc/uptime") as f:
    up, idle = (float(x) for x in f.read().split())
busy = int((up * os.cpu_count() - idle) * 1e9)
if not pid:
    print(0, 0, 0, busy)
    sys.exit(0)
progs = json.loads(subprocess.check_output(["bpftool", "-j", "prog", "show"]))
owned = [p for p in progs if "pids" in p]
if owned:
    progs = [p for p in owned if any(x.get("pid") == pid for x in p["pids"])]
runs = sum(p.get("run_cnt", 0) for p in progs)
run_ns = sum(p.get("run_time_ns", 0) for p in progs)
# The scheduler's run time of each thread, in ns: utime and stime are
# sampled at the tick, which a 10-second run of a mostly sleeping tool
# hits too few times to be fair.
cpu_ns = 0
for tid in os.listdir("/proc/%d/task" % pid):
    with open("/proc/%d/task/%s/schedstat" % (pid, tid)) as f:
        cpu_ns += int(f.read().split()[0])
print(runs, run_ns, cpu_ns, busy)
