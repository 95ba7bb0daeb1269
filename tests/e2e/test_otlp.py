# SPDX-License-Identifier: MIT
"""--otlp-endpoint: spans reach a strict OTLP/HTTP JSON receiver, one per
syscall under one span per process under the run's root span; the W3C
traceparent joins an existing trace and reaches the program; Lamport clocks
order fork/wait; a dead or failing collector costs one warning, nothing
else."""
import json
import os
import socket

import pytest

from conftest import fixture, renacer
from otlp_receiver import Receiver


def by_kind(spans):
    roots = [s for s in spans if "parentSpanId" not in s or s["attrs"].get("renacer.processes") is not None]
    procs = [s for s in spans if s["name"].startswith("process ")]
    calls = [s for s in spans if "syscall.name" in s["attrs"]]
    return roots, procs, calls


def test_spans_mirror_the_trace():
    with Receiver() as rx:
        r = renacer(["-f", "--format", "json", "--otlp-endpoint", rx.url, "--otlp-service-name", "e2e-svc"],
                    [fixture("structured")])
    assert r.rc == 0 and not rx.errors, rx.errors
    doc = json.loads(r.trace)
    roots, procs, calls = by_kind(rx.spans)
    # One span per traced call, the same calls the JSON lists.
    assert sorted(c["attrs"]["syscall.name"] for c in calls) == sorted(e["name"] for e in doc["syscalls"])
    assert len(roots) == 1 and "parentSpanId" not in roots[0]
    root = roots[0]
    assert root["kind"] == 2 and root["attrs"]["process.exit_code"] == 0
    # Two processes, parented to the root; every call parented to its process.
    assert len(procs) == 2 and all(p["parentSpanId"] == root["spanId"] for p in procs)
    proc_ids = {p["spanId"]: p["attrs"]["process.pid"] for p in procs}
    for c in calls:
        assert proc_ids[c["parentSpanId"]] == c["attrs"]["thread.id"]
    assert len({s["traceId"] for s in rx.spans}) == 1
    # Attribute names and types.
    failed = [c for c in calls if c["attrs"].get("syscall.error") == "ENOENT"]
    assert failed and failed[0]["status"]["code"] == 2 and failed[0]["attrs"]["syscall.result"] == -2
    for c in calls:
        a = c["attrs"]
        assert isinstance(a["syscall.duration_us"], int) and isinstance(a["renacer.lamport"], int)
        assert isinstance(a["syscall.args"], str) and isinstance(a["syscall.return"], str)
    exits = sorted(p["attrs"]["process.exit_code"] for p in procs)
    assert exits == [0, 3]
    res = rx.spans[0]["resource"]
    assert res["service.name"] == "e2e-svc" and res["host.name"] == socket.gethostname()
    assert res["process.command_line"] == fixture("structured")


def test_threads_share_their_process_span():
    with Receiver() as rx:
        r = renacer(["-f", "--otlp-endpoint", rx.url], [fixture("threads")])
    assert r.rc == 0 and not rx.errors
    _, procs, calls = by_kind(rx.spans)
    # Three tasks (main and two threads), one process.
    assert len(procs) == 1, [p["name"] for p in procs]
    assert len({c["attrs"]["thread.id"] for c in calls}) == 3
    assert all(c["parentSpanId"] == procs[0]["spanId"] for c in calls)
    assert procs[0]["attrs"]["process.exit_code"] == 0


def test_source_attributes():
    with Receiver() as rx:
        renacer(["--source", "--otlp-endpoint", rx.url, "-e", "trace=getppid"], [fixture("src_sites")])
    _, _, calls = by_kind(rx.spans)
    (c,) = calls
    assert c["attrs"]["code.filepath"].endswith("src_sites.c")
    assert isinstance(c["attrs"]["code.lineno"], int) and c["attrs"]["code.function"] == "helper"


def test_trace_parent_joins_and_reaches_the_program():
    tp = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    with Receiver() as rx:
        r = renacer(["--otlp-endpoint", rx.url, "--trace-parent", tp], [fixture("print_env"), "TRACEPARENT"])
    assert r.rc == 0
    roots, _, _ = by_kind(rx.spans)
    root = [s for s in rx.spans if s["attrs"].get("renacer.processes") is not None][0]
    assert {s["traceId"] for s in rx.spans} == {"4bf92f3577b34da6a3ce929d0e0e4736"}
    assert root["parentSpanId"] == "00f067aa0ba902b7"
    # The program sees renacer's root span as its parent.
    assert r.stdout.strip() == "00-4bf92f3577b34da6a3ce929d0e0e4736-%s-01" % root["spanId"]


def test_lamport_order_follows_fork_and_wait():
    with Receiver() as rx:
        renacer(["-f", "--otlp-endpoint", rx.url], [fixture("slow_io")])
    _, procs, calls = by_kind(rx.spans)
    parent = [p for p in procs if "process.parent_pid" not in p["attrs"]][0]
    child = [p for p in procs if "process.parent_pid" in p["attrs"]][0]
    ppid, cpid = parent["attrs"]["process.pid"], child["attrs"]["process.pid"]
    pcalls = sorted((c for c in calls if c["attrs"]["thread.id"] == ppid), key=lambda c: c["start"])
    ccalls = [c for c in calls if c["attrs"]["thread.id"] == cpid]
    clone = [c for c in pcalls if c["attrs"]["syscall.name"] in ("clone", "clone3", "fork", "vfork")][0]
    before_fork = [c for c in pcalls if c["start"] < clone["start"]]
    assert max(c["attrs"]["renacer.lamport"] for c in before_fork) < min(c["attrs"]["renacer.lamport"]
                                                                         for c in ccalls)
    wait = [c for c in pcalls if c["attrs"]["syscall.name"] == "wait4"][0]
    assert wait["attrs"]["renacer.lamport"] > child["attrs"]["renacer.lamport"]
    # Within a process the clock follows the order of the calls.
    lam = [c["attrs"]["renacer.lamport"] for c in pcalls]
    assert lam == sorted(lam)


