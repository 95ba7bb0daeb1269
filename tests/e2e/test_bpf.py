# SPDX-License-Identifier: MIT
"""--backend bpf: the -c table counted in the kernel equals strace -c's and
the ptrace backend's, call for call, on fixtures with and without -f; exit
status passes through; without privileges, one clear error."""
import os
import re
import shutil
import subprocess

import pytest

from conftest import RENACER, fixture, renacer, renacer_raw, strace

needs_bpf = pytest.mark.skipif(subprocess.run([RENACER, "--backend", "bpf", "-c", "--", "true"],
                                              capture_output=True).returncode != 0,
                               reason="bpf backend unavailable (not root, no BTF, or built without it)")


def rows(table):
    out = {}
    for line in table.splitlines():
        m = re.match(r"^\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(\d*)\s+(\w+)$", line)
        if m and m.group(3) != "total":
            out[m.group(3)] = (int(m.group(1)), int(m.group(2) or 0))
    return out


CASES = [(["hello"], []), (["structured"], ["-f"]), (["threads"], ["-f"]), (["slow_io"], ["-f"]),
         (["dec_desc"], []), (["src_sites"], ["-f"])]


@needs_bpf
@pytest.mark.parametrize("cmd,opts", CASES)
def test_counts_equal_strace_and_ptrace(cmd, opts):
    argv = [fixture(cmd[0])] + cmd[1:]
    b = renacer(["--backend", "bpf", "-c"] + opts, argv)
    p = renacer(["--backend", "ptrace", "-c"] + opts, argv)
    s = strace(["-c"] + opts, argv)
    assert b.rc == p.rc == s.rc
    assert rows(b.trace) == rows(s.trace), b.trace + s.trace
    assert rows(b.trace) == rows(p.trace)
    # Same layout: the header, rules and a total line.
    lines = b.trace.splitlines()
    assert lines[0] == "% time     seconds  usecs/call     calls    errors syscall"
    assert lines[-1].split()[-1] == "total"


@needs_bpf
def test_filter_in_kernel_and_exit_status():
    b = renacer(["--backend", "bpf", "-c", "-e", "trace=write,openat"], [fixture("structured"), "crash"])
    assert b.rc == 128 + 11
    assert set(rows(b.trace)) == {"write", "openat"}


@needs_bpf
def test_fork_tree_followed_in_kernel():
    # Without -f only the parent is counted: the child's write is missing.
    f = rows(renacer(["--backend", "bpf", "-c", "-f", "-e", "trace=write"], [fixture("structured")]).trace)
    n = rows(renacer(["--backend", "bpf", "-c", "-e", "trace=write"], [fixture("structured")]).trace)
    assert f["write"][0] == 2 and n["write"][0] == 1


def test_unsupported_mode_is_a_usage_error():
    p = renacer_raw(["--backend", "bpf", "--", "true"])
    assert p.returncode == 2 and p.stderr.count("\n") == 1 and "-c" in p.stderr


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"), reason="needs root to drop privileges")
def test_unprivileged_gets_one_clear_line():
    p = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all",
                        RENACER, "--backend", "bpf", "-c", "--", "/bin/true"], capture_output=True, text=True)
    assert p.returncode == 1
    assert p.stderr.count("\n") == 1 and "CAP_BPF" in p.stderr, p.stderr
