#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# Opens a bes2600-top --html report in headless Chromium as a reader
# would: its DOM must hold the report's findings and one SVG timeline per
# counter instance with one series per writing context (from the JSON
# report of the same run); a screenshot of it must show the contexts'
# colours, so that it is not blank.  The PNG is decoded here (zlib).
#
#   html_check.py REPORT.html REPORT.json SCREENSHOT.png LABEL
import json
import re
import struct
import subprocess
import sys
import zlib

html, report, png, label = sys.argv[1:5]
PALETTE = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00",
           "#f0e442", "#000000"]


def result(ok, desc, detail=""):
    print(("PASS " if ok else "FAIL ") + "%s: html: %s" % (label, desc) +
          ("" if ok or not detail else " # " + detail))


def chromium(*args):
    return subprocess.run(["chromium", "--headless", "--no-sandbox",
                           "--disable-gpu", "--no-first-run",
                           "--user-data-dir=/tmp/bes2600-chromium"] +
                          list(args), capture_output=True, text=True,
                          timeout=120)


def pixels(path):
    """The set of (r, g, b) of an 8-bit RGB or RGBA PNG."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    i, idat, w = 8, b"", 0
    while i < len(data):
        n, kind = struct.unpack(">I4s", data[i:i + 8])
        body = data[i + 8:i + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
            if depth != 8 or ctype not in (2, 6):
                raise ValueError("PNG type %d/%d" % (depth, ctype))
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        i += 12 + n
    raw = zlib.decompress(idat)
    stride = w * bpp
    prev = bytearray(stride)
    seen = set()
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else
                                      b if pb <= pc else c)) & 255
        for x in range(0, stride, bpp):
            seen.add(tuple(line[x:x + 3]))
        prev = line
    return seen


rep = json.load(open(report))
r = chromium("--dump-dom", "file://" + html)
dom = r.stdout
result(r.returncode == 0 and "<svg" in dom, "Chromium opens it",
       r.stderr.strip()[-200:])
svgs = re.findall(r'<svg class="timeline" data-counter="([^"]*)"', dom)
streamed = [i for i in rep["instances"]
            if sum(w["count"] for w in i["writers"])]
with_writes = [i["counter"] for i in rep["instances"]]
result(len(svgs) <= len(with_writes) and set(svgs) <= set(with_writes) and svgs,
       "%d SVG timelines, for counter instances of the report" % len(svgs),
       "%s vs %s" % (svgs, with_writes))
bad = []
for name in svgs:
    i = [x for x in rep["instances"] if x["counter"] == name][0]
    part = dom.split('data-counter="%s"' % name, 1)[1].split("</svg>", 1)[0]
    series = re.findall(r'<g class="series" data-context="([^"]*)"', part)
    want = sorted({w["context"] for w in i["writers"]})
    if sorted(series) != want:
        bad.append("%s: %s, writers %s" % (name, series, want))
result(not bad, "each timeline has one series per writing context", "; ".join(bad))
text = re.sub(r"<[^>]+>", "", dom)
missing = [c for c, s in rep["summary"].items()
           if s["findings"] - s["suppressed"] and
           ("SUMMARY: %s" % c) not in text]
classes = [c for c, s in rep["summary"].items() if s["findings"]]
result(not missing and ("%d error" % rep["errors"]) in text,
       "the page names the findings (%s) and the %d errors" %
       (", ".join(classes) or "none", rep["errors"]), str(missing))
r = chromium("--screenshot=" + png, "--window-size=1200,1600",
             "--hide-scrollbars", "file://" + html)
try:
    seen = pixels(png)
except (OSError, ValueError, zlib.error) as e:
    result(False, "a screenshot", str(e))
    sys.exit(0)
colours = {tuple(int(c[i:i + 2], 16) for i in (1, 3, 5)) for c in PALETTE[:6]}
shown = colours & seen
result(len(seen) > 10 and shown,
       "the screenshot is not blank: %d colours, %d of the contexts' palette" %
       (len(seen), len(shown)))
