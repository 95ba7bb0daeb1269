# SPDX-License-Identifier: MIT
"""Memory, time and miscellaneous decoders against strace: mappings and
their flags, NUMA policies, sleeps and timers, futex, getrandom, uname,
personality.

The fixture tests/fixtures/dec_mem.c makes the calls with fixed arguments.
Some results change between two runs (clock readings, remaining times,
random bytes); those tests blank exactly those fields and compare the rest."""
import difflib
import re

import pytest

from conftest import assert_same_trace, comparable, fixture, renacer, strace

MEMORY = ("mmap,munmap,mprotect,pkey_mprotect,mremap,madvise,msync,mlock,munlock,"
          "mlock2,mlockall,munlockall,mincore,remap_file_pages,pkey_alloc,pkey_free,"
          "brk,membarrier")
TIME = ("nanosleep,clock_nanosleep,clock_getres,clock_settime,alarm,setitimer,getitimer,"
        "settimeofday,gettimeofday,timer_create,timer_settime,timer_gettime,"
        "timer_getoverrun,timer_delete")
MISC = "futex,getrandom,uname,getcpu,personality,sysinfo,rseq"


def assert_same_normalized(opts, cmd, norm):
    """assert_same_trace, with norm(line) applied to both traces first; lines
    norm maps to None are left out."""
    r = renacer(opts, cmd)
    s = strace(opts, cmd)
    assert r.rc == s.rc, "exit status %d (renacer) vs %d (strace)\n%s" % (r.rc, s.rc, r.stderr)
    ours = [n for n in map(norm, comparable(r.trace)) if n is not None]
    theirs = [n for n in map(norm, comparable(s.trace)) if n is not None]
    if ours != theirs:
        diff = "\n".join(difflib.unified_diff(theirs, ours, "strace", "renacer", lineterm=""))
        pytest.fail("trace differs from strace:\n" + diff)


def test_memory_calls():
    assert_same_trace(["-e", "trace=" + MEMORY], [fixture("dec_mem")])


@pytest.mark.parametrize("opts", [[], ["-s", "4"]], ids=["default", "s4"])
def test_numa_policy_calls(opts):
    t = assert_same_trace(opts + ["-e", "trace=get_mempolicy,set_mempolicy,mbind"], [fixture("dec_mem")]).trace
    assert "MPOL_PREFERRED|MPOL_F_STATIC_NODES, [0x00000000000001], 2)" in t
    assert "MPOL_MF_STRICT|MPOL_MF_MOVE" in t and "0x63 /* MPOL_??? */" in t


def test_time_calls():
    # The old value of the timer being cancelled is whatever time was left.
    left = re.compile(r"(it_value=\{tv_sec=)\d+(, tv_usec=)\d+(\}\}\) = 0)$")
    assert_same_normalized(["-e", "trace=" + TIME], [fixture("dec_mem")],
                           lambda l: left.sub(r"\1N\2N\3", l))


def test_misc_calls():
    rnd = re.compile(r'^getrandom\("(\\x[0-9a-f]{2})+"')
    assert_same_normalized(["-e", "trace=" + MISC], [fixture("dec_mem")],
                           lambda l: rnd.sub('getrandom("RANDOM"', l))


def test_all_in_one_trace():
    """All three families together, as a plain run without -e shows them."""
    rnd = re.compile(r'^getrandom\("(\\x[0-9a-f]{2})+"')
    left = re.compile(r"(it_value=\{tv_sec=)\d+(, tv_usec=)\d+(\}\}\) = 0)$")
    assert_same_normalized(["-e", "trace=" + ",".join([MEMORY, TIME, MISC])],
                           [fixture("dec_mem")],
                           lambda l: left.sub(r"\1N\2N\3", rnd.sub('getrandom("RANDOM"', l)))


@pytest.mark.parametrize("limit", ["1", "3", "40"])
def test_mincore_vector_limit(limit):
    # strace cuts arrays at the -s limit, as it cuts strings.
    assert_same_trace(["-s", limit, "-e", "trace=mmap,mincore,munmap"],
                      [fixture("dec_mem"), "pages"])


VARYING = re.compile(r"\d+")


def test_varying_values_format():
    """Clock readings, counters and random bytes: every number blanked, the
    shape (field names, comments, truncation) compared."""
    def norm(line):
        # times' "/* 0.24 s */" appears only for nonzero counts.
        line = re.sub(r" /\* \d+\.\d+ s \*/", "", line)
        line = re.sub(r'\\x[0-9a-f]{2}', r'\\xNN', line)
        return VARYING.sub("N", line)
    assert_same_normalized(
        ["-s", "8", "-e", "trace=clock_gettime,gettimeofday,time,times,sysinfo,uname,getrandom"],
        [fixture("dec_mem"), "varying"], norm)


def test_interrupted_sleeps():
    """Remaining time shows only for interrupted relative sleeps. Signal
    delivery lines belong to the signal decoders and are left out here."""
    def norm(line):
        if line.startswith("--- "):
            return None
        return re.sub(r"(tv_sec|tv_nsec)=\d+", r"\1=N", line)
    opts = ["-e", "trace=nanosleep,clock_nanosleep,setitimer"]
    assert_same_normalized(opts, [fixture("dec_mem"), "interrupted"], norm)


def test_real_program_mappings():
    """The loader's own mmap/mprotect/munmap/brk sequence for a real binary."""
    assert_same_trace(["-e", "trace=mmap,mprotect,munmap,brk"], ["/bin/true"])
