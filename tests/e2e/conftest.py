# SPDX-License-Identifier: MIT
"""Shared helpers for the end-to-end tests: run renacer and strace on the same
program and compare what they print, normalised for what legitimately differs
between two runs (pids, addresses, times)."""
import os
import re
import subprocess
import tempfile

import pytest

RENACER = os.environ.get("RENACER", os.path.join(os.path.dirname(__file__), "../../build/renacer"))
FIXTURES = os.environ.get("RENACER_FIXTURES", os.path.join(os.path.dirname(__file__), "../../build/tests"))


def fixture(name):
    """Path of a built fixture program (tests/fixtures/NAME.c)."""
    path = os.path.join(FIXTURES, name)
    if not os.path.exists(path):
        pytest.fail("fixture %s not built (looked in %s)" % (name, FIXTURES))
    return path


class Run:
    def __init__(self, proc, trace):
        self.rc = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr
        self.trace = trace

    @property
    def lines(self):
        return self.trace.splitlines()


def _run(tool, opts, cmd, timeout=60, env=None, stdin=None):
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "trace")
        proc = subprocess.run([tool] + list(opts) + ["-o", out, "--"] + list(cmd),
                              capture_output=True, text=True, timeout=timeout, env=env,
                              stdin=stdin if stdin is not None else subprocess.DEVNULL,
                              errors="replace")
        trace = open(out, errors="replace").read() if os.path.exists(out) else ""
        return Run(proc, trace)


def renacer(opts, cmd, **kw):
    """Run renacer with -o into a temp file; returns a Run."""
    return _run(RENACER, opts, cmd, **kw)


def strace(opts, cmd, **kw):
    return _run("strace", opts, cmd, **kw)


def renacer_raw(args, **kw):
    """Run renacer with exactly these arguments (no -o); returns the CompletedProcess."""
    kw.setdefault("timeout", 60)
    kw.setdefault("stdin", subprocess.DEVNULL)
    return subprocess.run([RENACER] + list(args), capture_output=True, text=True, **kw)


_ADDR = re.compile(r"0x[0-9a-f]{5,}")
_PIDPFX = re.compile(r"^(\[pid\s+(?:\d+|P\d+)\] |(?:\d+|P\d+)\s+(?=\S))")
_VARS = re.compile(r"/\* \d+ vars \*/")


def normalize(line, pids=None):
    """Make a trace line comparable across runs: addresses become ADDR, pids
    become P0, P1 ... in order of first appearance (pids is the dict that
    keeps that order across lines)."""
    line = _ADDR.sub("ADDR", line)
    if pids is not None:
        def repl(m):
            p = m.group(0)
            if p not in pids:
                pids[p] = "P%d" % len(pids)
            return pids[p]
        for p in sorted(pids, key=len, reverse=True):
            line = re.sub(r"\b%s\b" % re.escape(p), pids[p], line)
    return line


def comparable(trace, drop=()):
    """Normalised lines of a trace, dropping lines whose syscall is in drop.
    Task ids are numbered in order of first appearance in a line prefix
    ("1234 " in -o files, "[pid 1234] " on stderr), here and wherever else
    they appear (wait4 results, si_pid)."""
    out, pids = [], {}
    for line in trace.splitlines():
        m = _PIDPFX.match(line)
        if m:
            p = re.sub(r"\D", "", m.group(1))
            pids.setdefault(p, "P%d" % len(pids))
        body = _PIDPFX.sub("", line)
        name = body.split("(", 1)[0].split("<... ")[-1].split(" resumed>")[0]
        if name in drop:
            continue
        out.append(normalize(line, pids))
    return out


def assert_same_trace(opts, cmd, drop=(), **kw):
    """Trace cmd with renacer and with strace using the same options and
    assert the normalised traces are identical, line for line."""
    r = renacer(opts, cmd, **kw)
    s = strace(opts, cmd, **kw)
    assert r.rc == s.rc, "exit status %d (renacer) vs %d (strace)\n%s" % (r.rc, s.rc, r.stderr)
    ours, theirs = comparable(r.trace, drop), comparable(s.trace, drop)
    if ours != theirs:
        import difflib
        diff = "\n".join(difflib.unified_diff(theirs, ours, "strace", "renacer", lineterm=""))
        pytest.fail("trace differs from strace:\n" + diff)
    return r
