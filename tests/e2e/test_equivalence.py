# SPDX-License-Identifier: MIT
"""--equivalence: a Python program and its C "transpilation" that write the
same output pass; one that differs at a known write fails there, with both
sides shown and exit status 5."""
import os

import pytest

from conftest import fixture, renacer_raw

PY = os.path.join(os.path.dirname(__file__), "..", "fixtures", "equiv.py")


def run(tmp_path, *extra):
    return renacer_raw(["--equivalence", "/usr/bin/python3 %s %s" % (PY, tmp_path / "same"), "--",
                        fixture("equiv"), str(tmp_path / "same")] + list(extra))


def test_same_behaviour_passes(tmp_path):
    (tmp_path / "same").mkdir()
    p = run(tmp_path)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "Semantic equivalence: PASS" in p.stdout
    # stdout ("result: 42\n") and out.txt ("data\n"): 16 bytes; the file's creation.
    assert "compared: 2 output streams (16 bytes), 1 file-system events, exit status 0" in p.stdout
    assert "speedup:" in p.stdout
    assert open(tmp_path / "same" / "out.txt").read() == "data\n"


def test_different_output_fails_at_the_write(tmp_path):
    (tmp_path / "same").mkdir()
    p = run(tmp_path, "differ")
    assert p.returncode == 5, p.stdout + p.stderr
    out = p.stdout[p.stdout.index("Semantic equivalence"):]
    assert "FAIL" in out
    assert "first divergence: fd 1 differs at byte 9" in out
    assert 'original:   "result: 42\\n"' in out and 'transpiled: "result: 43\\n"' in out


def test_exit_status_is_observable(tmp_path):
    p = renacer_raw(["--equivalence", "true", "--", "false"])
    assert p.returncode == 5 and "exit status differs: original 0, transpiled 1" in p.stdout


def test_missing_program_is_an_error():
    p = renacer_raw(["--equivalence", "/nonexistent/prog", "--", "true"])
    assert p.returncode == 1 and p.stderr.count("\n") == 1


def test_configured_differences_are_tolerated(tmp_path):
    """A stream the user declares irrelevant does not fail the comparison;
    everything else still does."""
    (tmp_path / "same").mkdir()
    base = ["--equivalence", "/usr/bin/python3 %s %s" % (PY, tmp_path / "same")]
    p = renacer_raw(base + ["--equivalence-ignore", "^fd 1$", "--", fixture("equiv"), str(tmp_path / "same"),
                            "differ"])
    assert p.returncode == 0, p.stdout
    assert "compared: 1 output streams (5 bytes)" in p.stdout
    # Ignoring something else leaves the stdout difference visible.
    p = renacer_raw(base + ["--equivalence-ignore", "^fd 2$", "--", fixture("equiv"), str(tmp_path / "same"),
                            "differ"])
    assert p.returncode == 5
    # And a bad pattern is one error line.
    p = renacer_raw(base + ["--equivalence-ignore", "(", "--", "true"])
    assert p.returncode == 1 and p.stderr.count("\n") == 1 and "pattern" in p.stderr


def test_original_command_is_split_as_the_shell_would():
    # One argument with a space, quoted: both sides print "a b".
    p = renacer_raw(["--equivalence", "printf '%s\\n' 'a b'", "--", "printf", "%s\n", "a b"])
    assert p.returncode == 0 and "Semantic equivalence: PASS" in p.stdout, p.stdout + p.stderr


@pytest.mark.parametrize("orig,why", [("true; rm -rf /tmp/x", "shell operator"),
                                      ("echo $(id)", "command substitution"),
                                      ("echo 'unbalanced", "unbalanced quotes")])
def test_original_command_that_needs_a_shell_is_refused(orig, why):
    p = renacer_raw(["--equivalence", orig, "--", "true"])
    assert p.returncode == 2 and p.stderr.count("\n") == 1 and why in p.stderr, p.stderr
