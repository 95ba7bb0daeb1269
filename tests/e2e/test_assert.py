# SPDX-License-Identifier: MIT
"""--assert renacer.toml: budgets that pass, fail, or only warn; exit
statuses that keep the program's own failure distinguishable; TOML errors
with file:line:column."""
import re

import pytest

from conftest import fixture, renacer, renacer_raw

BUDGETS = """
# a budget for the structured fixture
[[assertion]]
name = "few_calls"
type = "span_count"
max_spans = {max_spans}

[[assertion]]
name = "two_writes"
type = "span_count"
syscall = "write"
max_spans = {max_open}
fail_on_violation = {fail}

[[assertion]]
name = "quick_run"
type = "critical_path"
max_duration_ms = 60_000

[[assertion]]
name = "small_allocations"
type = "memory_usage"
max_bytes = 1048576       # 1 MiB
tracking_mode = "allocations"

[[assertion]]
name = "not_yet"
type = "anti_pattern"
pattern = "TightLoop"
threshold = 0.9
enabled = false
"""


def lines(r):
    return [l for l in (r.stderr + r.trace).splitlines() if re.match(r"^  (PASS|FAIL|WARN|SKIP)  ", l)]


def run(tmp_path, text, opts=(), cmd=None):
    p = tmp_path / "renacer.toml"
    p.write_text(text)
    return renacer(["-f", "-q", "-c", "--assert", str(p)] + list(opts), cmd or [fixture("structured")])


def test_budget_that_passes(tmp_path):
    r = run(tmp_path, BUDGETS.format(max_spans=1000, max_open=10, fail="true"))
    assert r.rc == 0, r.trace
    got = lines(r)
    assert [l.split()[0] for l in got] == ["PASS", "PASS", "PASS", "PASS", "SKIP"], got
    assert "Verdict: PASS (4 passed, 0 failed, 0 warnings, 1 disabled)" in r.trace


def test_budget_that_fails(tmp_path):
    r = run(tmp_path, BUDGETS.format(max_spans=10, max_open=10, fail="true"))
    assert r.rc == 4
    (few,) = [l for l in lines(r) if "few_calls" in l]
    m = re.search(r"FAIL  few_calls \(span_count\): syscalls (\d+) > 10 \(\+([\d.]+)%\)", few)
    assert m, few
    # The count is the -c table's total.
    total = int(re.search(r"^100\.00\s+\S+\s+\S+\s+(\d+)", r.trace, re.M).group(1))
    assert int(m.group(1)) == total
    assert abs(float(m.group(2)) - 100.0 * (total - 10) / 10) < 0.1
    assert "Verdict: FAIL" in r.trace


def test_warning_only_violation_exits_zero(tmp_path):
    # structured writes twice (parent and child): over a budget of 1. (Not
    # openat: how many the loader makes depends on LD_LIBRARY_PATH.)
    r = run(tmp_path, BUDGETS.format(max_spans=1000, max_open=1, fail="false"))
    assert r.rc == 0
    (w,) = [l for l in lines(r) if "two_writes" in l]
    assert w.startswith("  WARN") and w.endswith("[warning only]"), w
    assert "matching syscalls 2 > 1 (+100.0%)" in w


def test_program_failure_keeps_its_status(tmp_path):
    r = run(tmp_path, BUDGETS.format(max_spans=10, max_open=10, fail="true"), cmd=[fixture("structured"), "crash"])
    assert r.rc == 128 + 11  # SIGSEGV, not the assertion status


def test_tight_loop_detected(tmp_path):
    r = run(tmp_path, '[[assertion]]\nname = "loop"\ntype = "anti_pattern"\npattern = "TightLoop"\n'
                      'threshold = 0.5\n', cmd=["sh", "-c", "head -c 3000 /dev/zero | dd bs=1 of=/dev/null 2>/dev/null"])
    (l,) = lines(r)
    assert l.startswith("  FAIL  loop (anti_pattern): TightLoop"), l
    assert r.rc == 4


@pytest.mark.parametrize("text,where,needle", [
    ('[[assertion]]\nname = "x"\ntype = "span_count"\nmax_spans = 12x\n', ":4:13:", "not a valid value"),
    ('[[assertion]]\nname = "x\n', ":2:8:", "unterminated string"),
    ('[[assertion]]\nname = "x"\ntype = "latency"\n', ":3:8:", "unknown assertion type 'latency'"),
    ('[[assertion]]\nname = "x"\ntype = "span_count"\n', ":1:1:", "needs 'max_spans'"),
    ('[[assertion]]\nname = "x"\ntype = "span_count"\nmax_spans = 1\nmax_span = 2\n', ":5:12:", "unknown key"),
    ('[[assertion]]\nname = "x"\nname = "y"\n', ":3:", "duplicate key"),
    ('[[assertion]]\nname = "x"\ntype = "custom"\nexpression = "1"\n', ":3:8:", "not supported"),
])
def test_bad_toml_one_error_with_position(tmp_path, text, where, needle):
    p = tmp_path / "renacer.toml"
    p.write_text(text)
    r = renacer_raw(["--assert", str(p), "--", "true"])
    assert r.returncode == 1
    assert r.stderr.count("\n") == 1 and where in r.stderr and needle in r.stderr, r.stderr


def test_missing_file():
    r = renacer_raw(["--assert", "/nonexistent/renacer.toml", "--", "true"])
    assert r.returncode == 1 and "cannot open" in r.stderr
