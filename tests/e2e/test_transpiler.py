# SPDX-License-Identifier: MIT
"""--transpiler-map: Rust locations taken back to the original program in
every output; start-up listings; one clear error for a bad map."""
import json
import os
import re

import pytest

from conftest import FIXTURES, fixture, renacer, renacer_raw

MAP = os.path.join(os.path.dirname(__file__), "..", "fixtures", "transpiled_rs.map.json")


@pytest.fixture
def exe():
    if not os.path.exists(os.path.join(FIXTURES, "transpiled_rs")):
        pytest.skip("rustc not found at build time")
    return fixture("transpiled_rs")


def gen_line():
    src = os.path.join(os.path.dirname(MAP), "transpiled_rs.rs")
    return next(i for i, l in enumerate(open(src), 1) if "SITE gen_write" in l)


def test_text_location_is_the_python_line(exe):
    assert json.load(open(MAP))["mappings"][0]["rust_line"] == gen_line()
    r = renacer(["--transpiler-map", MAP, "-e", "trace=write"], [exe])
    assert r.rc == 0
    (line,) = [l for l in r.trace.splitlines() if l.startswith("write(")]
    m = re.search(r" \[(.*)\]$", line)
    assert m and re.fullmatch(r"sim\.py:25 in calculate_distance \(python; \S*transpiled_rs\.rs:%d\)" % gen_line(),
                              m.group(1)), line


def test_json_keeps_both_locations(exe):
    r = renacer(["--transpiler-map", MAP, "--format", "json", "-e", "trace=write"], [exe])
    (ev,) = json.loads(r.trace)["syscalls"]
    src = ev["source"]
    assert (src["file"], src["line"], src["function"], src["language"]) == \
        ("sim.py", 25, "calculate_distance", "python")
    assert src["generated"]["file"].endswith("transpiled_rs.rs") and src["generated"]["line"] == gen_line()
    assert src["generated"]["function"] == "transpiled_rs::calculate_distance"


def test_startup_listings(exe):
    p = renacer_raw(["--transpiler-map", MAP, "--rewrite-stacktrace", "--rewrite-errors", "-e", "trace=none",
                     "--", exe])
    assert p.returncode == 0
    assert "calculate_distance (transpiled_rs.rs:9) -> sim.py:25\n" in p.stdout
    assert "  transpiled_rs.rs:14 -> sim.py:30 (<module>)\n" in p.stdout
    assert "===" not in p.stdout
    p = renacer_raw(["--transpiler-map", MAP, "--rewrite-errors", "--show-transpiler-context", "-e",
                     "trace=none", "--", exe])
    assert "=== Error Correlation Mapping ===\nErrors in transpiled_rs.rs will map to sim.py\n" in p.stdout
    assert "Available Line Mappings (2 entries):" in p.stdout


def test_function_time_uses_original_names(exe):
    r = renacer(["-q", "--transpiler-map", MAP, "--function-time", "-e", "trace=write"], [exe])
    assert "<module> → calculate_distance" in r.trace


@pytest.mark.parametrize("content,needle", [
    (None, "cannot open source map"),
    ("{not json", "invalid source map"),
    ('{"version": 2, "source_language": "python", "source_file": "a.py", "generated_file": "a.rs",'
     ' "mappings": [], "function_map": {}}', "unsupported source map version 2"),
    ('{"version": 1, "source_language": "", "source_file": "a.py", "generated_file": "a.rs",'
     ' "mappings": [], "function_map": {}}', "source_language"),
    ('{"version": 1, "source_language": "python", "source_file": "a.py", "generated_file": "a.rs",'
     ' "mappings": [{"rust_line": 3}], "function_map": {}}', "python_line"),
])
def test_bad_map_one_error_line(tmp_path, content, needle):
    path = tmp_path / "map.json"
    if content is not None:
        path.write_text(content)
    p = renacer_raw(["--transpiler-map", str(path), "--", "true"])
    assert p.returncode == 1
    assert p.stderr.count("\n") == 1 and needle in p.stderr, p.stderr
    assert p.stdout == ""


def test_listing_flags_need_a_map():
    p = renacer_raw(["--rewrite-errors", "--", "true"])
    assert p.returncode == 2 and "--transpiler-map" in p.stderr
