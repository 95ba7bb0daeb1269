# SPDX-License-Identifier: MIT
"""--compare: identical runs report no change; an injected 2x latency on one
syscall is flagged with a small p-value, and --fail-on-regression turns it
into exit status 3; bad inputs give one error line."""
import json
import random

import pytest

from conftest import fixture, renacer, renacer_raw


def doc(calls):
    """A renacer-json-v1 document holding calls [(name, duration_ns)]."""
    evs = [{"pid": 100, "name": n, "args": [], "result": 0, "return": "0", "start_ns": i * 1000,
            "duration_us": d // 1000, "duration_ns": d} for i, (n, d) in enumerate(calls)]
    return {"version": "0.1.0", "format": "renacer-json-v1", "command": ["x"], "syscalls": evs,
            "processes": [], "summary": {}}


def sample(rng, n, name, scale):
    # Log-normal latencies around 20 us, as real syscalls spread.
    return [(name, int(scale * rng.lognormvariate(9.9, 0.3))) for _ in range(n)]


def write(tmp_path, name, calls):
    p = tmp_path / name
    p.write_text(json.dumps(doc(calls)))
    return str(p)


def rows(out):
    res = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 8 and parts[2] == "->":
            res[parts[0]] = line
    return res


def test_identical_runs_report_no_change(tmp_path):
    r = renacer(["--format", "json", "-f"], [fixture("structured")])
    base = tmp_path / "base.json"
    base.write_text(r.trace)
    p = renacer_raw(["--compare", str(base), str(base), "--fail-on-regression", "1"])
    assert p.returncode == 0, p.stdout
    assert "Verdict: no regression" in p.stdout
    assert "REGRESSION" not in p.stdout and "improvement" not in p.stdout


def test_injected_2x_latency_is_flagged(tmp_path):
    rng = random.Random(7)
    base = sample(rng, 200, "read", 1) + sample(rng, 200, "write", 1)
    rng2 = random.Random(8)
    cur = sample(rng2, 200, "read", 2) + sample(rng2, 200, "write", 1)
    b, c = write(tmp_path, "b.json", base), write(tmp_path, "c.json", cur)
    p = renacer_raw(["--compare", b, c])
    assert p.returncode == 0  # report only without --fail-on-regression
    r = rows(p.stdout)
    assert r["read"].endswith("REGRESSION") and "<0.0001" in r["read"], p.stdout
    assert r["write"].endswith("no change"), p.stdout
    assert "Verdict: REGRESSION: 1 syscall slower (worst: read +" in p.stdout
    # The total line: same call count, more time in calls.
    tot = [l for l in p.stdout.splitlines() if l.startswith("total (ms in calls)")]
    assert len(tot) == 1 and "400 -> 400" in tot[0] and "+" in tot[0].split()[-1], tot
    p = renacer_raw(["--compare", b, c, "--fail-on-regression", "50"])
    assert p.returncode == 3
    # A 2x slowdown is below a 150% bar: reported, not failing.
    p = renacer_raw(["--compare", b, c, "--fail-on-regression", "150"])
    assert p.returncode == 0
    # The other way round it is an improvement.
    p = renacer_raw(["--compare", c, b, "--fail-on-regression", "10"])
    assert p.returncode == 0 and rows(p.stdout)["read"].endswith("improvement")


def test_small_noise_is_not_a_regression(tmp_path):
    rng = random.Random(1)
    base = sample(rng, 300, "read", 1)
    cur = sample(random.Random(2), 300, "read", 1.02)
    p = renacer_raw(["--compare", write(tmp_path, "b.json", base), write(tmp_path, "c.json", cur),
                     "--fail-on-regression", "10"])
    assert p.returncode == 0 and rows(p.stdout)["read"].endswith("no change"), p.stdout


def test_new_gone_and_insufficient(tmp_path):
    rng = random.Random(3)
    base = sample(rng, 20, "read", 1) + sample(rng, 3, "close", 1)
    cur = sample(rng, 20, "read", 1) + sample(rng, 3, "close", 1) + sample(rng, 10, "openat", 1)
    base += sample(rng, 10, "fsync", 1)
    p = renacer_raw(["--compare", write(tmp_path, "b.json", base), write(tmp_path, "c.json", cur)])
    r = rows(p.stdout)
    assert r["openat"].endswith("new") and r["fsync"].endswith("gone")
    assert r["close"].endswith("insufficient data")


@pytest.mark.parametrize("content,needle", [(None, "cannot read"), ("{oops", "not valid JSON"),
                                            ('{"format": "other"}', "not a renacer-json-v1")])
def test_bad_inputs(tmp_path, content, needle):
    good = write(tmp_path, "good.json", [("read", 1000)] * 5)
    bad = tmp_path / "bad.json"
    if content is not None:
        bad.write_text(content)
    p = renacer_raw(["--compare", good, str(bad)])
    assert p.returncode == 1 and p.stderr.count("\n") == 1 and needle in p.stderr, p.stderr


def test_usage_errors():
    assert renacer_raw(["--compare", "a.json"]).returncode == 2
    assert renacer_raw(["--fail-on-regression", "5", "--", "true"]).returncode == 2
    assert renacer_raw(["--compare", "a", "b", "--fail-on-regression", "x"]).returncode == 2
