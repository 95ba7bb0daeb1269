# SPDX-License-Identifier: MIT
"""--source and --stack: each syscall is attributed to the exact line of the
program's own code that made it (C, C++, Rust; threads and children under
-f), with clean fallbacks when debug info or symbols are missing."""
import json
import os
import re

import pytest

from conftest import FIXTURES, fixture, renacer

SRC = os.path.join(os.path.dirname(__file__), "..", "fixtures")
TAG = re.compile(r" \[([^\]]+)\]$")


def sites(name):
    """SITE markers of a fixture source: {site: line number}."""
    out = {}
    for i, line in enumerate(open(os.path.join(SRC, name)), 1):
        m = re.search(r"SITE (\w+)", line)
        if m:
            out[m.group(1)] = i
    return out


def attributed(trace, call):
    """The [location] tags of the lines for syscall call."""
    out = []
    for line in trace.splitlines():
        body = re.sub(r"^(\[pid\s+\d+\] |\d+\s+)", "", line)
        if body.startswith(call + "("):
            m = TAG.search(line)
            out.append(m.group(1) if m else None)
    return out


@pytest.mark.parametrize("exe", ["src_sites", "src_sites_nopie"])
def test_c_sites_main_helper_thread_child(exe):
    s = sites("src_sites.c")
    r = renacer(["--source", "-f", "-e", "trace=write,getppid"], [fixture(exe)])
    assert r.rc == 0, r.stderr
    writes = attributed(r.trace, "write")
    want = {"src_sites.c:%d in main" % s["main_write"], "src_sites.c:%d in worker" % s["thread_write"],
            "src_sites.c:%d in main" % s["child_write"]}
    got = {w.split("/")[-1] for w in writes}
    assert got == want, r.trace
    assert [g.split("/")[-1] for g in attributed(r.trace, "getppid")] == \
        ["src_sites.c:%d in helper" % s["helper_getppid"]]


def test_shared_library_of_the_program():
    lib = sites("lib/sites_lib.c")
    exe = sites("lib/src_sites_lib.c")
    r = renacer(["--source", "-e", "trace=getppid,getpid"], [fixture("src_sites_lib")])
    assert [l.split("/")[-1] for l in attributed(r.trace, "getppid")] == \
        ["sites_lib.c:%d in sites_lib_call" % lib["lib_getppid"]]
    assert [l.split("/")[-1] for l in attributed(r.trace, "getpid")] == \
        ["src_sites_lib.c:%d in main" % exe["exe_getpid"]]


def test_cpp_method_demangled():
    if not os.path.exists(os.path.join(FIXTURES, "src_sites_cpp")):
        pytest.skip("no C++ compiler at build time")
    s = sites("src_sites_cpp.cc")
    r = renacer(["--source", "-e", "trace=write"], [fixture("src_sites_cpp")])
    (loc,) = attributed(r.trace, "write")
    assert loc.split("/")[-1] == "src_sites_cpp.cc:%d in app::Logger::log(char const*, unsigned long)" % s["cpp_write"]


def test_rust_skips_std_frames():
    if not os.path.exists(os.path.join(FIXTURES, "src_sites_rs")):
        pytest.skip("rustc not found at build time")
    s = sites("src_sites_rs.rs")
    r = renacer(["--source", "-e", "trace=openat,write,close"], [fixture("src_sites_rs")])
    want = "src_sites_rs.rs:%d in src_sites_rs::emit" % s["rust_write"]
    # The /dev/null open, the write and the close all come from the marked line.
    lines = [l for l in r.trace.splitlines() if '"/dev/null"' in l or l.startswith("write(")]
    assert len(lines) == 2, r.trace
    for l in lines:
        assert TAG.search(l).group(1).split("/")[-1] == want
    # Start-up calls made by ld.so and the Rust runtime belong to no user line.
    first = r.trace.splitlines()[0]
    assert first.startswith("openat(") and not TAG.search(first), first


def test_no_debug_info_falls_back_to_symbol_then_module():
    r = renacer(["--source", "-e", "trace=getppid"], [fixture("src_sites_nodebug")])
    assert re.fullmatch(r"helper\+0x[0-9a-f]+", attributed(r.trace, "getppid")[0]), r.trace
    r = renacer(["--source", "-e", "trace=getppid"], [fixture("src_sites_stripped")])
    assert attributed(r.trace, "getppid") == ["src_sites_stripped"]


def test_loader_calls_have_no_location():
    r = renacer(["--source", "-e", "trace=openat"], [fixture("src_sites")])
    # ld.so opens the libraries before any user code runs.
    assert attributed(r.trace, "openat")[0] is None


