# SPDX-License-Identifier: MIT
"""--format json and csv: the documents are complete and valid whatever ends
the run, hold what the text trace holds, and quote what must be quoted."""
import csv
import io
import json
import os
import re
import signal
import subprocess
import tempfile
import time

import jsonschema
import pytest

from conftest import _PIDPFX, RENACER, comparable, fixture, renacer, renacer_raw, strace

SCHEMA = json.load(open(os.path.join(os.path.dirname(__file__), "../../docs/renacer-json-v1.schema.json")))


def load_json(text):
    doc = json.loads(text)
    jsonschema.validate(doc, SCHEMA)
    return doc


def line_of(ev):
    """The strace-style line a JSON syscall object stands for."""
    return "%s(%s) = %s" % (ev["name"], ", ".join(ev["args"]), ev["return"])


def test_json_valid_and_matches_strace():
    opts = ["-f", "-e", "trace=openat,write,exit_group"]
    r = renacer(["--format", "json"] + opts, [fixture("structured")])
    assert r.rc == 0, r.stderr
    doc = load_json(r.trace)
    assert doc["format"] == "renacer-json-v1"
    assert doc["command"] == [fixture("structured")]
    # Every event holds what strace prints for the same call, split per argument.
    s = strace(opts, [fixture("structured")])
    # strace pads results to column 40 and splits calls interrupted by
    # another task into two lines; compare the complete ones.
    theirs = sorted(re.sub(r" +=", " =", _PIDPFX.sub("", l)) for l in comparable(s.trace)
                    if "(" in l and "resumed>" not in l and "<unfinished" not in l)
    ours = sorted(comparable("\n".join(line_of(e) for e in doc["syscalls"])))
    assert {t.split("(")[0] for t in theirs} == {"openat", "write", "exit_group"}
    for t in theirs:
        assert t in ours, "strace line %r missing from the JSON events:\n%s" % (t, "\n".join(ours))
    # Two processes: the parent and the child that exits with 3.
    pids = {e["pid"] for e in doc["syscalls"]}
    assert len(pids) == 2
    exits = sorted(p["status"] for p in doc["processes"] if p["event"] == "exited")
    assert exits == [0, 3]
    assert doc["summary"]["exit_code"] == 0 and doc["summary"]["interrupted"] is False


def test_json_error_fields_and_summary_consistent():
    r = renacer(["--format", "json", "-f"], [fixture("structured")])
    doc = load_json(r.trace)
    failed = [e for e in doc["syscalls"] if e["name"] == "openat" and "nonexistent" in e["args"][1]]
    assert len(failed) == 1
    ev = failed[0]
    assert ev["result"] == -2 and ev["error"] == "ENOENT"
    assert ev["return"] == "-1 ENOENT (No such file or directory)"
    # The escaped path survives JSON: quotes and backslashes round-trip.
    assert ev["args"][1] == '"/nonexistent/with,comma\\"quote"'
    # The summary counts exactly the listed events.
    # Calls that never returned (exit_group) are listed without a result
    # and, as in strace -c, not counted.
    counts = {}
    for e in doc["syscalls"]:
        if "result" in e:
            counts[e["name"]] = counts.get(e["name"], 0) + 1
        else:
            assert e["return"] == "?"
    assert "exit_group" in {e["name"] for e in doc["syscalls"]}
    summ = {row["name"]: row["calls"] for row in doc["summary"]["syscalls"]}
    assert summ == counts
    assert doc["summary"]["total_syscalls"] == sum(counts.values())
    assert doc["summary"]["total_errors"] == sum(1 for e in doc["syscalls"] if "error" in e)
    for e in doc["syscalls"]:
        assert e["duration_us"] == e["duration_ns"] // 1000
    starts = [e["start_ns"] for e in doc["syscalls"] if e["pid"] == doc["syscalls"][0]["pid"]]
    assert starts == sorted(starts)


def test_json_counts_equal_strace_c():
    """Per-syscall counts in the JSON summary equal strace -c's on the same
    program (execve excluded: strace counts the one it makes itself)."""
    r = renacer(["--format", "json", "-f"], [fixture("structured")])
    doc = load_json(r.trace)
    s = strace(["-f", "-c", "-U", "name,calls"], [fixture("structured")])
    theirs = {}
    for line in s.trace.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[1].isdigit() and parts[0] != "total":
            theirs[parts[0]] = int(parts[1])
    ours = {row["name"]: row["calls"] for row in doc["summary"]["syscalls"]}
    assert theirs, s.trace
    assert ours == theirs


