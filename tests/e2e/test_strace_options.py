# SPDX-License-Identifier: MIT
"""strace's output options, line for line against strace: -y (descriptors
with their paths, pipes, sockets, deleted files; results that are new
descriptors), -x and -xx (strings in hexadecimal), -z/-Z/-e status= (calls
by how they ended), -i (instruction pointers), -r (relative times)."""
import json
import os
import re
import subprocess

import pytest

from conftest import RENACER, fixture, renacer, renacer_raw, strace
from test_decode_mem import assert_same_normalized


VOLATILE = ("set_tid_address(", "getrandom(", "getpid(", "setitimer(", "getitimer(")


def no_inodes(line):
    """The two runs differ in pipe:[1234] and socket:[5678], the pid and
    random bytes."""
    if line.startswith(VOLATILE):
        return None
    return re.sub(r":\[\d+\]", ":[INODE]", line)


@pytest.mark.parametrize("name", ["dec_fds", "dec_desc", "dec_file", "dec_net"])
def test_decode_fds_match_strace(name):
    assert_same_normalized(["-y"], [fixture(name)], no_inodes)


def test_decode_fds_show_what_each_descriptor_is():
    t = renacer(["-y"], [fixture("dec_fds")]).trace
    d = "/tmp/renacer-dec-fds"
    for needle in ('openat(AT_FDCWD<%s>, "we ird>na\\\\me", O_RDWR|O_CREAT|O_TRUNC, 0600) = 3<%s/we ird\\76na\\\\me>' % (d, d),
                   "write(3<%s/we ird\\76na\\\\me>, \"x\", 1) = 1" % d,
                   "pipe2([4<pipe:[", "socket(AF_UNIX, SOCK_DGRAM, 0) = 6<socket:[",
                   "eventfd2(0, 0) = 7<anon_inode:[eventfd]>",
                   "dup2(3<%s/we ird\\76na\\\\me>, 9) = 9<" % d,
                   "write(8<%s/gone>(deleted), \"z\", 1) = 1" % d,
                   "fcntl(3<%s/we ird\\76na\\\\me>, F_DUPFD, 20) = 20<" % d,
                   "close(-1) = -1 EBADF"):
        assert needle in re.sub(r" +=", " =", t), needle
    # without -y, plain numbers
    t = renacer([], [fixture("dec_fds")]).trace
    assert "= 3\n" in re.sub(r" +=", " =", t) and "<pipe:[" not in t


@pytest.mark.parametrize("opt", ["-x", "-xx"])
@pytest.mark.parametrize("name", ["dec_desc", "dec_net", "dec_file", "dec_netlink"])
def test_hex_strings_match_strace(opt, name):
    assert_same_normalized([opt], [fixture(name)], no_inodes)


def test_hex_strings():
    t = renacer(["-x", "-e", "trace=write"], [fixture("hello")]).trace
    assert 'write(1, "hello from renacer\\n", 19)' in t  # printable: as is
    t = renacer(["-xx", "-e", "trace=write"], [fixture("hello")]).trace
    assert 'write(1, "\\x68\\x65\\x6c\\x6c\\x6f' in t


@pytest.mark.parametrize("opts", [["-z"], ["-Z"], ["-e", "status=unfinished"], ["-e", "status=!successful"],
                                  ["-e", "status=failed,unfinished"], ["-e", "status=none"]],
                         ids=["z", "Z", "unfinished", "not-successful", "failed+unfinished", "none"])
@pytest.mark.parametrize("name", ["hello", "dec_file", "dec_desc"])
def test_status_filters_match_strace(opts, name):
    """-z, -Z and -e status= keep the calls that ended as asked (process
    events stay), line for line as strace."""
    assert_same_normalized(opts, [fixture(name)], no_inodes)


def test_status_filters_keep_only_what_they_name():
    t = renacer(["-Z"], [fixture("hello")]).lines
    calls = [l for l in t if not l.startswith("+++")]
    assert calls and all(" = -1 E" in l for l in calls), t
    t = renacer(["-z"], [fixture("hello")]).lines
    assert not any(" = -1 " in l or l.endswith("= ?") for l in t), t
    assert any(l.startswith("write(1, ") for l in t)
    for bad, word in [("status=sucessful", "sucessful"), ("status=", "")]:
        p = renacer_raw(["-e", bad, "--", "/bin/true"])
        assert p.returncode != 0 and len(p.stderr.strip().splitlines()) == 1, p.stderr
        assert "status" in p.stderr and word in p.stderr


