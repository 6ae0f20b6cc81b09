#!/usr/bin/env python3
"""Copies the gatekeeper-library's templates and the constraint of each of
their samples (the first sample of each constraint name: samples reuse names
with other parameters) into one flat directory; prints the template count.

    bench/library_policies.py LIBRARY_DIR OUT_DIR

Used by bench/audit_bench.sh and bench/load_bench.sh.
"""
import os
import re
import shutil
import sys

library, out = sys.argv[1], sys.argv[2]
seen, templates = set(), 0
for root, dirs, files in sorted(os.walk(library)):
    dirs.sort()
    if "template.yaml" not in files:
        continue
    name = os.path.basename(root)
    shutil.copy(os.path.join(root, "template.yaml"), os.path.join(out, name + "-template.yaml"))
    templates += 1
    samples = os.path.join(root, "samples")
    for sample in sorted(os.listdir(samples)) if os.path.isdir(samples) else []:
        constraint = os.path.join(samples, sample, "constraint.yaml")
        if not os.path.isfile(constraint):
            continue
        text = open(constraint).read()
        kind = re.search(r"^kind:\s*(\S+)", text, re.M).group(1)
        cname = re.search(r"^metadata:\s*\n(?:\s+.*\n)*?\s+name:\s*(\S+)", text, re.M).group(1)
        if (kind, cname) in seen:
            continue
        seen.add((kind, cname))
        shutil.copy(constraint, os.path.join(out, name + "-" + sample + "-constraint.yaml"))
print(templates)