def test_json_valid_when_program_crashes():
    r = renacer(["--format", "json", "-f"], [fixture("structured"), "crash"])
    assert r.rc == 128 + signal.SIGSEGV
    doc = load_json(r.trace)
    killed = [p for p in doc["processes"] if p["event"] == "killed"]
    assert len(killed) == 1 and killed[0]["signal"] == "SIGSEGV"
    assert any(p["event"] == "signal" and p["signal"] == "SIGSEGV" and "si_signo=SIGSEGV" in p["siginfo"]
               for p in doc["processes"])
    assert doc["summary"]["exit_code"] == 128 + signal.SIGSEGV


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_json_valid_when_interrupted(sig):
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "t.json")
        p = subprocess.Popen([RENACER, "--format", "json", "-o", out, "--", fixture("structured"), "wait"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        # Wait until the program is parked in pause().
        deadline = time.time() + 10
        child = None
        while time.time() < deadline and child is None:
            for pid in os.listdir("/proc"):
                if pid.isdigit() and int(pid) != p.pid:
                    try:
                        if open("/proc/%s/cmdline" % pid, "rb").read().startswith(fixture("structured").encode() + b"\0wait"):
                            if open("/proc/%s/wchan" % pid).read() != "0" or True:
                                child = int(pid)
                    except OSError:
                        pass
            time.sleep(0.05)
        assert child, "traced program not found"
        time.sleep(0.3)
        p.send_signal(sig)
        p.wait(timeout=10)
        try:
            os.kill(child, 0)
            alive = True
        except ProcessLookupError:
            alive = False
        assert alive, "the traced program must survive renacer's exit"
        os.kill(child, signal.SIGKILL)
        doc = load_json(open(out).read())
        assert doc["summary"]["interrupted"] is True
        assert any(e["name"] == "wait4" for e in doc["syscalls"])


def test_json_to_stdout_is_one_document_after_program_output():
    p = renacer_raw(["--format", "json", "--", fixture("structured")])
    assert p.returncode == 0
    head, sep, rest = p.stdout.partition("{\n")
    assert sep, p.stdout
    # The program's own output comes first, whole; the document follows intact.
    assert head.startswith("a,b \"quoted\"")
    load_json(sep + rest)


def test_csv_rows_parse_back():
    r = renacer(["--format", "csv", "-f"], [fixture("structured")])
    assert r.rc == 0
    rows = list(csv.reader(io.StringIO(r.trace)))
    assert rows[0] == ["time", "pid", "syscall", "arguments", "result", "error", "duration_us"]
    body = rows[1:]
    assert all(len(row) == 7 for row in body), [row for row in body if len(row) != 7]
    # The same run as text: every CSV row is a text line's content.
    t = renacer(["-f", "-e", "trace=write,openat"], [fixture("structured")])
    text = [_PIDPFX.sub("", l) for l in comparable(t.trace)]
    for row in body:
        if row[2] not in ("write", "openat"):
            continue
        assert any(l.startswith(row[2] + "(" + comparable(row[3])[0] + ")") for l in text if comparable(row[3])), row
    write = [row for row in body if row[2] == "write" and "quoted" in row[3]]
    assert len(write) == 1
    assert '"a,b \\"quoted\\" \\\\ <tag> & done\\n"' in write[0][3]
    failed = [row for row in body if row[2] == "openat" and "nonexistent" in row[3]]
    assert failed[0][4] == "-2" and failed[0][5] == "ENOENT"
    for row in body:
        float(row[0]), int(row[1]), float(row[6])


def test_csv_summary_with_c():
    r = renacer(["--format", "csv", "-c", "-f"], [fixture("structured")])
    rows = list(csv.reader(io.StringIO(r.trace)))
    assert rows[0] == ["syscall", "calls", "errors", "time_us", "percent_time"]
    j = load_json(renacer(["--format", "json", "-f"], [fixture("structured")]).trace)
    ours = {row[0]: (int(row[1]), int(row[2])) for row in rows[1:]}
    theirs = {row["name"]: (row["calls"], row["errors"]) for row in j["summary"]["syscalls"]}
    assert ours == theirs
    pct = sum(float(row[4]) for row in rows[1:])
    assert abs(pct - 100.0) < 0.1 * len(rows)
    # No text table alongside the CSV one.
    assert "% time" not in r.stderr


def test_json_with_c_keeps_table_on_stderr():
    r = renacer(["--format", "json", "-c"], [fixture("structured")])
    load_json(r.trace)
    assert "% time     seconds  usecs/call" in r.stderr


def test_bad_format_rejected():
    p = renacer_raw(["--format", "xml", "--", "true"])
    assert p.returncode == 2
    assert p.stderr.count("\n") == 1 and "xml" in p.stderr
