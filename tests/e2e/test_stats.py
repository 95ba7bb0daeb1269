# SPDX-License-Identifier: MIT
"""--stats-extended and --anomaly-realtime on a fixture with known delays:
percentiles equal the ones computed here from the -T durations of the same
run; the one deliberately slow call is found, as it happens and after the
fact; a uniform run has none; bad values are refused."""
import re

import pytest

from conftest import fixture, renacer, renacer_raw


def pct(sorted_vals, p):
    rank = p / 100.0 * (len(sorted_vals) - 1)
    lo = int(rank)
    if lo + 1 >= len(sorted_vals):
        return sorted_vals[-1]
    return sorted_vals[lo] + (rank - lo) * (sorted_vals[lo + 1] - sorted_vals[lo])


def test_percentiles_match_the_trace_durations():
    r = renacer(["-T", "--stats-extended", "-e", "trace=clock_nanosleep"], [fixture("delays"), "steady"])
    assert r.rc == 0, r.stderr
    durs = sorted(float(m) * 1e6 for m in re.findall(r"^clock_nanosleep\(.*<(\d+\.\d+)>$", r.trace, re.M))
    assert len(durs) == 50
    row = re.search(r"^clock_nanosleep\s+(\d+)" + r"\s+([\d.]+)" * 9 + r"$", r.trace, re.M)
    assert row, r.trace
    calls = int(row.group(1))
    mean, sd, mn, p50, p75, p90, p95, p99, mx = (float(row.group(i)) for i in range(2, 11))
    assert calls == 50
    # The trace shows whole microseconds, the report nanosecond-exact values.
    tol = 1.0
    for p, got in ((50, p50), (75, p75), (90, p90), (95, p95), (99, p99)):
        assert abs(pct(durs, p) - got) <= tol, (p, pct(durs, p), got)
    assert abs(min(durs) - mn) <= tol and abs(max(durs) - mx) <= tol
    assert abs(sum(durs) / len(durs) - mean) <= tol
    # And against the sleeps the fixture asked for: 1, 2 and 4 ms.
    assert 1000 <= mn and 2000 <= p50 < 3000 and p90 >= 4000


def test_posthoc_anomaly_is_the_slow_call():
    r = renacer(["-q", "--stats-extended", "-e", "trace=clock_nanosleep"], [fixture("delays"), "spike"])
    rep = r.trace[r.trace.index("Anomalies ("):]
    first = rep.splitlines()[1]
    m = re.match(r"^\s+clock_nanosleep\s+pid \d+\s+([\d.]+) us .*z = ([\d.]+)\)$", first)
    assert m, rep
    assert float(m.group(1)) >= 600000 and float(m.group(2)) > 3


ALERT = r"^⚠️  ANOMALY: clock_nanosleep took (\d+) μs \(([\d.]+)σ from baseline [\d.]+ ± [\d.]+ μs\) - (.*)$"


def delayed_alerts(r, expected_us=0):
    """The real-time alerts (microseconds, severity) of a run of delays,
    less one of at least EXPECTED_US; every other alert must be a call the
    machine delayed: the program itself saw one of its 20 ms naps take that
    long (the tracer's time is inside the program's), and no less than
    3 sigma over 20 ms with sigma floored at 10% of the mean."""
    alerts = [(int(m[0]), m[2]) for m in re.findall(ALERT, r.stderr, re.M)]
    assert "Total anomalies detected: %d" % len(alerts) in r.stderr, r.stderr
    took = [int(t) for t in re.findall(r"^took (\d+)$", r.stdout, re.M)]
    assert len(took) == 40
    rest = [a for a in alerts if a[0] < expected_us] if expected_us else alerts
    for us, _ in rest:
        assert us >= 26000 and any(t >= us for t in took), (alerts, took)
    return [a for a in alerts if a not in rest]


def test_realtime_finds_the_one_slow_call():
    r = renacer(["-q", "--anomaly-realtime", "-e", "trace=clock_nanosleep"], [fixture("delays"), "spike"])
    found = delayed_alerts(r, 600000)
    assert len(found) == 1 and found[0][1] == "🔴 High", r.stderr
    assert re.search(r"^\s+🔴 High \(>5σ\):\s+[1-9]\d* anomalies", r.stderr, re.M), r.stderr
    assert re.search(r"^  \d+\. 🔴 High clock_nanosleep - [\d.]+σ \(%d μs" % found[0][0], r.stderr, re.M), r.stderr


def test_realtime_none_on_uniform_calls():
    # None, but for calls the machine delayed.
    r = renacer(["-q", "--anomaly-realtime", "-e", "trace=clock_nanosleep"], [fixture("delays"), "uniform"])
    assert delayed_alerts(r) == []


def test_window_size_changes_the_baseline():
    # A 5-call window: the report says so, and the slow call still stands out.
    r = renacer(["-q", "--anomaly-realtime", "--anomaly-window-size", "5", "-e", "trace=clock_nanosleep"],
                [fixture("delays"), "spike"])
    assert "Window: last 5 calls" in r.stderr
    assert len(delayed_alerts(r, 600000)) == 1


@pytest.mark.parametrize("args", [["--anomaly-threshold", "-1"], ["--anomaly-threshold", "abc"],
                                  ["--anomaly-window-size", "0"], ["--anomaly-window-size", "x"]])
def test_bad_values_refused(args):
    p = renacer_raw(args + ["--", "true"])
    assert p.returncode == 2 and p.stderr.count("\n") == 1, p.stderr