def test_instruction_pointer_matches_strace():
    """-i: where each call was made. Without address randomization both
    tracers see the same addresses (all but execve's, made by the tracer's
    own child, and the pid set_tid_address returns)."""
    def run(tool):
        out = "/tmp/renacer-ip-%s.txt" % os.path.basename(tool)
        subprocess.run(["setarch", "-R", tool, "-i", "-o", out, fixture("hello")],
                       capture_output=True, timeout=60, check=True)
        lines = open(out).read().splitlines()
        os.unlink(out)
        return [l for l in lines if "execve(" not in l and "set_tid_address(" not in l]
    ours, theirs = run(RENACER), run("strace")
    assert ours == theirs
    assert all(re.match(r"\[([0-9a-f]{16}|\?{16})\] ", l) for l in ours), ours
    assert ours[-1] == "[????????????????] +++ exited with 0 +++"


def test_relative_timestamps():
    """-r: each line starts with the time since the previous one's event,
    the first with 0; with -t, "HH:MM:SS (+ 0.000012)"; the lines are
    strace's once the numbers are taken out."""
    stamp = re.compile(r"^ *(\d+)\.(\d{6}) ")
    def shape(lines):
        return [stamp.sub("T ", re.sub(r"\s+= ", " = ", l)) for l in lines
                if not l.startswith(("T set_tid_address", "T getrandom"))]
    t = renacer(["-r"], [fixture("hello")]).lines
    assert stamp.match(t[0]).group(0).strip() == "0.000000"
    assert all(stamp.match(l) for l in t), t
    total = sum(int(m.group(1)) * 10**6 + int(m.group(2)) for m in map(stamp.match, t))
    assert 0 < total < 10**7
    s = strace(["-r"], [fixture("hello")]).lines
    strip = lambda ls: [l for l in shape(ls) if not l.startswith(("T set_tid_address", "T getrandom"))]
    assert [re.sub(r"0x[0-9a-f]+", "A", l) for l in strip(t)] == [re.sub(r"0x[0-9a-f]+", "A", l) for l in strip(s)]
    t = renacer(["-t", "-r"], [fixture("hello")]).lines
    assert all(re.match(r"\d\d:\d\d:\d\d \(\+ *\d+\.\d{6}\) ", l) for l in t), t


@pytest.mark.parametrize("name", ["threads", "structured", "hello"])
def test_output_separately_matches_strace(name, tmp_path):
    """-ff -o FILE: one file per task, FILE.PID, each the task's own lines
    whole (no pid prefix, nothing split), as strace writes them."""
    def files(tool, prefix):
        subprocess.run([tool, "-ff", "-o", str(prefix), fixture(name)], capture_output=True,
                       timeout=60, check=True)
        paths = sorted(tmp_path.glob(prefix.name + ".*"), key=lambda p: int(p.suffix[1:]))
        assert not (tmp_path / prefix.name).exists()
        out = []
        for p in paths:
            lines = [re.sub(r"\s+= ", " = ", l) for l in p.read_text().splitlines()
                     if not l.startswith(VOLATILE)]
            out.append([re.sub(r"0x[0-9a-f]{6,}|\b\d{4,}\b", "N", l) for l in lines])
        return out
    ours, theirs = files(RENACER, tmp_path / "r"), files("strace", tmp_path / "s")
    assert len(ours) == len(theirs) and ours == theirs
    for f in ours:
        assert f[-1].startswith("+++ "), f
        assert not any("unfinished" in l or "resumed" in l or l.startswith("[pid") for l in f)


@pytest.mark.parametrize("backend", ["ptrace", "auto"])
@pytest.mark.parametrize("key", ["calls", "name", "errors", "nothing"])
def test_summary_sort_matches_strace(key, backend):
    """-c -S KEY: the table's rows in strace's order (the keys that do not
    depend on timing), from either backend."""
    def rows(trace):
        return [l.split()[-1] for l in trace.splitlines()
                if l and l[0] in " 0123456789" and not l.startswith("---")]
    ours = renacer(["-c", "-S", key, "--backend", backend], [fixture("dec_file")])
    theirs = strace(["-c", "-S", key], [fixture("dec_file")])
    assert rows(ours.trace) == rows(theirs.trace), ours.trace
    assert len(rows(ours.trace)) > 10


def test_summary_sort_bad_key():
    p = renacer_raw(["-c", "-S", "colour", "--", "/bin/true"])
    assert p.returncode != 0 and p.stderr.strip().splitlines() == [
        "renacer: invalid sort key 'colour' for -S (time, avg-time, calls, errors, name, nothing)"]


@pytest.mark.parametrize("opts", [["-e", "signal=none"], ["-e", "signal=SIGCHLD"], ["-e", "signal=!usr1"],
                                  ["-e", "signal=10,17"], ["-a", "20"], ["-a", "60"]],
                         ids=["none", "chld", "not-usr1", "numbers", "a20", "a60"])