def test_json_and_csv_carry_the_location():
    s = sites("src_sites.c")
    r = renacer(["--source", "--format", "json", "-e", "trace=getppid"], [fixture("src_sites")])
    doc = json.loads(r.trace)
    (ev,) = doc["syscalls"]
    assert ev["source"]["file"].endswith("src_sites.c")
    assert ev["source"]["line"] == s["helper_getppid"]
    assert ev["source"]["function"] == "helper"
    assert ev["source"]["module"] == "src_sites"
    r = renacer(["--source", "--format", "csv", "-e", "trace=getppid"], [fixture("src_sites")])
    header, row = r.trace.splitlines()
    assert header.endswith(",source_location")
    assert row.split(",")[-1].endswith("src_sites.c:%d in helper" % s["helper_getppid"])


def test_stack_lists_frames_innermost_first():
    s = sites("src_sites.c")
    r = renacer(["-k", "-e", "trace=getppid"], [fixture("src_sites")])
    lines = r.trace.splitlines()
    i = next(n for n, l in enumerate(lines) if l.startswith("getppid("))
    frames = []
    for l in lines[i + 1:]:
        if not l.startswith(" > "):
            break
        frames.append(l)
    # libc's wrapper, then helper at the marked line, then main.
    assert "libc.so" in frames[0]
    assert re.search(r"src_sites\(helper\+0x[0-9a-f]+\) .*src_sites\.c:%d$" % s["helper_getppid"], frames[1]), frames
    assert "src_sites(main+" in frames[2]


def write_times(trace):
    """The -T times of the finished writes in a trace, whole or resumed."""
    return [float(t) for t in re.findall(r"^(?:\[pid\s+\d+\] |\d+\s+)?(?:write\(.*\)|<\.\.\. write resumed>.*)"
                                         r"\s+= \d+ <([\d.]+)>$", trace, re.M)]


def test_function_time_profile():
    r = renacer(["-q", "-f", "-T", "--function-time", "-e", "trace=write,getppid"], [fixture("src_sites")])
    assert r.rc == 0
    rep = r.trace[r.trace.index("Function profile:"):]
    rows, slow_io = {}, 0
    for line in rep.splitlines():
        m = re.match(r"^(?:⚠  |   )(\S+)\s+(\d+)\s+([\d.]+)s\s+([\d.]+)s\s+(\d+)\s+(\d+)$", line)
        if m:
            rows[m.group(1)] = (int(m.group(2)), int(m.group(5)))
            slow_io += int(m.group(6))
    # main: its own write and the child's (a fork keeps main's stack); worker: the thread's write.
    assert rows == {"main": (2, 2), "worker": (1, 1), "helper": (1, 0)}, rep
    assert re.search(r"main → helper", rep)
    assert re.search(r"^  main\n    └─> helper \(1 call\)$", rep, re.M), rep
    # Nothing here should block for 1 ms, but the machine can preempt a
    # write for that long: the slow I/O the profile counts are exactly the
    # writes -T shows taking 1 ms or more.
    took = write_times(r.trace)
    assert len(took) == 3, r.trace
    # (the profile counts calls over 1 ms; -T shows microseconds)
    lo, hi = sum(1 for t in took if t > 0.001), sum(1 for t in took if t >= 0.001)
    assert lo <= slow_io <= hi and ("I/O bottlenecks" in rep) == (slow_io > 0), (took, rep)


def test_function_time_flags_slow_io():
    s = sites("slow_io.c")
    r = renacer(["-q", "-f", "-T", "--function-time", "-e", "trace=read,write"], [fixture("slow_io")])
    rep = r.trace[r.trace.index("Function profile:"):]
    assert re.search(r"^⚠  wait_for_data\s+1\s", rep, re.M), rep
    m = re.search(r"^  ⚠  wait_for_data: 1 slow of 1 I/O calls, slowest ([\d.]+) ms \(read\)$", rep, re.M)
    assert m, rep
    assert float(m.group(1)) >= 20.0
    # The writer's write is quick: not flagged (unless the machine
    # preempted it for a millisecond, which -T shows).
    took = write_times(r.trace)
    assert len(took) == 1, r.trace
    mark = "⚠  " if took[0] > 0.001 else "   "
    assert re.search(r"^%sfeed\s+1\s" % mark, rep, re.M), (took, rep)
    assert s["slow_read"]


def _folded(opts, exe):
    r = renacer(["-q", "-f", "--format", "flamegraph"] + opts, [fixture(exe)])
    assert r.rc == 0
    out = {}
    for line in r.trace.splitlines():
        stack, _, weight = line.rpartition(" ")
        assert stack and weight.isdigit(), line
        out[stack] = int(weight)
    return out


