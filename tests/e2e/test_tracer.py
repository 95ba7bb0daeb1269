# SPDX-License-Identifier: MIT
"""The tracer itself: following tasks, execve, signals, attaching, summaries,
timestamps and filter push-down, checked against strace where it applies."""
import os
import re
import signal
import subprocess
import tempfile
import time

import pytest

from conftest import (RENACER, assert_same_trace, fixture, renacer, renacer_raw, strace)


def test_follow_threads_reports_every_task():
    r = renacer(["-f", "-e", "trace=write"], [fixture("threads")])
    assert r.rc == 0
    writes = [l for l in r.lines if "write(1" in l]
    assert len(writes) == 3
    # -o with -f: every line starts with the task's pid, as strace does.
    pids = {l.split()[0] for l in writes}
    assert len(pids) == 3, writes
    assert all(re.match(r"^\d+\s+write\(1, ", l) for l in writes)
    assert r.stdout == "thread a\nthread b\nmain done\n"


def test_follow_threads_same_as_strace():
    assert_same_trace(["-f", "-e", "trace=write"], [fixture("threads")],
                      drop=())


def _strip_pids(lines):
    return [re.sub(r"^\d+\s+", "", l) for l in lines]


def test_exec_from_non_leader_thread():
    r = renacer(["-f", "-e", "trace=execve,write,exit_group"], [fixture("exec_thread")])
    assert r.rc == 5
    assert r.stdout == "exec'd from a thread\n"
    body = _strip_pids(r.lines)
    assert any(l.startswith("+++ superseded by execve in pid ") for l in body), r.trace
    assert body[-1] == "+++ exited with 5 +++"
    assert 'write(1, "exec\'d from a thread\\n", 21) = 21' in body


def test_signal_is_delivered_and_shown():
    r = renacer([], [fixture("sigself")])
    assert r.rc == 0 and r.stdout == "handled SIGUSR1\n"
    assert any(l.startswith("--- SIGUSR1 {si_signo=SIGUSR1, si_code=SI_USER") for l in r.lines), r.trace


def test_program_output_unchanged():
    cmd = ["ls", "-la", "/usr/include/linux"]
    native = subprocess.run(cmd, capture_output=True, text=True)
    traced = renacer([], cmd)
    assert traced.stdout == native.stdout
    assert traced.rc == native.returncode


def test_killed_by_signal_line_and_status():
    r = renacer([], ["sh", "-c", "kill -TERM $$"])
    assert r.rc == 128 + signal.SIGTERM
    assert r.lines[-1] == "+++ killed by SIGTERM +++"


def test_filter_pushdown_matches_strace():
    assert_same_trace(["-e", "trace=openat,close"], [fixture("hello")])


def test_negated_filter_matches_strace():
    # strace writes "!" before the whole list; we accept the same spelling.
    assert_same_trace(["-e", "trace=!brk,mmap,mprotect,munmap,execve"], [fixture("hello")],
                      drop=("arch_prctl", "rseq", "set_robust_list", "set_tid_address",
                            "prlimit64", "newfstatat", "pread64", "access", "read", "openat",
                            "write", "close", "exit_group"))


def test_no_seccomp_gives_same_trace():
    a = renacer(["-e", "trace=openat"], [fixture("hello")])
    b = renacer(["--no-seccomp", "-e", "trace=openat"], [fixture("hello")])
    assert a.lines == b.lines
    assert len(a.lines) >= 3


def _summary_rows(text):
    rows = {}
    for line in text.splitlines():
        f = line.split()
        if len(f) >= 5 and re.match(r"^\s*\d+\.\d\d ", line) and f[-1] != "total":
            calls = int(f[3])
            errors = int(f[4]) if len(f) == 6 else 0
            rows[f[-1]] = (calls, errors)
    return rows


def test_summary_table_matches_strace_counts_and_layout():
    r = renacer(["-c"], [fixture("hello")])
    s = strace(["-c"], [fixture("hello")])
    ours, theirs = r.trace.splitlines(), s.trace.splitlines()
    assert ours[0] == theirs[0] == "% time     seconds  usecs/call     calls    errors syscall"
    assert ours[1] == theirs[1]
    assert ours[-2] == theirs[-2]
    assert _summary_rows(r.trace) == _summary_rows(s.trace)
    for line in ours[2:-2] + ours[-1:]:
        assert re.match(r"^[ \d]{3}\.\d\d [ \d]{4}\.\d{6} [ \d]{11} [ \d]{9} [ \d]{9} \w+$", line), line
    # sorted by time, descending
    secs = [float(l.split()[1]) for l in ours[2:-2]]
    assert secs == sorted(secs, reverse=True)
    total = ours[-1].split()
    assert total[0] == "100.00" and total[-1] == "total"
    assert int(total[3]) == sum(c for c, _ in _summary_rows(r.trace).values())


