# SPDX-License-Identifier: MIT
"""File and stat family decoding, line for line against strace 6.1:
open/openat flags and modes, access modes, the stat family and statx,
statfs, links, renames, permissions, ownership, utimensat, umask, mknod,
getdents, xattrs, file handles and execve's argv/envp."""
import re

from conftest import comparable, fixture, renacer, strace

# Free space and inodes change between the two runs; only these numbers.
_LIVE = re.compile(r"\b(f_bfree|f_bavail|f_ffree)=\d+")


def same(opts, tmp_path):
    cmd = [fixture("dec_file"), str(tmp_path)]
    r = renacer(opts, cmd)
    s = strace(opts, cmd)
    assert r.rc == s.rc == 0, r.stderr
    # set_tid_address returns the pid, different in each run.
    ours = [_LIVE.sub(r"\1=N", l) for l in comparable(r.trace, drop=("set_tid_address",))]
    theirs = [_LIVE.sub(r"\1=N", l) for l in comparable(s.trace, drop=("set_tid_address",))]
    assert ours == theirs, "\n".join(l for l in ours if l not in theirs) + "\n---\n" + \
        "\n".join(l for l in theirs if l not in ours)
    return ours


def test_file_family_same_as_strace(tmp_path):
    lines = same(["-e", "trace=%file,%desc,umask,getcwd,getdents64,sync,syncfs"], tmp_path)
    # The decoded set really is in the comparison.
    text = "\n".join(lines)
    for needle in ('openat(AT_FDCWD, "a.txt", O_WRONLY|O_CREAT|O_TRUNC, 0644)', "st_rdev=makedev(0x1, 0x3)",
                   "STATX_BASIC_STATS", "f_type=", "RENAME_NOREPLACE", "UTIME_NOW", "umask(022)", "= 022",
                   "/* 2 vars */", "resolve=RESOLVE_NO_SYMLINKS|RESOLVE_BENEATH", '["/bin/true", "arg one", "x"]', "entries */", "S_IFIFO|0644", "user.nope",
                   "{handle_bytes=0 => ", "AT_SYMLINK_FOLLOW) = ", "open_by_handle_at(999, {handle_bytes="):
        assert needle in text, needle


def test_whole_run_same_as_strace(tmp_path):
    same([], tmp_path)


def test_string_limit(tmp_path):
    same(["-s", "3"], tmp_path)
