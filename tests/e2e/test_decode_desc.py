# SPDX-License-Identifier: MIT
"""File descriptor I/O decoders against strace: reads and writes with
their vector and positional forms, dup/pipe/fcntl, polling, epoll, the
special descriptors (eventfd, timerfd, memfd, inotify), splicing, ioctl.

The fixture tests/fixtures/dec_desc.c makes the calls with fixed arguments
on memfds, pipes and a pseudo-terminal."""
import re

from conftest import assert_same_trace, fixture, renacer
from test_decode_mem import assert_same_normalized

RW = ("read,write,pread64,pwrite64,readv,writev,preadv,pwritev,preadv2,pwritev2,lseek,"
      "fsync,fdatasync,sync_file_range,fadvise64,fallocate,readahead,flock,close")
FDS = ("dup,dup2,dup3,pipe,pipe2,fcntl,splice,tee,vmsplice,sendfile,copy_file_range,"
       "memfd_create,close_range,close")
POLL = ("signalfd,signalfd4,poll,ppoll,select,pselect6,epoll_create,epoll_create1,epoll_ctl,epoll_wait,"
        "epoll_pwait,epoll_pwait2,eventfd,eventfd2,timerfd_create,timerfd_settime,"
        "timerfd_gettime,inotify_init1,inotify_add_watch,inotify_rm_watch")
IOCTL = "ioctl"

# The pseudo-terminal's number depends on what else has one open.
_PTN = re.compile(r"^(ioctl\(\d+, TIOCGPTN, )\[\d+\]")
# O_* flags come from the file family's printer; test_fcntl_open_flags
# covers these lines alone.
_OPEN_FLAGS = re.compile(r"^fcntl\(\d+, F_[GS]ETFL\b")


def _without_open_flags(line):
    return None if _OPEN_FLAGS.match(line) else _PTN.sub(r"\1[N]", line)


def test_read_write():
    assert_same_trace(["-e", "trace=" + RW], [fixture("dec_desc")])


def test_read_write_short_strings():
    assert_same_trace(["-s", "4", "-e", "trace=" + RW], [fixture("dec_desc")])


def test_descriptors():
    assert_same_normalized(["-e", "trace=" + FDS], [fixture("dec_desc")], _without_open_flags)


def test_fcntl_open_flags():
    """F_SETFL's argument and F_GETFL's result note print open(2) flags."""
    assert_same_normalized(["-e", "trace=fcntl"], [fixture("dec_desc")],
                           lambda l: l if _OPEN_FLAGS.match(l) else None)


def test_polling():
    assert_same_trace(["-e", "trace=" + POLL], [fixture("dec_desc")])


def test_polling_abbreviated():
    """-s 2 cuts pollfd and iovec arrays after two elements."""
    assert_same_trace(["-s", "2", "-e", "trace=" + POLL + ",readv,writev"],
                      [fixture("dec_desc")])


def test_everything_abbreviated():
    """-s 0: every string is cut to nothing and every array to [...]."""
    assert_same_normalized(["-s", "0", "-e", "trace=" + ",".join([RW, FDS, POLL, IOCTL])],
                           [fixture("dec_desc")], _without_open_flags)


def test_ioctl():
    assert_same_normalized(["-e", "trace=" + IOCTL], [fixture("dec_desc")],
                           lambda l: _PTN.sub(r"\1[N]", l))


def test_all_in_one_trace():
    assert_same_normalized(["-e", "trace=" + ",".join([RW, FDS, POLL, IOCTL])],
                           [fixture("dec_desc")], _without_open_flags)


def test_perf_event_open_matches_strace():
    """struct perf_event_attr as strace abbreviates it: event names per
    type (hardware cache events as result<<16|op<<8|cache), period or
    frequency, sample and read formats, the flag bits set and precise_ip,
    sizes old, unknown and rewritten by the kernel on E2BIG, open flags."""
    opts, cmd = ["-e", "trace=perf_event_open"], [fixture("dec_perf")]
    # strace 6.1 predates PERF_ATTR_SIZE_VER8 (136 bytes, Linux 6.3), the
    # size a newer kernel writes back on E2BIG
    assert_same_normalized(opts, cmd, lambda line: line.replace(
        "0x88 /* PERF_ATTR_SIZE_??? */", "PERF_ATTR_SIZE_VER8"))
    t = renacer(opts, cmd).trace
    for needle in ("config=PERF_COUNT_SW_TASK_CLOCK, sample_period=0",
                   "sample_freq=4000, sample_type=PERF_SAMPLE_IP|PERF_SAMPLE_TID|PERF_SAMPLE_CALLCHAIN",
                   "precise_ip=2 /* requested to have 0 skid */, use_clockid=1, ...}",
                   "config=PERF_COUNT_HW_CACHE_RESULT_MISS<<16|PERF_COUNT_HW_CACHE_OP_READ<<8|PERF_COUNT_HW_CACHE_L1D",
                   "size=0 /* PERF_ATTR_SIZE_??? */, config=321",
                   "PERF_FLAG_FD_NO_GROUP|PERF_FLAG_PID_CGROUP", "0x80 /* PERF_FLAG_??? */",
                   "perf_event_open(NULL, 0, -1, -1, 0)"):
        assert needle in t, needle
    assert re.search(r"size=0x190 /\* PERF_ATTR_SIZE_\?\?\? \*/ => PERF_ATTR_SIZE_VER\d", t), t