def test_sampling_keeps_slow_calls_and_errors():
    with Receiver() as rx:
        renacer(["-f", "--otlp-endpoint", rx.url, "--otlp-sample-threshold-us", "20000"], [fixture("slow_io")])
    _, procs, calls = by_kind(rx.spans)
    names = [c["attrs"]["syscall.name"] for c in calls]
    assert "read" in names  # the 50 ms read
    assert all(c["end"] - c["start"] >= 20000000 or c["attrs"].get("syscall.error") for c in calls)
    skipped = sum(p["attrs"]["renacer.skipped_spans"] for p in procs)
    assert skipped > 10


@pytest.mark.parametrize("mode", ["down", "503"])
def test_dead_collector_costs_one_warning(mode):
    if mode == "down":
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        url = "http://127.0.0.1:%d" % s.getsockname()[1]
        s.close()
        r = renacer(["-f", "--otlp-endpoint", url, "-e", "trace=write"], [fixture("structured")])
    else:
        with Receiver("503") as rx:
            r = renacer(["-f", "--otlp-endpoint", rx.url, "-e", "trace=write"], [fixture("structured")])
        assert rx.requests >= 2  # retried
    assert r.rc == 0
    assert r.stdout.startswith("a,b")
    # The trace itself is complete.
    assert sum(1 for l in r.trace.splitlines() if "write(" in l) == 2
    warn = [l for l in r.stderr.splitlines() if "OTLP" in l]
    assert len(warn) == 1 and "spans not delivered" in warn[0], r.stderr


@pytest.mark.parametrize("args", [["--otlp-endpoint", "ftp://x"], ["--otlp-endpoint", "http://x", "--trace-parent", "00-zz"],
                                  ["--otlp-endpoint", "http://x", "--otlp-header", "novalue"],
                                  ["--otlp-endpoint", "http://x", "--otlp-batch-size", "0"]])
def test_bad_otlp_flags(args):
    from conftest import renacer_raw
    p = renacer_raw(args + ["--", "true"])
    assert p.returncode == 2 and p.stderr.count("\n") == 1, p.stderr


def test_headers_are_sent():
    with Receiver() as rx:
        renacer(["--otlp-endpoint", rx.url, "--otlp-header", "Authorization=Bearer t0ken", "-e", "trace=none"],
                [fixture("hello")])
    assert rx.headers.get("Authorization") == "Bearer t0ken"


def test_batches_leave_on_timeout_while_the_program_runs(tmp_path):
    """A partial batch is sent after --otlp-batch-timeout-ms, not only when
    full or at exit: spans of a long-running program arrive while it runs."""
    import subprocess
    import time
    from conftest import RENACER
    with Receiver() as rx:
        p = subprocess.Popen([RENACER, "-q", "-o", str(tmp_path / "t"), "--otlp-endpoint", rx.url,
                              "--otlp-batch-timeout-ms", "200", "-e", "trace=write", "--",
                              fixture("sleeper"), str(tmp_path / "out")])
        try:
            deadline = time.time() + 10
            while time.time() < deadline and not rx.spans:
                time.sleep(0.05)
            assert rx.spans, "no span arrived while the program ran"
            assert p.poll() is None
        finally:
            # renacer detaches on SIGTERM and the program runs on: end it too.
            try:
                kids = [int(k) for k in open("/proc/%d/task/%d/children" % (p.pid, p.pid)).read().split()]
            except OSError:
                kids = []
            p.terminate()
            p.wait(timeout=10)
            for k in kids:
                try:
                    os.kill(k, 9)
                except OSError:
                    pass
    assert all(s["attrs"].get("syscall.name") in (None, "write") for s in rx.spans)


@pytest.mark.parametrize("channel", ["pipe", "sock", "tcp"])
def test_lamport_order_across_a_pipe(channel):
    """slow_io: the child writes the pipe (or unix socket pair) after 50 ms,
    the parent's read returns it; the read's clock is past the write's
    though the parent made no call in between that would have told it."""
    with Receiver() as rx:
        renacer(["-f", "--otlp-endpoint", rx.url, "-e", "trace=read,write"], [fixture("slow_io"), channel])
    _, procs, calls = by_kind(rx.spans)
    child = [p for p in procs if "process.parent_pid" in p["attrs"]][0]["attrs"]["process.pid"]
    (w,) = [c for c in calls if c["attrs"]["syscall.name"] == "write" and c["attrs"]["thread.id"] == child]
    rd = [c for c in calls if c["attrs"]["syscall.name"] == "read" and c["attrs"]["thread.id"] != child][-1]
    assert rd["attrs"]["renacer.lamport"] > w["attrs"]["renacer.lamport"]
