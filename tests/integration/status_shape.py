#!/usr/bin/env python3
# status_shape.py - check `redox-netsetup status --json` output against the shape its man page
# documents (the block between "json-shape-begin" and "json-shape-end"): every member
# documented, every required one present, each of its documented type.
# usage: status_shape.py MANPAGE JSONFILE; exits 1 naming each difference.
import json
import re
import sys

TYPES = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "array": lambda v: isinstance(v, list),
    "null": lambda v: v is None,
}


def load_shape(page):
    text = open(page, encoding="utf-8").read()
    block = re.search(r"json-shape-begin[^\n]*\n(.*?)\n[^\n]*json-shape-end", text, re.S)
    if not block:
        sys.exit("%s: no json-shape block" % page)
    shape = {}
    for line in block.group(1).splitlines():
        if line.startswith("."):
            continue
        fields = line.split(None, 2)
        rest = fields[2] if len(fields) > 2 else ""
        shape[fields[0]] = {
            "types": fields[1].split("|"),
            "optional": rest.startswith("optional"),
            "of_string": rest.startswith("of string"),
        }
    return shape


def check(shape, prefix, obj, errors):
    members = {p[len(prefix):]: d for p, d in shape.items()
               if p.startswith(prefix) and "." not in p[len(prefix):] and "[" not in p[len(prefix):]}
    for key in obj:
        if key not in members:
            errors.append("undocumented member %s%s" % (prefix, key))
    for key, d in members.items():
        path = prefix + key
        if key not in obj:
            if not d["optional"]:
                errors.append("missing member %s" % path)
            continue
        value = obj[key]
        if not any(TYPES[t](value) for t in d["types"]):
            errors.append("%s is %r, not %s" % (path, value, "|".join(d["types"])))
            continue
        if isinstance(value, list):
            sub = path + "[]."
            has_members = any(p.startswith(sub) for p in shape)
            for i, item in enumerate(value):
                if has_members:
                    if not isinstance(item, dict):
                        errors.append("%s[%d] is not an object" % (path, i))
                    else:
                        check(shape, sub, item, errors)
                elif d["of_string"] and not isinstance(item, str):
                    errors.append("%s[%d] is not a string" % (path, i))


def main():
    shape = load_shape(sys.argv[1])
    with open(sys.argv[2], encoding="utf-8") as f:
        doc = json.load(f)
    if not isinstance(doc, dict):
        sys.exit("the output is not one object")
    errors = []
    check(shape, "", doc, errors)
    for e in errors:
        print(e)
    sys.exit(1 if errors else 0)


main()
