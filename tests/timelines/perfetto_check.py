#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# Decodes a bes2600-top --perfetto trace with a small protobuf reader of
# its own (the wire format, and the fields docs/perfetto.md lists) and
# holds it against the audit's JSON report of the same run.  A file that
# is not protobuf throughout (truncated, corrupted) fails to decode.
# Prints "PASS desc" / "FAIL desc # detail" lines.
#
#   perfetto_check.py TRACE REPORT.json LABEL
#   perfetto_check.py --decode TRACE     (exit 1 when it does not decode)
import json
import sys


class Bad(Exception):
    pass


def varint(b, i):
    v = shift = 0
    while True:
        if i >= len(b):
            raise Bad("varint past the end at %d" % i)
        c = b[i]
        i += 1
        v |= (c & 0x7f) << shift
        shift += 7
        if not c & 0x80:
            return v, i
        if shift > 63:
            raise Bad("varint too long at %d" % i)


def fields(b):
    """[(field, wire type, value)] of one message; raises Bad."""
    out, i = [], 0
    while i < len(b):
        key, i = varint(b, i)
        f, wt = key >> 3, key & 7
        if f == 0:
            raise Bad("field 0 at %d" % i)
        if wt == 0:
            v, i = varint(b, i)
        elif wt == 1:
            if i + 8 > len(b):
                raise Bad("fixed64 past the end")
            v, i = int.from_bytes(b[i:i + 8], "little"), i + 8
        elif wt == 2:
            n, i = varint(b, i)
            if i + n > len(b):
                raise Bad("length %d past the end at %d" % (n, i))
            v, i = b[i:i + n], i + n
        elif wt == 5:
            if i + 4 > len(b):
                raise Bad("fixed32 past the end")
            v, i = b[i:i + 4], i + 4
        else:
            raise Bad("wire type %d at %d" % (wt, i))
        out.append((f, wt, v))
    return out


def sint64(v):
    return v - (1 << 64) if v >= 1 << 63 else v


def decode(path):
    data = open(path, "rb").read()
    packets = [v for f, wt, v in fields(data) if f == 1 and wt == 2]
    tracks, events = {}, []
    names = {2: {}, 3: {}, 29: {}}
    for p in packets:
        pf = fields(p)
        ts = 0
        for f, wt, v in pf:
            if f == 8:
                ts = v
            elif f == 12:                          # InternedData
                for tf, _, entry in fields(v):
                    if tf in names:
                        e = dict((g, x) for g, _, x in fields(entry))
                        names[tf][e[1]] = e[2].decode()
        for f, wt, v in pf:
            if f == 60:                            # TrackDescriptor
                d = {}
                for g, _, x in fields(v):
                    d[g] = x
                tracks[d[1]] = {"name": d[2].decode(), "counter": 8 in d,
                                "parent": d.get(5)}
            elif f == 11:                          # TrackEvent
                ev = {"ts": ts, "ann": {}, "flow": [], "flow_end": [],
                      "extra_tracks": [], "extra_values": []}
                for g, _, x in fields(v):
                    if g == 9:
                        ev["type"] = x
                    elif g == 11:
                        ev["track"] = x
                    elif g == 10:
                        ev["name"] = names[2].get(x, "?%d" % x)
                    elif g == 31:
                        ev["extra_tracks"].append(x)
                    elif g == 12:
                        ev["extra_values"].append(sint64(x))
                    elif g == 47:
                        ev["flow"].append(x)
                    elif g == 48:
                        ev["flow_end"].append(x)
                    elif g == 4:
                        a = dict((h, y) for h, _, y in fields(x))
                        key = names[3].get(a.get(1), "?")
                        val = (names[29].get(a[17]) if 17 in a else
                               sint64(a[4]) if 4 in a else
                               bool(a[2]) if 2 in a else None)
                        ev["ann"][key] = val
                events.append(ev)
    return tracks, events


def main():
    if sys.argv[1] == "--decode":
        try:
            decode(sys.argv[2])
        except Bad as e:
            print("does not decode: %s" % e)
            sys.exit(1)
        sys.exit(0)
    path, report, label = sys.argv[1:4]

    def result(ok, desc, detail=""):
        print(("PASS " if ok else "FAIL ") + "%s: perfetto: %s" % (label, desc) +
              ("" if ok or not detail else " # " + detail))

    try:
        tracks, events = decode(path)
    except Bad as e:
        result(False, "the trace decodes", str(e))
        return
    rep = json.load(open(report))
    insts = rep["instances"]
    counters = {u: t for u, t in tracks.items() if t["counter"]}
    result(sorted(t["name"] for t in counters.values()) ==
           sorted(i["counter"] for i in insts),
           "%d counter tracks, one per counter instance" % len(counters),
           str(sorted(t["name"] for t in counters.values())))
    # Writes per context: instants that update a counter track.
    per_ctx = {}
    last = {}
    for e in sorted(events, key=lambda e: e["ts"]):
        if e["extra_tracks"]:
            ctx = tracks[e["track"]]["name"]
            per_ctx[ctx] = per_ctx.get(ctx, 0) + 1
            for u, v in zip(e["extra_tracks"], e["extra_values"]):
                last[tracks[u]["name"]] = v
    want = {}
    for i in insts:
        for w in i["writers"]:
            want[w["context"]] = want.get(w["context"], 0) + w["count"]
    result(per_ctx == want, "writes per context %s = the report's writers" %
           per_ctx, "report %s" % want)
    lv = {i["counter"]: i["last_value"] for i in insts}
    result(last == lv, "last value of each counter %s = the report's" % last,
           "report %s" % lv)
    flows = sum(len(e["flow"]) for e in events)
    ends = sum(len(e["flow_end"]) for e in events)
    lu = [f for f in rep["findings"] if f["class"] == "lost-update" and
          len(f["paths"]) == 2]
    result(flows == ends == len(lu),
           "%d flows, one per lost update kept (clobbered -> clobbering)" %
           flows, "%d ends, %d lost-update findings" % (ends, len(lu)))
    begins = sum(1 for e in events if e.get("type") == 1)
    endsl = sum(1 for e in events if e.get("type") == 2)
    result(begins == endsl == rep["phase7"]["rx_work_runs"],
           "%d sdio_rx_work slices = the report's %d runs" %
           (begins, rep["phase7"]["rx_work_runs"]), "%d ends" % endsl)
    nf = sum(1 for e in events
             if e.get("track") in tracks and
             tracks[e["track"]]["name"].endswith(" findings"))
    result(nf == len(rep["findings"]), "%d finding instants = the report's %d findings" %
           (nf, len(rep["findings"])))


main()