def test_flamegraph_folded_stacks():
    folded = _folded([], "src_sites")
    # Root first, syscall last; the helper's getppid through libc's wrapper.
    assert any(k.endswith(";main;helper;getppid;getppid") for k in folded), "\n".join(folded)
    assert any(k.endswith(";worker;__write;write") for k in folded)
    # Every traced call that returned is in exactly one stack: the count of
    # stacks ending in write equals the number of write calls (3).
    # The three writes: main's and the child's share a stack, the thread's differs.
    writes = sorted(k.split(";", k.count(";") - 2)[-1] for k in folded if k.endswith(";write"))
    assert writes == ["main;__write;write", "worker;__write;write"], writes
    assert all(w >= 1 for w in folded.values())
    # No call of this short run can weigh more than a few seconds.
    assert max(folded.values()) < 5000000, max(folded.items(), key=lambda kv: kv[1])


def test_flamegraph_svg_renders():
    import shutil
    import subprocess
    import tempfile
    chromium = shutil.which("chromium")
    if not chromium:
        pytest.skip("chromium not installed")
    with tempfile.TemporaryDirectory() as d:
        svg = os.path.join(d, "f.svg")
        r = renacer(["-q", "-f", "--format", "flamegraph-svg"], [fixture("src_sites")])
        text = r.trace
        assert text.startswith("<?xml") and "</svg>" in text
        assert "http://" not in text.replace('xmlns="http://www.w3.org/2000/svg"', "")
        titles = re.findall(r"<title>([^<(]+) \(", text)
        assert "main" in titles and "helper" in titles, titles
        open(svg, "w").write(text)
        png = os.path.join(d, "f.png")
        subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--screenshot=" + png,
                        "--window-size=1240,400", "file://" + svg], capture_output=True, timeout=120)
        data = open(png, "rb").read()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        assert _colored_fraction(data) > 0.05


def _colored_fraction(png):
    """Fraction of pixels in a PNG (8-bit RGB/RGBA, as Chromium writes) that
    are clearly not background: saturated colour, as flame graph frames are."""
    import struct
    import zlib
    pos, idat, w, h, ctype = 8, b"", 0, 0, 0
    while pos < len(png):
        n, typ = struct.unpack(">I4s", png[pos:pos + 8])
        body = png[pos + 8:pos + 8 + n]
        if typ == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and ctype in (2, 6)
        elif typ == b"IDAT":
            idat += body
        pos += 12 + n
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(idat)
    stride = w * bpp
    prev = bytearray(stride)
    colored = 0
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        for x in range(0, stride, bpp):
            r, g, bl = line[x], line[x + 1], line[x + 2]
            if max(r, g, bl) - min(r, g, bl) > 60:
                colored += 1
        prev = line
    return colored / float(w * h)


def test_flamegraph_folded_read_by_speedscope(tmp_path):
    """A real consumer: speedscope (npm, tests/js) imports the folded stacks
    in headless Chromium and shows the profile, with no import error."""
    import base64
    import shutil
    import subprocess
    chromium = shutil.which("chromium")
    index = os.path.join(os.path.dirname(__file__), "..", "js", "node_modules", "speedscope", "dist",
                         "release", "index.html")
    if not chromium:
        pytest.skip("chromium not installed")
    assert os.path.exists(index), "run tools/deps.sh: speedscope is missing from tests/js"
    r = renacer(["-q", "-f", "--format", "flamegraph"], [fixture("src_sites")])
    js = tmp_path / "profile.js"
    js.write_text("speedscope.loadFileFromBase64(%s, %s)" % (
        json.dumps("renacer.folded"), json.dumps(base64.b64encode(r.trace.encode()).decode())))
    url = "file://%s#localProfilePath=%s" % (os.path.abspath(index), js)
    dom = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--allow-file-access-from-files",
                          "--virtual-time-budget=5000", "--dump-dom", url], capture_output=True, text=True,
                         timeout=120).stdout
    assert "<title>renacer.folded - speedscope</title>" in dom, dom[:2000]
    assert "went wrong" not in dom and "Unrecognized format" not in dom


@pytest.mark.parametrize("exe", ["src_sites", "src_sites_nopie", "src_sites_cpp", "src_sites_rs", "src_sites_lib",
                                 "slow_io"])
def test_fast_unwind_agrees_with_libdwfl(exe):
    """The cached-CFI fast path and libdwfl's own unwinder give the same
    stacks, frame for frame (RENACER_UNWIND=libdwfl turns the fast path off)."""
    if not os.path.exists(os.path.join(FIXTURES, exe)):
        pytest.skip("%s not built" % exe)
    fast = renacer(["-q", "-f", "-k"], [fixture(exe)])
    slow = renacer(["-q", "-f", "-k"], [fixture(exe)], env=dict(os.environ, RENACER_UNWIND="libdwfl"))

    def stacks(trace):
        # Frames only: call lines differ in pids, addresses and interleaving.
        out, cur = [], []
        for line in trace.splitlines():
            if line.startswith(" > "):
                cur.append(line)
            elif cur:
                out.append(tuple(cur))
                cur = []
        return sorted(out + ([tuple(cur)] if cur else []))
    a, b = stacks(fast.trace), stacks(slow.trace)
    assert len(a) > 10
    assert a == b