@pytest.mark.parametrize("name", ["dec_proc", "sigself"])
def test_signal_sets_and_columns_match_strace(opts, name):
    """-e signal= keeps the "--- SIG... ---" lines of the signals it names;
    -a N aligns results at column N; line for line as strace."""
    def norm(line):
        line = no_inodes(line)
        if line is None or "ru_utime" in line:
            return None
        return re.sub(r"\b\d{4,}\b", "N", line)
    assert_same_normalized(opts, [fixture(name)], norm)


def test_signal_set_filters():
    t = renacer(["-e", "signal=none"], [fixture("dec_proc")]).trace
    assert "--- SIG" not in t and "+++ exited with 0 +++" in t
    t = renacer(["-e", "signal=SIGUSR1"], [fixture("dec_proc")]).trace
    sigs = set(re.findall(r"--- (SIG\w+) ", t))
    assert sigs == {"SIGUSR1"}, sigs
    p = renacer_raw(["-e", "signal=SIGBOGUS", "--", "/bin/true"])
    assert p.returncode != 0 and p.stderr.strip() == "renacer: invalid signal 'SIGBOGUS' in signal="


@pytest.mark.parametrize("path", ["/tmp/renacer-dec-fds/we ird>na\\me", "we ird>na\\me", "/tmp/renacer-dec-fds",
                                  "gone", "/tmp/renacer-dec-fds/gone", "/nonexistent/renacer"])
def test_trace_path_matches_strace(path):
    """-P PATH: only the calls that name PATH, as a path argument or a
    descriptor open on it (a deleted file too); as strace."""
    name = "hello" if path.startswith("/nonexistent") else "dec_fds"
    assert_same_normalized(["-P", path], [fixture(name)], no_inodes)


def test_trace_path_keeps_only_calls_on_the_path():
    t = renacer(["-P", "/etc/hostname"], [fixture("hello")]).lines
    assert [l.split("(")[0] for l in t] == ["openat", "read", "close", "+++ exited with 0 +++"], t


@pytest.mark.parametrize("opts", [
    ["-e", "trace=openat,write", "-e", "inject=openat:error=EACCES:when=3"],
    ["-e", "trace=close", "-e", "fault=close:when=2+"],
    ["-e", "trace=openat", "-e", "inject=openat:retval=42:when=2..3"],
    ["-e", "trace=read,openat", "-e", "inject=read:error=EIO:when=1+2"],
    ["-e", "trace=%file", "-e", "inject=openat,newfstatat:error=ENOENT:when=4+3"],
], ids=["error-3rd", "fault-2nd-on", "retval-range", "step", "set-step"])
def test_inject_matches_strace(opts):
    """-e inject / -e fault: the chosen invocations fail, return a value or
    bring a signal, marked (INJECTED), as strace does it; the program sees
    it (its exit status follows)."""
    assert_same_normalized(opts, [fixture("hello")], no_inodes)


def test_inject_signal_matches_strace():
    """signal=: the signal arrives as the chosen call returns (here it
    kills the program); strace dies of it, renacer exits 128 + 12."""
    opts = ["-e", "trace=write", "-e", "inject=write:signal=SIGUSR2:when=1"]
    r, s = renacer(opts, [fixture("hello")]), strace(opts, [fixture("hello")])
    assert r.rc == 128 + 12 and s.rc == -12
    norm = lambda ls: [re.sub(r"\s+= ", " = ", l) for l in ls]
    assert norm(r.lines) == norm(s.lines)
    assert r.lines[-2:] == ["--- SIGUSR2 {si_signo=SIGUSR2, si_code=SI_KERNEL} ---", "+++ killed by SIGUSR2 +++"]


def test_inject_counts_per_task():
    """Each thread counts its own invocations, as in strace."""
    def norm(line):
        return re.sub(r"\b\d{4,}\b", "N", line)
    opts = ["-f", "-e", "trace=write", "-e", "inject=write:error=ENOSPC:when=1"]
    r, s = renacer(opts, [fixture("threads")]), strace(opts, [fixture("threads")])
    assert r.rc == s.rc
    ours = sorted(norm(l.split(" ", 1)[1]) for l in r.lines)
    theirs = sorted(norm(l.split(" ", 1)[1]) for l in s.lines)
    assert ours == theirs
    assert sum("(INJECTED)" in l for l in r.lines) == 3, r.trace


