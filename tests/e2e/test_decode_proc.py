# SPDX-License-Identifier: MIT
"""Process, signal and resource decoders, and the trace-level lines around
them (signal delivery, exit and kill notices), compared with strace.

Pids differ between the two runs: the fixture prints every pid a trace can
show ("pid N" on stdout), and in the places a pid can appear each run's pids
are replaced by their order of appearance before comparing (with the
alignment padding of those lines, which depends on the pids' widths). Child CPU times (rusage) are the one other
field that varies, and are blanked only in the lines that carry them."""
import difflib
import re
import shutil

import pytest

from conftest import fixture, normalize, renacer, strace

_RUSAGE_TIMES = re.compile(r"(tv_u?sec)=\d+")


def _pids(run):
    return [m.group(1) for m in re.finditer(r"^pid (\d+)$", run.stdout, re.M)]


# Where a pid can appear: pids wrap at pid_max, so any small number in a
# trace could equal one, and only these places are rewritten.
_PID_PLACES = [re.compile(p) for p in (
    r"^()(\d+)(?= )",                                   # -f column
    r"(si_pid=)(\d+)",
    r"(parent_tid=\[)(\d+)",
    r"(\b(?:kill|tkill|tgkill|rt_sigqueueinfo|rt_tgsigqueueinfo|prlimit64|wait4)\()(\d+)",
    r"(\b(?:tgkill|rt_tgsigqueueinfo)\(\w+, )(\d+)",
    r"(\bwaitid\(P_PID, )(\d+)",
)]
_RET_PID = ("clone", "clone3", "fork", "vfork", "wait4", "getpid", "gettid", "getppid",
            "set_tid_address", "getpgid", "getsid")


def _comparable(run, drop=()):
    pids = {}
    for p in _pids(run):
        pids.setdefault(p, "PID%d" % len(pids))

    def rep(m):
        return m.group(1) + pids.get(m.group(2), m.group(2))

    out = []
    for line in run.trace.splitlines():
        body = re.sub(r"^\d+ +", "", line)
        name = body.split("(", 1)[0]
        if name in drop:
            continue
        line = normalize(line)
        before = line
        for place in _PID_PLACES:
            line = place.sub(rep, line)
        if name in _RET_PID:
            line = re.sub(r"(= )(\d+)$", rep, line)
        if line != before:
            # The two runs' pids can differ in width: so do the padding that
            # aligns the result and the "-f" pid column.
            line = re.sub(r"^(PID\d+) +", r"\1 ", line)
            line = re.sub(r"\) +(= )", r") \1", line)
        if name in ("getrusage", "wait4", "waitid"):
            line = _RUSAGE_TIMES.sub(r"\1=N", line)
        out.append(line)
    return out


def _same(opts, args, drop=(), seccomp=False):
    """Compare with strace. The fixture asks for its own seccomp mode
    (PR_GET_SECCOMP), which reads 2 under the -f push-down and 0 under
    strace: so the push-down is off unless a test asks for it."""
    cmd = [fixture("dec_proc")] + list(args)
    r = renacer(opts if seccomp else ["--no-seccomp"] + list(opts), cmd)
    s = strace(opts, cmd)
    # strace dies of the signal that killed the program; renacer exits 128+N.
    s_rc = 128 - s.rc if s.rc < 0 else s.rc
    assert r.rc == s_rc, "exit status %d (renacer) vs %d (strace)\n%s" % (r.rc, s.rc, r.stderr)
    assert len(_pids(r)) == len(_pids(s))
    ours, theirs = _comparable(r, drop), _comparable(s, drop)
    if ours != theirs:
        diff = "\n".join(difflib.unified_diff(theirs, ours, "strace", "renacer", lineterm=""))
        pytest.fail("trace differs from strace:\n" + diff)
    return r


SIGNALS = ("rt_sigaction,rt_sigprocmask,rt_sigpending,rt_sigsuspend,rt_sigtimedwait,"
           "rt_sigqueueinfo,rt_tgsigqueueinfo,rt_sigreturn,kill,tkill,tgkill,sigaltstack,pause")
CHILDREN = "clone,clone3,fork,vfork,wait4,waitid,exit,exit_group"
RESOURCES = "getrlimit,setrlimit,prlimit64,getrusage,getpriority,setpriority,ioprio_get,ioprio_set"
IDS = ("setpgid,getpgid,getsid,setsid,setuid,setgid,setresuid,setresgid,setreuid,setregid,"
       "getresuid,getresgid,setfsuid,setfsgid,getgroups,setgroups,capget,capset")
SCHED = ("sched_yield,sched_getaffinity,sched_setaffinity,sched_getscheduler,"
         "sched_setscheduler,sched_getparam,sched_setparam,sched_get_priority_max,"
         "sched_get_priority_min,sched_getattr,sched_setattr,unshare,setns")
MISC = "prctl,arch_prctl,set_tid_address,set_robust_list,get_robust_list"


@pytest.mark.parametrize("calls", [SIGNALS, CHILDREN, RESOURCES, IDS, SCHED, MISC],
                         ids=["signals", "children", "resources", "ids", "sched", "misc"])
def test_family_matches_strace(calls):
    _same(["-e", "trace=" + calls], [])


