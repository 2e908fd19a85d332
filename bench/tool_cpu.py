#!/usr/bin/python3
# Prints "events bpf_ns user_ns" for the tool running as PID: the run
# count and run time of the BPF programs it holds (needs
# kernel.bpf_stats_enabled=1) and its own CPU time (user + system).
# Debian 12's bpftool does not say which process holds a program: then
# every program counts, which is right in the lab guest, where nothing
# else loads BPF.
import json
import os
import subprocess
import sys

pid = int(sys.argv[1])
progs = json.loads(subprocess.check_output(["bpftool", "-j", "prog", "show"]))
owned = [p for p in progs if "pids" in p]
if owned:
    progs = [p for p in owned if any(x.get("pid") == pid for x in p["pids"])]
runs = sum(p.get("run_cnt", 0) for p in progs)
run_ns = sum(p.get("run_time_ns", 0) for p in progs)
with open("/proc/%d/stat" % pid) as f:
    fields = f.read().rsplit(")", 1)[1].split()
ticks = int(fields[11]) + int(fields[12])
print(runs, run_ns, int(ticks * 1e9 / os.sysconf("SC_CLK_TCK")))