def test_summary_with_trace_C():
    r = renacer(["-C"], [fixture("hello")])
    assert any(l.startswith("openat(") for l in r.lines)
    assert any(l.startswith("% time") for l in r.lines)


def test_T_appends_duration():
    r = renacer(["-T", "-e", "trace=openat"], [fixture("hello")])
    opens = [l for l in r.lines if l.startswith("openat(")]
    assert opens and all(re.search(r" <\d+\.\d{6}>$", l) for l in opens), opens


@pytest.mark.parametrize("flag,pattern", [
    ("-t", r"^\d\d:\d\d:\d\d openat\("),
    ("-tt", r"^\d\d:\d\d:\d\d\.\d{6} openat\("),
    ("-ttt", r"^\d{10}\.\d{6} openat\("),
])
def test_timestamps(flag, pattern):
    r = renacer([flag, "-e", "trace=openat"], [fixture("hello")])
    opens = [l for l in r.lines if "openat(" in l]
    assert opens and all(re.match(pattern, l) for l in opens), opens
    # the same shape strace prints
    s = strace([flag, "-e", "trace=openat"], [fixture("hello")])
    assert all(re.match(pattern, l) for l in s.lines if "openat(" in l)


def test_attach_and_detach_leaves_process_running():
    with tempfile.TemporaryDirectory() as d:
        marks = os.path.join(d, "marks")
        out = os.path.join(d, "trace")
        prog = subprocess.Popen([fixture("sleeper"), marks])
        try:
            time.sleep(0.2)
            tr = subprocess.Popen([RENACER, "-o", out, "-p", str(prog.pid)],
                                  stderr=subprocess.PIPE, text=True)
            time.sleep(0.5)
            tr.send_signal(signal.SIGINT)
            _, err = tr.communicate(timeout=10)
            assert tr.returncode == 0
            assert "renacer: Process %d attached" % prog.pid in err
            assert "renacer: Process %d detached" % prog.pid in err
            trace = open(out).read()
            assert re.search(r'^write\(\d+, "\.", 1\) += 1$', trace, re.M), trace
            assert "nanosleep" in trace
            # still alive and still writing after the detach
            assert prog.poll() is None
            n1 = os.path.getsize(marks)
            time.sleep(0.3)
            assert os.path.getsize(marks) > n1
            assert prog.poll() is None
        finally:
            prog.kill()
            prog.wait()
        assert prog.returncode == -signal.SIGKILL


def test_attach_comma_list_and_bad_pid():
    p = renacer_raw(["-p", "abc"])
    assert p.returncode != 0 and "invalid process id 'abc'" in p.stderr
    p = renacer_raw(["-p", "999999999"])
    assert p.returncode != 0 and p.stderr.count("\n") == 1
    with tempfile.TemporaryDirectory() as d:
        a = subprocess.Popen([fixture("sleeper"), os.path.join(d, "a")])
        b = subprocess.Popen([fixture("sleeper"), os.path.join(d, "b")])
        try:
            tr = subprocess.Popen([RENACER, "-o", os.path.join(d, "t"), "-p", "%d,%d" % (a.pid, b.pid)],
                                  stderr=subprocess.PIPE, text=True)
            time.sleep(0.4)
            tr.send_signal(signal.SIGINT)
            _, err = tr.communicate(timeout=10)
            assert "Process %d attached" % a.pid in err and "Process %d attached" % b.pid in err
            trace = open(os.path.join(d, "t")).read()
            # two processes from the start: strace's "PID " prefix on every line
            assert re.search(r"^%d +write\(" % a.pid, trace, re.M)
            assert re.search(r"^%d +write\(" % b.pid, trace, re.M)
            assert a.poll() is None and b.poll() is None
        finally:
            a.kill()
            b.kill()
            a.wait()
            b.wait()


def test_vfork_line_resumes_after_the_child():
    # The parent's vfork( stays open while the child runs; its end is a
    # "<... vfork resumed>" line, as strace prints it, not a second vfork().
    r = renacer(["-f", "-e", "trace=vfork,exit_group"], [fixture("dec_proc")])
    assert not re.search(r"vfork\(\)\s+=", r.trace), r.trace
    assert re.search(r"^\d+\s+vfork\( <unfinished \.\.\.>$", r.trace, re.M), r.trace
    assert re.search(r"^\d+\s+<\.\.\. vfork resumed>\)\s+= \d+$", r.trace, re.M), r.trace
