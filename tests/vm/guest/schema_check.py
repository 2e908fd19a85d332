#!/usr/bin/python3
# Validates real outputs against the installed-to-be JSON Schemas
# (schemas/, draft 2020-12, with Debian's python3-jsonschema): a report
# (.json) whole, a --jsonl capture (.jsonl) line by line.  One "PASS" or
# "FAIL desc # detail" line per file.
#
#   schema_check.py SCHEMA.json FILE...
import json
import os
import sys

try:
    import jsonschema
except ImportError:
    # A root without it must not pass for one whose reports are valid.
    for path in sys.argv[2:]:
        print("FAIL %s valid against %s # python3-jsonschema is not "
              "installed" % (os.path.basename(path),
                             os.path.basename(sys.argv[1])))
    sys.exit(0)

schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
v = jsonschema.Draft202012Validator(schema)
name = os.path.basename(sys.argv[1])
for path in sys.argv[2:]:
    desc = "%s valid against %s" % (os.path.basename(path), name)
    try:
        if path.endswith(".jsonl"):
            docs = [json.loads(x) for x in open(path) if x.strip()]
        else:
            docs = [json.load(open(path))]
        if not docs:
            print("FAIL %s # empty" % desc)
            continue
        for d in docs:
            v.validate(d)
        print("PASS %s (%d %s)" % (desc, len(docs),
                                   "line" if len(docs) == 1 else "lines"))
    except (ValueError, jsonschema.ValidationError) as e:
        where = "/".join(str(x) for x in getattr(e, "absolute_path", []))
        print("FAIL %s # %s at %s" % (desc, getattr(e, "message", e), where))
