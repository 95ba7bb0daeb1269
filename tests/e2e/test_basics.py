# SPDX-License-Identifier: MIT
"""Behaviour every user meets first: exit status, where output goes, errors."""
import os
import signal
import subprocess
import time

from conftest import RENACER, fixture, renacer, renacer_raw


def test_exit_status_is_the_programs():
    assert renacer_raw(["--", "sh", "-c", "exit 7"]).returncode == 7
    assert renacer_raw(["--", "true"]).returncode == 0


def test_killed_program_gives_128_plus_signal():
    p = renacer_raw(["--", "sh", "-c", "kill -KILL $$"])
    assert p.returncode == 128 + 9
    assert "+++ killed by SIGKILL +++" in p.stderr


def test_trace_goes_to_stderr_not_stdout():
    p = renacer_raw(["--", fixture("hello")])
    assert p.stdout == "hello from renacer\n"
    # strace pads the result to column 40.
    assert "write(1, \"hello from renacer\\n\", 19)    = 19\n" in p.stderr
    assert p.stderr.rstrip().endswith("+++ exited with 0 +++")


def test_output_file():
    r = renacer([], [fixture("hello")])
    assert r.stdout == "hello from renacer\n"
    assert r.stderr == ""
    assert r.lines[0].startswith("execve(")
    assert r.lines[-1] == "+++ exited with 0 +++"


def test_unknown_option_is_one_line_error():
    p = renacer_raw(["--bogus", "--", "true"])
    assert p.returncode != 0
    assert p.stderr.count("\n") == 1 and "--bogus" in p.stderr


def test_missing_program():
    p = renacer_raw(["--", "/nonexistent/prog"])
    assert p.returncode != 0
    assert p.stderr == "renacer: cannot run '/nonexistent/prog': No such file or directory\n"


def test_bad_filter():
    for expr, needle in [("trace=opne", "'opne'"), ("trace=/(/", "regex"), ("trace=!", "'!'"),
                         ("trace=", "''")]:
        p = renacer_raw(["-e", expr, "--", "true"])
        assert p.returncode != 0
        assert p.stderr.count("\n") == 1 and needle in p.stderr, p.stderr


def test_no_command():
    p = renacer_raw([])
    assert p.returncode != 0 and p.stderr.count("\n") == 1


def test_unwritable_output_file():
    p = renacer_raw(["-o", "/nonexistent/dir/trace", "--", "true"])
    assert p.returncode != 0
    assert "cannot open '/nonexistent/dir/trace'" in p.stderr


def test_help_and_version():
    p = renacer_raw(["--help"])
    assert p.returncode == 0 and "usage: renacer" in p.stdout
    p = renacer_raw(["-V"])
    assert p.returncode == 0 and p.stdout.startswith("renacer ")


def test_quiet_suppresses_notices():
    p = renacer_raw(["-f", "-e", "trace=none", "--", "sh", "-c", "true & wait"])
    assert "renacer: Process" in p.stderr
    p = renacer_raw(["-q", "-f", "-e", "trace=none", "--", "sh", "-c", "true & wait"])
    assert "renacer: Process" not in p.stderr
    assert p.stderr.rstrip().endswith("+++ exited with 0 +++")
