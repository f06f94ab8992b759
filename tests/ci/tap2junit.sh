#!/usr/bin/env bash
# Turns every TAP log in each DIR (tests/run-suites.sh writes DIR/<suite>.tap) into a
# JUnit report DIR/<suite>.xml, for CI systems that show JUnit (GitLab's
# artifacts:reports:junit). `ok ... # skip` becomes <skipped/>, `not ok` a
# <failure/> carrying the diagnostic lines (`# ...`) that follow it.
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: tap2junit.sh DIR..." >&2; exit 2; }
shopt -s nullglob
for dir in "$@"; do
for tap in "$dir"/*.tap; do
  python3 - "$tap" "${tap%.tap}.xml" <<'PY'
import re, sys
from xml.sax.saxutils import escape, quoteattr

tap, out = sys.argv[1], sys.argv[2]
suite = tap.rsplit("/", 1)[-1][:-4]
cases = []          # [name, status, diagnostics]
for line in open(tap, errors="replace"):
    line = line.rstrip("\n")
    m = re.match(r"^(not ok|ok)\b\s*\d*\s*-?\s*(.*)$", line)
    if m:
        name, status = m.group(2), "passed" if m.group(1) == "ok" else "failed"
        if re.search(r"#\s*skip", name, re.I):
            status = "skipped"
            name = re.split(r"\s*#\s*skip", name, flags=re.I)[0]
        cases.append([name or "unnamed", status, []])
    elif line.startswith("#") and cases and cases[-1][1] == "failed":
        cases[-1][2].append(line[1:].strip())

count = lambda s: sum(1 for c in cases if c[1] == s)
with open(out, "w") as f:
    f.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    f.write('<testsuites><testsuite name=%s tests="%d" failures="%d" skipped="%d">\n'
            % (quoteattr(suite), len(cases), count("failed"), count("skipped")))
    for name, status, diag in cases:
        f.write('  <testcase classname=%s name=%s>' % (quoteattr(suite), quoteattr(name)))
        if status == "failed":
            f.write('<failure message="failed">%s</failure>' % escape("\n".join(diag)))
        elif status == "skipped":
            f.write("<skipped/>")
        f.write("</testcase>\n")
    f.write("</testsuite></testsuites>\n")
PY
done
done
