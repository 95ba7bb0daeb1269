#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Print the one-line test summary CI ends with, from the builds' meson test
logs and the e2e suite's JUnit file: usage: test_summary.py BUILD_DIR..."""
import json
import os
import sys
import xml.etree.ElementTree as ET


def main():
    parts, bad = [], 0
    for b in sys.argv[1:]:
        log = os.path.join(b, "meson-logs", "testlog.json")
        if not os.path.exists(log):
            continue
        ok = fail = 0
        for line in open(log):
            t = json.loads(line)
            if t["result"] in ("OK", "EXPECTEDFAIL", "SKIP"):
                ok += 1
            else:
                fail += 1
        junit = os.path.join(b, "tests", "e2e-junit.xml")
        e2e = ""
        if os.path.exists(junit):
            s = ET.parse(junit).getroot()
            s = s if s.tag == "testsuite" else s.find("testsuite")
            n, f, e, sk = (int(s.get(k, 0)) for k in ("tests", "failures", "errors", "skipped"))
            e2e = ", e2e %d passed %d failed %d skipped" % (n - f - e - sk, f + e, sk)
            fail += f + e
        parts.append("%s: %d suites ok, %d failed%s" % (b, ok, fail, e2e))
        bad += fail
    print("TEST SUMMARY: %s -> %s" % ("; ".join(parts), "FAIL" if bad else "PASS"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
