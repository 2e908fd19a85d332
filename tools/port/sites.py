#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# The porting kit's two readers of C text (tools/port/README.md):
#
#   sites.py raw DIR      field accesses of the three counters left in the
#                         .c/.h files of DIR outside "#if 0" (not the
#                         accessors' own &base->field): file:line: text
#   sites.py table PATCH ORIGINAL_DIR
#                         the site table of the kit's patch: every field
#                         access it rewrote, with file:line (in the
#                         original), function, read or write, old and new
#                         text, then the totals per counter
import os
import re
import sys

FIELDS = ("hw_bufs_used_vif", "hw_bufs_used", "wsm_tx_pending")
ACCESS = re.compile(r"(->|\.)\s*(%s)\b" % "|".join(FIELDS))
# The start of the base expression before an access: identifiers, ->, .,
# and [..] of an index.
BASE = re.compile(r"[\w\]\[>.\-]*$")
WRITE = re.compile(r"^\s*(\[[^]]*\])?\s*(\+\+|--|[-+*/|&]?=(?!=))")


def live_lines(path):
    """Lines outside #if 0 (and outside its #elif/#else-less nesting)."""
    stack = []
    for n, line in enumerate(open(path, errors="replace"), 1):
        s = line.strip()
        if re.match(r"#\s*if", s):
            stack.append(bool(re.match(r"#\s*if\s+0\b", s)))
            continue
        if re.match(r"#\s*(else|elif)", s) and stack:
            # The #else of an #if 0 is live; of anything else, unchanged.
            stack[-1] = False if stack[-1] else stack[-1]
            continue
        if re.match(r"#\s*endif", s) and stack:
            stack.pop()
            continue
        if not any(stack):
            yield n, line


def raw(top):
    for root, _, files in sorted(os.walk(top)):
        for f in sorted(files):
            if not f.endswith((".c", ".h")) or "/include/" in root + "/":
                continue
            path = os.path.join(root, f)
            for n, line in live_lines(path):
                for m in ACCESS.finditer(line):
                    before = BASE.sub("", line[:m.start()]).rstrip()
                    if before.endswith("&"):
                        continue
                    print("%s:%d: %s" % (os.path.relpath(path, top), n,
                                         line.strip()))


def functions(path):
    """Per line of a C file, the function it is in ("-" outside one).

    Braces are counted in one branch of an #if only (the first, or the
    #else of an #if 0): code whose #ifdef branches each open a brace would
    count it twice otherwise.
    """
    names, cur, depth, pending = [], "-", 0, None
    head = re.compile(r"^[A-Za-z_][\w\s\*]*?\b(\w+)\s*\([^;]*$")
    branch = []
    for line in open(path, errors="replace"):
        s = line.strip()
        if re.match(r"#\s*if", s):
            # #if 0 is never compiled: its #else branch is the one to count.
            branch.append(bool(re.match(r"#\s*if\s+0\b", s)))
        elif re.match(r"#\s*(else|elif)", s) and branch:
            branch[-1] = not branch[-1]
        elif re.match(r"#\s*endif", s) and branch:
            branch.pop()
        m = head.match(line)
        if depth == 0 and m and not line.startswith(("EXPORT_", "MODULE_")):
            pending = m.group(1)
        if depth == 0 and pending and "{" in line:
            cur, pending = pending, None
        names.append(cur if depth or "{" in line else "-")
        if not any(branch):
            depth += line.count("{") - line.count("}")
        if depth <= 0:
            depth, cur = 0, "-"
    return names


def changes(patch):
    """(file, [(old_line_no, text)], [new texts]) per run of changes."""
    name = None
    for block in re.split(r"^(?=@@ |diff )", open(patch).read(), flags=re.M):
        if block.startswith("diff "):
            m = re.search(r"^\+\+\+ b/(\S+)", block, re.M)
            name = m and m.group(1)
            continue
        m = re.match(r"@@ -(\d+)(?:,\d+)? \+\d+(?:,\d+)? @@", block)
        if not m or not name:
            continue
        old = int(m.group(1))
        minus, plus = [], []
        for line in block.split("\n")[1:]:
            if line.startswith("-"):
                if plus:
                    yield name, minus, plus
                    minus, plus = [], []
                minus.append((old, line[1:]))
                old += 1
            elif line.startswith("+"):
                plus.append(line[1:].strip())
            else:
                if minus or plus:
                    yield name, minus, plus
                minus, plus = [], []
                if line.startswith(" "):
                    old += 1
        if minus or plus:
            yield name, minus, plus


def table(patch, orig):
    totals, funcs = {}, {}
    print("%-26s %-30s %-5s %-16s %s -> %s" % ("FILE:LINE", "FUNCTION",
                                               "KIND", "COUNTER", "OLD",
                                               "NEW"))
    for name, minus, plus in changes(patch):
        new = re.sub(r"\s+", " ", " ".join(plus))
        if name not in funcs:
            path = os.path.join(orig, name)
            funcs[name] = functions(path) if os.path.exists(path) else []
        for n, text in minus:
            for m in ACCESS.finditer(text):
                field = m.group(2)
                kind = "write" if WRITE.match(text[m.end():]) or \
                    re.search(r"(\+\+|--)\s*[\w\]\[>.\-]*$",
                              text[:m.start()]) else "read"
                totals[(field, kind)] = totals.get((field, kind), 0) + 1
                fn = funcs[name][n - 1] if n <= len(funcs[name]) else "-"
                print("%-26s %-30s %-5s %-16s %s -> %s" % (
                    "%s:%d" % (name, n), fn, kind, field, text.strip(),
                    new[:200] + ("..." if len(new) > 200 else "")))
    print()
    total = 0
    for field in FIELDS[::-1]:
        r = totals.get((field, "read"), 0)
        w = totals.get((field, "write"), 0)
        total += r + w
        print("sites: %-17s %3d reads, %3d writes" % (field, r, w))
    print("sites: total %d" % total)


def main():
    if sys.argv[1:2] == ["raw"] and len(sys.argv) == 3:
        raw(sys.argv[2])
    elif sys.argv[1:2] == ["table"] and len(sys.argv) == 4:
        table(sys.argv[2], sys.argv[3])
    else:
        sys.exit("usage: sites.py raw DIR | table PATCH ORIGINAL_DIR")


if __name__ == "__main__":
    main()