def test_whole_fixture_matches_strace():
    # Everything the fixture does after the loader, this family's calls
    # and the rest (write, getpid...) that print with the default decoder.
    _same(["-e", "trace=!execve,brk,mmap,mprotect,munmap,access,openat,newfstatat,read,"
           "pread64,close,getrandom,rseq,write,setitimer,timer_create,timer_settime,"
           "timer_delete,pipe2,fcntl"], [])


def test_string_limit():
    # -s cuts the task name and the group list.
    _same(["-s", "4", "-e", "trace=prctl,setgroups,getgroups"], [])


def test_signal_delivery_and_sigreturn_lines():
    r = _same(["-e", "trace=kill,tgkill,tkill,rt_sigreturn,rt_sigsuspend,pause"], [])
    body = r.lines
    for code in ("SI_USER", "SI_TKILL"):
        head = "--- SIGUSR1 {si_signo=SIGUSR1, si_code=%s, si_pid=" % code
        assert any(l.startswith(head) for l in body), r.trace
    assert "--- SIGALRM {si_signo=SIGALRM, si_code=SI_KERNEL} ---" in body
    assert ("--- SIGUSR1 {si_signo=SIGUSR1, si_code=SI_TIMER, si_timerid=0, si_overrun=0, "
            "si_int=77, si_ptr=0x4d} ---") in body
    assert "--- SIGIO {si_signo=SIGIO, si_code=POLL_IN, si_band=65, si_fd=3} ---" in body
    assert any(l.startswith("rt_sigreturn({mask=[USR2]})") for l in body)


def test_sigchld_line():
    r = _same(["-e", "trace=rt_sigprocmask"], [])
    child = _pids(r)[1]
    assert ("--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=%s, si_uid=0, "
            "si_status=3, si_utime=0, si_stime=0} ---" % child) in r.lines, r.trace


def test_exited_with_status():
    r = _same(["-e", "trace=exit_group"], ["exit3"])
    assert r.rc == 3
    assert r.lines == ["exit_group(3)                           = ?", "+++ exited with 3 +++"]


def test_killed_by_sigkill():
    r = _same(["-e", "trace=kill"], ["kill9"])
    assert r.rc == 128 + 9
    assert r.lines[-1] == "+++ killed by SIGKILL +++"
    assert r.lines[-2].endswith("= ?")


def test_killed_by_sigsegv_without_core():
    r = _same(["-e", "trace=none"], ["segv"])
    assert r.rc == 128 + 11
    assert r.lines == ["--- SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=0x8} ---",
                       "+++ killed by SIGSEGV +++"]


def test_killed_by_sigsegv_with_core():
    cmd = [fixture("dec_proc"), "segv_core"]
    runs = []
    try:
        for tool in (renacer, strace):
            run = tool(["-e", "trace=none"], cmd)
            runs.append(run)
    finally:
        for run in runs:
            for d in re.findall(r"^dir (/tmp/dec_proc\.\w+)$", run.stdout, re.M):
                shutil.rmtree(d, ignore_errors=True)
    r, s = runs
    assert r.rc == 128 + 11 and s.rc == -11
    # Whether the kernel could write the core is the environment's; both
    # tools must agree on it.
    assert r.lines == s.lines
    assert r.lines[-1] in ("+++ killed by SIGSEGV (core dumped) +++", "+++ killed by SIGSEGV +++")


@pytest.mark.parametrize("mode,line", [
    ("fpe", "--- SIGFPE {si_signo=SIGFPE, si_code=FPE_INTDIV, si_addr=ADDR} ---"),
    ("ill", "--- SIGILL {si_signo=SIGILL, si_code=ILL_ILLOPN, si_addr=ADDR} ---"),
    ("trap", "--- SIGTRAP {si_signo=SIGTRAP, si_code=SI_KERNEL, si_addr=NULL} ---"),
    ("bus", "--- SIGBUS {si_signo=SIGBUS, si_code=BUS_ADRERR, si_addr=ADDR} ---"),
    ("sigsys", "--- SIGSYS {si_signo=SIGSYS, si_code=SYS_SECCOMP, si_call_addr=ADDR, "
               "si_syscall=__NR_getppid, si_arch=AUDIT_ARCH_X86_64} ---"),
])
def test_fault_siginfo(mode, line):
    r = _same(["-e", "trace=none"], [mode])
    assert normalize(r.lines[0]) == line, r.trace


@pytest.mark.parametrize("mode,sig", [("abort", "SIGABRT"), ("usr1", "SIGUSR1")])
def test_killed_by_own_signal(mode, sig):
    r = _same(["-e", "trace=tgkill"], [mode])
    assert r.lines[-1] == "+++ killed by %s +++" % sig


def test_follow_fork_prefixes_pids():
    r = _same(["-f", "-e", "trace=exit_group,wait4,kill,rt_sigprocmask"], ["follow"])
    assert r.rc == 128 + 10
    parent, child = _pids(r)
    body = r.lines
    assert "%-5s exit_group(3)" % child in "\n".join(body)
    assert "%-5s +++ exited with 3 +++" % child in body
    assert any(l.startswith("%-5s wait4(%s, [{WIFEXITED(s) && WEXITSTATUS(s) == 3}], 0, NULL) = %s"
                            % (parent, child, child)) for l in body), r.trace
    assert body[-1] == "%-5s +++ killed by SIGUSR1 +++" % parent


def test_filter_leaves_untraced_children_alone():
    r = _same(["-e", "trace=kill,wait4"], ["untraced_child"], seccomp=True)
    assert r.rc == 0
