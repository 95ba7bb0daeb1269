# SPDX-License-Identifier: MIT
"""strace's output options, line for line against strace: -y (descriptors
with their paths, pipes, sockets, deleted files; results that are new
descriptors), -x and -xx (strings in hexadecimal)."""
import re

import pytest

from conftest import fixture, renacer
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