@pytest.mark.parametrize("spec,msg", [
    ("inject=openat", "-e inject=openat needs error=, retval= or signal="),
    ("inject=openat:error=EWHAT", "invalid -e inject option 'error=EWHAT'"),
    ("inject=openat:when=0", "invalid -e inject option 'when=0'"),
    ("inject=openat:error=EIO:retval=1", "-e inject: error= and retval= cannot be used together"),
    ("fault=nosuchcall", "invalid system call 'nosuchcall'"),
])
def test_inject_bad_specs(spec, msg):
    p = renacer_raw(["-e", spec, "--", "/bin/true"])
    assert p.returncode != 0 and len(p.stderr.strip().splitlines()) == 1, p.stderr
    assert msg in p.stderr, p.stderr


def test_inject_needs_ptrace():
    p = renacer_raw(["--backend", "bpf", "-e", "fault=openat", "--", "/bin/true"])
    assert p.returncode != 0 and "only the ptrace backend" in p.stderr, p.stderr
    # auto picks ptrace, even for -c: the program's one write fails
    t = renacer(["-c", "-e", "fault=write"], [fixture("hello")])
    assert re.search(r"\s1\s+1\s+write\n", t.trace), t.trace


@pytest.mark.parametrize("opts", [["-qq"], ["-qqq"], ["-e", "quiet=exit"], ["-e", "quiet=all"],
                                  ["-e", "quiet=!attach"]], ids=["qq", "qqq", "exit", "all", "not-attach"])
@pytest.mark.parametrize("name", ["hello", "sigself"])
def test_quiet_matches_strace(opts, name):
    """-qq and -e quiet=: no "+++ exited" / "+++ superseded" lines, as strace."""
    def norm(line):
        line = no_inodes(line)
        return None if line is None else re.sub(r"\b\d{4,}\b", "N", line)
    assert_same_normalized(opts, [fixture(name)], norm)


def test_environment_and_user():
    """-E sets or removes a variable for the program; -u runs it as a user."""
    p = renacer_raw(["-qq", "-o", os.devnull, "-E", "RENACER_X=42", "-E", "HOME", "--",
                     fixture("print_env"), "RENACER_X", "HOME"], env=dict(os.environ, HOME="/root"))
    assert p.returncode == 0 and p.stdout.split() == ["42"], p
    p = renacer_raw(["-o", os.devnull, "-u", "nobody", "--", "id", "-u"])
    assert p.returncode == 0 and p.stdout.strip() == "65534", p
    t = renacer(["-u", "nobody", "-e", "trace=getuid,geteuid"], ["id", "-u"])
    assert "geteuid() = 65534" in re.sub(r"\s+= ", " = ", t.trace), t.trace
    p = renacer_raw(["-u", "no-such-user-here", "--", "/bin/true"])
    assert p.returncode != 0 and p.stderr.strip() == "renacer: cannot find user 'no-such-user-here'"


@pytest.mark.parametrize("name", ["dec_sockets", "dec_netlink", "dec_fds", "dec_desc"])
def test_decode_fds_in_detail_match_strace(name):
    """-yy: sockets by protocol with their endpoints (TCP and UDP over IPv4
    and IPv6, UNIX pairs, paths and abstract names, netlink), devices with
    their numbers; as strace shows them."""
    def norm(line):
        line = no_inodes(line)
        return None if line is None else re.sub(r"\b\d{4,}\b", "N", line)
    assert_same_normalized(["-yy"], [fixture(name)], norm)


def test_decode_fds_in_detail():
    t = re.sub(r"\b\d{4,}\b", "N", renacer(["-yy"], [fixture("dec_sockets")]).trace)
    for needle in ("<TCPv6:[[::1]:N->[::1]:N]>", "<TCP:[127.0.0.1:N->127.0.0.1:N]>",
                   "<UDP:[127.0.0.1:N->127.0.0.1:N]>", "<UNIX-STREAM:[N->N]>",
                   '<UNIX:[N,"/tmp/renacer-dec-sockets"]>', '<UNIX:[N,@"renacer-abstract"]>',
                   "<NETLINK:[ROUTE:N]>", "</dev/null<char 1:3>>", "</dev/zero<char 1:5>>"):
        assert needle in t, needle


def test_structured_outputs_follow_the_same_choice(tmp_path):
    """--format json/csv list the calls -Z or -P choose; the summary still
    counts every call."""
    doc = tmp_path / "t.json"
    p = renacer_raw(["--format", "json", "-Z", "-o", str(doc), "--", fixture("hello")])
    assert p.returncode == 0, p.stderr
    d = json.loads(doc.read_text())
    assert d["syscalls"] and all("error" in c for c in d["syscalls"])
    assert d["summary"]["total_syscalls"] > len(d["syscalls"])
    out = tmp_path / "t.csv"
    p = renacer_raw(["--format", "csv", "-P", "/etc/hostname", "-o", str(out), "--", fixture("hello")])
    rows = out.read_text().splitlines()[1:]
    assert [r.split(",")[2] for r in rows] == ["openat", "read", "close"], rows
